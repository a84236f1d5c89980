"""Catalog events: a product created, changed or deleted; a store created, changed or deleted.

A product event lists the product's current variants with their prices, but no stock. So a
known variant is updated in place (price, SKU), a variant that left the list or a product that
is no longer active loses its offers (the deletion rule), and a variant we have not seen yet is
read by a catch-up sync, the only way to learn its stock at each store.
"""

# SQL below is constant text; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from closient_app.connectors.interface import (
    LocationChanged,
    LocationDeleted,
    PosOffer,
    ProductChanged,
    ProductDeleted,
)
from closient_app.models import Location, Organization, ReceiptStatus
from closient_app.services.event_context import APPLIED, Applied, EventContext
from closient_app.services.inventory_events import offer_event
from closient_app.services.pos_locations import retire_location, upsert_pos_locations
from closient_app.services.pos_products import resolve_products

OFFERS_OF_PRODUCT = text(
    """
    SELECT id, external_variant_id, product_id FROM in_store_offer
    WHERE source_id = :source AND source = 'pos_sync' AND external_product_id = :product
    """
)
VARIANT_NOT_NEWER = (
    "(CAST(:version AS timestamptz) IS NULL OR pos_variant_updated_at IS NULL "
    "OR pos_variant_updated_at <= CAST(:version AS timestamptz))"
)
REMOVE_VARIANTS = text(
    f"""
    DELETE FROM in_store_offer
    WHERE source_id = :source AND source = 'pos_sync' AND external_product_id = :product
      AND (CAST(:keep AS text[]) IS NULL OR NOT external_variant_id = ANY(CAST(:keep AS text[])))
      AND {VARIANT_NOT_NEWER}
    RETURNING id
    """
)
PRICE = "CAST(:price AS integer)"
CURRENCY = "CAST(:currency AS varchar)"
UPDATE_VARIANT = text(
    f"""
    UPDATE in_store_offer SET
        price_amount = {PRICE}, price_currency = {CURRENCY},
        pos_variant_updated_at = GREATEST(pos_variant_updated_at, CAST(:version AS timestamptz)),
        updated = CASE WHEN (price_amount, price_currency) IS DISTINCT FROM ({PRICE}, {CURRENCY})
                       THEN :now ELSE updated END
    WHERE source_id = :source AND source = 'pos_sync' AND external_variant_id = :variant
      AND {VARIANT_NOT_NEWER}
    RETURNING id, product_id, location_id, sku, quantity_on_hand, status, updated = :now AS changed
    """
)
RENAME_VARIANT_SKU = text(
    f"""
    UPDATE in_store_offer SET sku = :sku
    WHERE source_id = :source AND source = 'pos_sync' AND external_variant_id = :variant
      AND sku <> :sku AND {VARIANT_NOT_NEWER}
    """
)
DELETE_PRODUCT = text(
    """
    DELETE FROM in_store_offer
    WHERE source_id = :source AND source = 'pos_sync' AND external_product_id = :product
    RETURNING id
    """
)


def product_changed(context: EventContext, event: ProductChanged) -> Applied:
    base = {"source": context.source.id, "product": event.product_id, "now": context.now}
    version = context.version(event.updated_at)
    keep = [v.external_variant_id for v in event.variants] if event.is_active else None
    removed = (
        context.session.execute(REMOVE_VARIANTS, {**base, "keep": keep, "version": version})
        .scalars()
        .all()
    )
    for offer_id in removed:
        context.forward("offer.deleted", {"id": offer_id, "reason": "variant_removed"})
    if not event.is_active:
        return APPLIED if removed else (ReceiptStatus.IGNORED, "not for sale and no offers")
    offers = context.session.execute(OFFERS_OF_PRODUCT, base).mappings().all()
    known = {o["external_variant_id"]: o["product_id"] for o in offers}
    if any(v.external_variant_id not in known for v in event.variants):
        return context.catch_up("a variant we have not synced yet")
    if _barcode_moved(context, event.variants, known):
        return context.catch_up("a barcode changed, so the variant is another product")
    notes = [_update_variant(context, base, v) for v in event.variants]
    return ReceiptStatus.APPLIED, "; ".join(n for n in notes if n) or None


def _barcode_moved(context: EventContext, variants: tuple[PosOffer, ...], known: dict) -> bool:
    """Matches the variants to products again (this also renames private products); True when
    a variant now belongs to another product than its offers."""
    products = resolve_products(
        session=context.session,
        organization_id=context.source.organization_id,
        provider=context.source.provider,
        rows=variants,
        now=context.now,
    )
    return any(products[v] != product for v, product in known.items() if v in products)


def _update_variant(context: EventContext, base: dict, variant: PosOffer) -> str | None:
    params = {
        **base,
        "variant": variant.external_variant_id,
        "price": variant.price_amount,
        "currency": variant.currency,
        "sku": (variant.sku or "")[:255],
        "version": context.version(variant.updated_at),
    }
    for row in context.session.execute(UPDATE_VARIANT, params).mappings():
        if row["changed"]:
            context.forward("offer.updated", offer_event(row, None))
    try:
        with context.session.begin_nested():
            context.session.execute(RENAME_VARIANT_SKU, params)
    except IntegrityError:  # a manual offer holds (product, store, new sku): it wins
        return f"SKU of {variant.external_variant_id} not changed: a manual offer uses it"
    return None


def product_deleted(context: EventContext, event: ProductDeleted) -> Applied:
    """Deleted at the POS (ids are never reused): its offers go at once, whatever version."""
    params = {"source": context.source.id, "product": event.product_id}
    removed = context.session.execute(DELETE_PRODUCT, params).scalars().all()
    for offer_id in removed:
        context.forward("offer.deleted", {"id": offer_id, "reason": "product_deleted"})
    return APPLIED if removed else (ReceiptStatus.IGNORED, "no offers for this product")


def location_changed(context: EventContext, event: LocationChanged) -> Applied:
    organization = context.session.get(Organization, context.source.organization_id)
    stores = upsert_pos_locations(
        session=context.session,
        source=context.source,
        locations=[event.location],
        fallback_country=organization.country if organization else "US",
        now=context.now,
    )
    context.forward(
        "location.updated",
        {"pos_location_id": event.location.external_id, "selling": bool(stores)},
    )
    return APPLIED


def location_deleted(context: EventContext, event: LocationDeleted) -> Applied:
    location = context.session.exec(
        select(Location).where(
            Location.source_id == context.source.id, Location.external_id == event.location_id
        )
    ).first()
    if location is None:
        return ReceiptStatus.IGNORED, "no such store"
    retire_location(session=context.session, location=location, now=context.now)
    context.forward("location.deleted", {"id": location.id, "pos_location_id": event.location_id})
    return APPLIED
