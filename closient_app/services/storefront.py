"""What the public store page shows: a published store and what it has in stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, or_
from sqlmodel import Session, select

from closient_app.models import (
    InStoreOffer,
    InventorySource,
    Location,
    LocationStatus,
    OfferSource,
    Product,
    SourceStatus,
    StockStatus,
)
from closient_app.services.ownership import find_owned

SHELF_LIMIT = 100


@dataclass(frozen=True)
class ShelfItem:
    product_name: str
    brand: str
    gtin: str | None
    price_amount: int
    price_currency: str
    stock_status: StockStatus
    quantity_on_hand: int | None
    last_inventory_sync: datetime | None


def published_store(*, session: Session, organization_id: str, location_id: str) -> Location | None:
    """The store behind a public URL; drafts and mismatched organizations are simply absent."""
    location = find_owned(session, Location, location_id, organization_id)
    published = location is not None and location.status == LocationStatus.PUBLISHED
    return location if published else None


def in_stock_shelf(*, session: Session, location_id: str) -> list[ShelfItem]:
    """In-stock offers the search would also show (manual, or from a live POS), by name."""
    live_source = exists().where(
        InventorySource.id == InStoreOffer.source_id,
        InventorySource.status.in_((SourceStatus.CONNECTED, SourceStatus.SYNCING)),
    )
    rows = session.exec(
        select(Product, InStoreOffer)
        .join(InStoreOffer, InStoreOffer.product_id == Product.id)
        .where(
            InStoreOffer.location_id == location_id,
            InStoreOffer.status.in_((StockStatus.IN_STOCK, StockStatus.LOW_STOCK)),
            or_(InStoreOffer.source == OfferSource.MANUAL, live_source),
        )
        .order_by(Product.name, InStoreOffer.price_amount)
        .limit(SHELF_LIMIT)
    )
    return [
        ShelfItem(
            product_name=product.name,
            brand=product.brand,
            gtin=product.gtin,
            price_amount=offer.price_amount,
            price_currency=offer.price_currency,
            stock_status=offer.status,
            quantity_on_hand=offer.quantity_on_hand,
            last_inventory_sync=offer.last_inventory_sync,
        )
        for product, offer in rows
    ]
