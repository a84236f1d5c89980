"""The offers dashboard: a page of an organization's in-store offers, searchable by product,
brand, SKU or GTIN, with each offer's store and how fresh its stock is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from closient_app import freshness
from closient_app.models import InStoreOffer, Location, Product


@dataclass(frozen=True)
class OfferLine:
    id: str
    product: str
    brand: str
    gtin: str
    sku: str
    store: str
    price_amount: int
    price_currency: str
    quantity: int | None
    stock_status: str
    source: str
    last_inventory_sync: datetime | None
    confidence: str


def _filtered(organization_id: str, search: str):
    query = (
        select(InStoreOffer, Product, Location.name)
        .join(Product, Product.id == InStoreOffer.product_id)
        .join(Location, Location.id == InStoreOffer.location_id)
        .where(InStoreOffer.organization_id == organization_id)
    )
    words = search.strip()
    if words:
        like = f"%{words.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(
                Product.name.ilike(like),
                Product.brand.ilike(like),
                InStoreOffer.sku.ilike(like),
                Product.gtin.ilike(like),
            )
        )
    return query


def offer_page(
    *,
    session: Session,
    organization_id: str,
    search: str,
    page: int,
    page_size: int,
    now: datetime,
) -> tuple[int, list[OfferLine]]:
    """(total matching, this page), by product name then store."""
    query = _filtered(organization_id, search)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(Product.name, Location.name, InStoreOffer.id)
        .offset((max(page, 1) - 1) * page_size)
        .limit(page_size)
    ).all()
    return total, [
        OfferLine(
            id=offer.id,
            product=product.name,
            brand=product.brand,
            gtin=product.gtin or "",
            sku=offer.sku,
            store=store,
            price_amount=offer.price_amount,
            price_currency=offer.price_currency,
            quantity=offer.quantity_on_hand,
            stock_status=offer.status.value,
            source=offer.source.value,
            last_inventory_sync=offer.last_inventory_sync,
            confidence=freshness.inventory_confidence(offer.last_inventory_sync, now),
        )
        for offer, product, store in rows
    ]
