"""POS variants matched to products: by GTIN when the barcode is one, else a private product.

A valid barcode (GTIN-8/12/13/14 with a correct check digit) names a shared product, keyed by
its GTIN-14: created on first sight, never renamed by a retailer's POS (other retailers and the
products API share it). A variant without one becomes a product private to the organization,
keyed by (organization, provider, POS variant id), whose name follows the POS.

Set-based: one batch of variants costs four statements whatever its size.
"""

# SQL below is constant text; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from closient_app.connectors.interface import PosOffer
from closient_app.gtin import InvalidGtin, normalize_gtin
from closient_app.ids import new_short_id

DEFAULT_VARIANT_TITLE = "Default Title"  # Shopify's title of a product's only variant

INSERT_SHARED = text(
    """
    INSERT INTO product (id, gtin, name, brand, created, updated)
    SELECT u.id, u.gtin, u.name, u.brand, :now, :now
    FROM unnest(CAST(:ids AS text[]), CAST(:gtins AS text[]), CAST(:names AS text[]),
                CAST(:brands AS text[])) AS u(id, gtin, name, brand)
    ON CONFLICT (gtin) DO NOTHING
    """
)
SELECT_SHARED = text("SELECT gtin, id FROM product WHERE gtin = ANY(CAST(:gtins AS text[]))")
UPSERT_PRIVATE = text(
    """
    INSERT INTO product (id, name, brand, organization_id, pos_provider, pos_product_ref,
                         created, updated)
    SELECT u.id, u.name, u.brand, :org, :provider, u.ref, :now, :now
    FROM unnest(CAST(:ids AS text[]), CAST(:refs AS text[]), CAST(:names AS text[]),
                CAST(:brands AS text[])) AS u(id, ref, name, brand)
    ON CONFLICT (organization_id, pos_provider, pos_product_ref) DO UPDATE
    SET name = excluded.name, brand = excluded.brand, updated = excluded.updated
    WHERE (product.name, product.brand) IS DISTINCT FROM (excluded.name, excluded.brand)
    """
)
SELECT_PRIVATE = text(
    """
    SELECT pos_product_ref, id FROM product
    WHERE organization_id = :org AND pos_provider = :provider
      AND pos_product_ref = ANY(CAST(:refs AS text[]))
    """
)


def gtin_of(barcode: str | None) -> str | None:
    if not barcode:
        return None
    try:
        return normalize_gtin(barcode)
    except InvalidGtin:
        return None


def product_name(row: PosOffer) -> str:
    """'Linen Apron - Large'; a single-variant product is just its title."""
    name = row.title or row.sku or "Unnamed product"
    if row.variant_title and row.variant_title != DEFAULT_VARIANT_TITLE:
        name = f"{name} - {row.variant_title}"
    return name[:500]


def resolve_products(
    *,
    session: Session,
    organization_id: str,
    provider: str,
    rows: Iterable[PosOffer],
    now: datetime,
) -> dict[str, str]:
    """POS variant id -> product id, creating the products that do not exist yet."""
    shared: dict[str, PosOffer] = {}
    private: dict[str, PosOffer] = {}
    variant_key: dict[str, tuple[bool, str]] = {}
    for row in rows:
        gtin = gtin_of(row.barcode)
        if gtin is not None:
            shared.setdefault(gtin, row)
            variant_key[row.external_variant_id] = (True, gtin)
        else:
            private[row.external_variant_id] = row
            variant_key[row.external_variant_id] = (False, row.external_variant_id)
    shared_ids = _shared_products(session, shared, now)
    private_ids = _private_products(session, organization_id, provider, private, now)
    return {
        variant: (shared_ids if is_shared else private_ids)[key]
        for variant, (is_shared, key) in variant_key.items()
    }


def _columns(rows: dict[str, PosOffer]) -> dict[str, list[str]]:
    return {
        "ids": [new_short_id() for _ in rows],
        "names": [product_name(r) for r in rows.values()],
        "brands": [(r.vendor or "")[:200] for r in rows.values()],
    }


def _shared_products(session: Session, rows: dict[str, PosOffer], now: datetime) -> dict[str, str]:
    if not rows:
        return {}
    gtins = list(rows)
    session.execute(INSERT_SHARED, {**_columns(rows), "gtins": gtins, "now": now})
    return dict(session.execute(SELECT_SHARED, {"gtins": gtins}).all())


def _private_products(
    session: Session, org: str, provider: str, rows: dict[str, PosOffer], now: datetime
) -> dict[str, str]:
    if not rows:
        return {}
    refs = list(rows)
    keys = {"org": org, "provider": provider}
    session.execute(UPSERT_PRIVATE, {**_columns(rows), **keys, "refs": refs, "now": now})
    return dict(session.execute(SELECT_PRIVATE, {**keys, "refs": refs}).all())
