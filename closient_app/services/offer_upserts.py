"""Batched offer upserts: COPY into a temp table, then one INSERT ... ON CONFLICT DO UPDATE.

The fastest of the methods measured in postgis.md (Writes), and the offers table's
fillfactor=70 keeps most updates HOT: a re-sync changes quantities and timestamps, which no
index covers. One statement decides per row, in the database, so it is safe against webhooks
applied concurrently:
- manual offers are never touched (the conflict's WHERE skips them);
- stock fields take the incoming values only when the incoming level is at least as new as the
  stored one (`pos_updated_at`); price, currency and tracking likewise by the variant's own
  version (`pos_variant_updated_at`). An older read never overwrites a newer webhook;
- `last_inventory_sync` is set on every offer the sync confirms, changed or not;
- `updated` moves only when something an agent can see changed, so `updated_since` lists
  real changes, not every re-sync.
"""

# SQL below is built once from constant fragments; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Engine, event, text
from sqlmodel import Session

from closient_app.services.stock_status import stock_status_sql


class OfferRow(NamedTuple):
    """One POS offer to write, in the staging table's column order."""

    id: str
    organization_id: str
    product_id: str
    location_id: str
    source_id: str
    sku: str
    external_product_id: str
    external_variant_id: str
    external_inventory_item_id: str | None
    price_amount: int
    price_currency: str
    quantity_on_hand: int | None
    stock_tracked: bool
    last_inventory_sync: datetime
    pos_updated_at: datetime | None
    pos_variant_updated_at: datetime | None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.product_id, self.location_id, self.sku


STAGE_COLUMNS = ", ".join(OfferRow._fields)
STAGE_READY = "closient_offer_stage"  # marks a connection whose session has the temp table
CLEAR_STAGE = text("DELETE FROM offer_stage")


@event.listens_for(Engine, "rollback")
@event.listens_for(Engine, "rollback_savepoint")
def _forget_stage(connection, *_: object) -> None:
    """A rollback may undo the CREATE itself (DDL is transactional): create it again."""
    connection.info.pop(STAGE_READY, None)


CREATE_STAGE = text(
    """
    CREATE TEMP TABLE IF NOT EXISTS offer_stage (
        id varchar(22), organization_id varchar(22), product_id varchar(22),
        location_id varchar(22), source_id varchar(22), sku varchar(255),
        external_product_id varchar(255), external_variant_id varchar(255),
        external_inventory_item_id varchar(255), price_amount integer,
        price_currency varchar(3), quantity_on_hand integer, stock_tracked boolean,
        last_inventory_sync timestamptz, pos_updated_at timestamptz,
        pos_variant_updated_at timestamptz
    ) ON COMMIT DELETE ROWS
    """
)

_NEWER_LEVEL = (
    "(excluded.pos_updated_at IS NULL OR o.pos_updated_at IS NULL "
    "OR excluded.pos_updated_at >= o.pos_updated_at)"
)
_NEWER_VARIANT = (
    "(excluded.pos_variant_updated_at IS NULL OR o.pos_variant_updated_at IS NULL "
    "OR excluded.pos_variant_updated_at >= o.pos_variant_updated_at)"
)
_QUANTITY = f"(CASE WHEN {_NEWER_LEVEL} THEN excluded.quantity_on_hand ELSE o.quantity_on_hand END)"
_TRACKED = f"(CASE WHEN {_NEWER_VARIANT} THEN excluded.stock_tracked ELSE o.stock_tracked END)"
_PRICE = f"(CASE WHEN {_NEWER_VARIANT} THEN excluded.price_amount ELSE o.price_amount END)"
_CURRENCY = f"(CASE WHEN {_NEWER_VARIANT} THEN excluded.price_currency ELSE o.price_currency END)"
_STATUS = stock_status_sql(_QUANTITY, _TRACKED)
_VISIBLE_CHANGE = (
    f"({_PRICE}, {_CURRENCY}, {_QUANTITY}, {_STATUS}, excluded.external_variant_id) "
    "IS DISTINCT FROM (o.price_amount, o.price_currency, o.quantity_on_hand, o.status, "
    "o.external_variant_id)"
)

UPSERT_FROM_STAGE = text(
    f"""
    INSERT INTO in_store_offer AS o (
        {STAGE_COLUMNS}, source, status, created, updated)
    SELECT {", ".join("s." + c for c in OfferRow._fields)}, 'pos_sync',
           {stock_status_sql("s.quantity_on_hand", "s.stock_tracked")}, :now, :now
    FROM offer_stage s
    ON CONFLICT (product_id, location_id, sku) DO UPDATE SET
        source_id = excluded.source_id,
        external_product_id = excluded.external_product_id,
        external_variant_id = excluded.external_variant_id,
        external_inventory_item_id = excluded.external_inventory_item_id,
        price_amount = {_PRICE},
        price_currency = {_CURRENCY},
        stock_tracked = {_TRACKED},
        quantity_on_hand = {_QUANTITY},
        status = {_STATUS},
        pos_updated_at = GREATEST(o.pos_updated_at, excluded.pos_updated_at),
        pos_variant_updated_at = GREATEST(o.pos_variant_updated_at,
                                          excluded.pos_variant_updated_at),
        last_inventory_sync = excluded.last_inventory_sync,
        updated = CASE WHEN {_VISIBLE_CHANGE} THEN excluded.updated ELSE o.updated END
    WHERE o.source = 'pos_sync'
    """
)


def distinct_by_key(rows: Iterable[OfferRow]) -> list[OfferRow]:
    """One row per (product, location, sku): a statement may not update a row twice. Two POS
    variants sharing a GTIN and a SKU are one offer; the first in catalog order wins."""
    seen: dict[tuple[str, str, str], OfferRow] = {}
    for row in rows:
        seen.setdefault(row.key, row)
    return list(seen.values())


def upsert_offer_rows(
    session: Session, rows: Iterable[OfferRow], *, now: datetime, low_below: int
) -> int:
    """Write the rows in the session's transaction; returns how many offers were inserted or
    updated (rows held by a manual offer are skipped and not counted)."""
    # Sorted by the unique key: neighbouring rows share index pages, fewer buffers are touched.
    batch = sorted(distinct_by_key(rows), key=lambda row: row.key)
    if not batch:
        return 0
    connection = session.connection()
    if not connection.info.get(STAGE_READY):  # once per pooled connection, not per batch
        session.execute(CREATE_STAGE)
        connection.info[STAGE_READY] = True
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY offer_stage ({STAGE_COLUMNS}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
    result = session.execute(UPSERT_FROM_STAGE, {"now": now, "low_below": low_below})
    session.execute(CLEAR_STAGE)  # another batch may follow in the same transaction
    return result.rowcount
