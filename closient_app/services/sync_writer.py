"""One batch of catalog rows written: products matched, then one offer per (variant, store).

A row becomes offers only when it is for sale: an active product at a selling location.
Everything else is simply not confirmed by the sync, and the end-of-sync reconciliation
removes what it held before (see `sync_run.reconcile`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from closient_app.connectors.interface import PosOffer
from closient_app.ids import new_short_id
from closient_app.services.offer_upserts import OfferRow, upsert_offer_rows
from closient_app.services.pos_products import resolve_products


@dataclass(frozen=True)
class SyncTarget:
    """Where a source's catalog lands: its organization, and POS location id -> our store."""

    organization_id: str
    source_id: str
    provider: str
    stores: dict[str, str]
    low_stock_below: int


def write_catalog_rows(
    *, session: Session, target: SyncTarget, rows: Sequence[PosOffer], confirmed_at: datetime
) -> int:
    """Upsert the batch in the session's transaction; returns offers inserted or updated."""
    for_sale = [row for row in rows if row.is_active]
    if not for_sale:
        return 0
    products = resolve_products(
        session=session,
        organization_id=target.organization_id,
        provider=target.provider,
        rows=for_sale,
        now=confirmed_at,
    )
    offers = offer_rows(target, for_sale, products, confirmed_at)
    return upsert_offer_rows(session, offers, now=confirmed_at, low_below=target.low_stock_below)


def offer_rows(
    target: SyncTarget,
    rows: Sequence[PosOffer],
    products: dict[str, str],
    confirmed_at: datetime,
) -> Iterator[OfferRow]:
    for row in rows:
        tracked = row.tracked is not False  # None: the message did not say; assume counted
        for level in row.levels:
            store = target.stores.get(level.location_id)
            if store is None:  # a deactivated location: its stock is not for sale
                continue
            yield OfferRow(
                id=new_short_id(),
                organization_id=target.organization_id,
                product_id=products[row.external_variant_id],
                location_id=store,
                source_id=target.source_id,
                sku=(row.sku or "")[:255],
                external_product_id=row.external_product_id,
                external_variant_id=row.external_variant_id,
                external_inventory_item_id=row.inventory_item_id,
                price_amount=row.price_amount,
                price_currency=row.currency,
                quantity_on_hand=level.available if tracked else None,
                stock_tracked=tracked,
                last_inventory_sync=confirmed_at,
                # No level time: the POS's current count wins over anything stored.
                pos_updated_at=level.updated_at,
                pos_variant_updated_at=row.updated_at,
            )
