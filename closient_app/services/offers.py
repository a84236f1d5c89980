"""In-store offers through the API: list, create (manual), read, change, delete.

Manual offers belong to the retailer: a POS sync never overwrites or deletes them (its upsert
skips them, its deletion rule excludes them). POS offers belong to the POS: the API may delete
one (the next sync brings it back if the POS still sells it) but not edit it, since the next
sync would silently undo the edit. Authorization is the route's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from sqlmodel.sql.expression import Select

from closient_app import freshness
from closient_app.config import get_settings
from closient_app.errors import Conflict, NotFound, ValidationFailed
from closient_app.models import InStoreOffer, Location, OfferSource, Product, StockStatus
from closient_app.models.base import touch
from closient_app.schemas.offers import OfferCreate, OfferOut, OfferUpdate
from closient_app.services.ownership import get_owned
from closient_app.services.stock_status import stock_status

TRIPLE = "product_id,physical_store_id,sku"
UNIQUE_TRIPLE = "in_store_offer_product_id_location_id_sku_key"


@dataclass(frozen=True)
class OfferFilters:
    physical_store_id: str | None = None
    status: StockStatus | None = None
    updated_since: datetime | None = None


def offers_query(*, organization_id: str, filters: OfferFilters) -> Select:
    """The organization's offers with their product's GTIN, filtered, in a stable order."""
    query = (
        select(InStoreOffer, Product.gtin)
        .join(Product, Product.id == InStoreOffer.product_id)
        .where(InStoreOffer.organization_id == organization_id)
    )
    if filters.physical_store_id:
        query = query.where(InStoreOffer.location_id == filters.physical_store_id)
    if filters.status:
        query = query.where(InStoreOffer.status == filters.status)
    if filters.updated_since:
        query = query.where(InStoreOffer.updated >= filters.updated_since)
    return query.order_by(InStoreOffer.created, InStoreOffer.id)


def get_offer(*, session: Session, offer_id: str) -> InStoreOffer:
    offer = session.get(InStoreOffer, offer_id)
    if offer is None:
        raise NotFound("No such organization or resource.")
    return offer


def create_manual_offer(
    *, session: Session, organization_id: str, data: OfferCreate, now: datetime
) -> InStoreOffer:
    product = _visible_product(session, organization_id, data.product_id)
    store = get_owned(
        session,
        Location,
        data.physical_store_id,
        organization_id,
        missing_message="No such store in this organization.",
        details=[{"field": "physical_store_id", "message": "unknown store"}],
        next_step="List your stores or create one: POST /locations/api/v1/locations.",
    )
    offer = InStoreOffer(
        organization_id=organization_id,
        product_id=product.id,
        location_id=store.id,
        source=OfferSource.MANUAL,
        sku=data.sku,
        price_amount=data.price_amount,
        price_currency=data.price_currency,
        quantity_on_hand=data.quantity_on_hand,
        status=data.status or _derived_status(data.quantity_on_hand),
        last_inventory_sync=now,  # the retailer states the stock now
    )
    _insert_unique(session, offer)
    return offer


def update_manual_offer(
    *, session: Session, offer: InStoreOffer, changes: OfferUpdate, now: datetime
) -> InStoreOffer:
    if offer.source != OfferSource.MANUAL:
        raise Conflict(
            "This offer is kept by the POS sync; an edit here would be undone by the next sync.",
            next_step="Change it in the POS, or delete it and create a manual offer.",
        )
    sent = changes.model_fields_set
    for name in ("sku", "price_amount", "price_currency"):
        if name in sent and getattr(changes, name) is not None:
            setattr(offer, name, getattr(changes, name))
    if "quantity_on_hand" in sent:
        offer.quantity_on_hand = changes.quantity_on_hand
    if "status" in sent and changes.status is not None:
        offer.status = changes.status
    elif "quantity_on_hand" in sent:
        offer.status = _derived_status(offer.quantity_on_hand)
    if sent & {"quantity_on_hand", "status"}:
        offer.last_inventory_sync = now
    touch(offer)
    _insert_unique(session, offer)
    return offer


def delete_offer(*, session: Session, offer: InStoreOffer) -> None:
    session.delete(offer)
    session.flush()


def offer_out(offer: InStoreOffer, gtin: str | None, now: datetime) -> OfferOut:
    return OfferOut(
        id=offer.id,
        product_id=offer.product_id,
        gtin=gtin,
        physical_store_id=offer.location_id,
        sku=offer.sku,
        price_amount=offer.price_amount,
        price_currency=offer.price_currency,
        quantity_on_hand=offer.quantity_on_hand,
        status=offer.status,
        source=offer.source,
        last_inventory_sync=offer.last_inventory_sync,
        inventory_confidence=freshness.inventory_confidence(offer.last_inventory_sync, now),
        created=offer.created,
        updated=offer.updated,
    )


def gtin_of_offer(session: Session, offer: InStoreOffer) -> str | None:
    product = session.get(Product, offer.product_id)
    return product.gtin if product else None


def _visible_product(session: Session, organization_id: str, product_id: str) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.organization_id not in (None, organization_id):
        raise NotFound(
            "No such product.",
            details=[{"field": "product_id", "message": "unknown product"}],
            next_step="Find it by GTIN (GET /products/api/v1/products/{gtin}) or add it "
            "(POST /products/api/v1/products).",
        )
    return product


def _derived_status(quantity: int | None) -> StockStatus:
    low = get_settings().low_stock_threshold
    return stock_status(quantity, tracked=quantity is not None, low_below=low)


def _insert_unique(session: Session, offer: InStoreOffer) -> None:
    """Let the unique (product, store, sku) constraint decide, never a check-then-insert."""
    try:
        with session.begin_nested():
            session.add(offer)
    except IntegrityError as exc:
        if getattr(exc.orig.diag, "constraint_name", None) != UNIQUE_TRIPLE:
            raise
        raise ValidationFailed(
            "An offer for this product at this store with this SKU already exists.",
            details=[
                {
                    "field": TRIPLE,
                    "message": "(product_id, physical_store_id, sku) must "
                    "be unique: change the SKU, or update the existing offer",
                }
            ],
        ) from None
