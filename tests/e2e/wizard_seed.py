"""Rows the browser tests put in place directly, for what is not under test in that test:
a retailer who is already synced (to test what a VIEWER may do), a competitor nearby."""

from __future__ import annotations

from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.geo.points import coordinates_of, point_ewkt
from closient_app.models import (
    InStoreOffer,
    InventorySource,
    Location,
    LocationStatus,
    Membership,
    OfferSource,
    Organization,
    Role,
    SourceStatus,
    StockStatus,
    WebhookEndpoint,
)
from closient_app.services.crypto import encrypt_secret
from tests.factories import make_location, make_offer, make_org, make_product, make_user


def synced_retailer(db: Session, *, owner_email: str, password: str) -> Organization:
    """An organization through steps 1-4 (connected, endpoints, synced) with a draft store."""
    owner = make_user(db, email=owner_email, password=password)
    org = make_org(db, name="Lakeside Outfitters", owner=owner)
    source = InventorySource(
        organization_id=org.id,
        provider="shopify",
        shop_domain=f"lakeside-{org.id.lower()[:8]}.myshopify.com",
        status=SourceStatus.CONNECTED,
        connected_at=utcnow(),
        last_sync_at=utcnow(),
    )
    db.add(source)
    db.flush()
    db.add(
        WebhookEndpoint(
            organization_id=org.id,
            source_id=source.id,
            provider="shopify",
            topic_group="inventory",
            topics=["inventory_levels/update"],
            secret_encrypted=encrypt_secret("whsec_test"),
        )
    )
    db.commit()
    store = make_location(db, org, name="Lakeside Store", published=False)
    make_offer(db, org=org, product=make_product(db, name="Trail Lantern"), location=store)
    return org


def add_member(db: Session, org: Organization, *, email: str, password: str, role: Role) -> None:
    user = make_user(db, email=email, password=password)
    db.add(Membership(organization_id=org.id, user_id=user.id, role=role))
    db.commit()


def competitor_near(db: Session, store_name: str, *, north_km: float = 1.2) -> str:
    """Another retailer's published store a little north of ours, selling what we sell in
    stock there too; returns its name."""
    ours = db.exec(select(Location).where(Location.name == store_name)).one()
    lat, lon = coordinates_of(ours.geog)
    rival = make_org(db, name="Main Street Goods")
    store = Location(
        organization_id=rival.id,
        name="Main Street Goods",
        line1="1 Main St",
        city=ours.city,
        country=ours.country,
        geog=point_ewkt(lat + north_km / 111.0, lon + 0.004),
        status=LocationStatus.PUBLISHED,
        coordinates_confirmed=True,
    )
    db.add(store)
    db.commit()
    offers = db.exec(
        select(InStoreOffer).where(
            InStoreOffer.location_id == ours.id, InStoreOffer.status == StockStatus.IN_STOCK
        )
    ).all()
    for index, offer in enumerate(offers):
        db.add(
            InStoreOffer(
                organization_id=rival.id,
                product_id=offer.product_id,
                location_id=store.id,
                source=OfferSource.MANUAL,
                sku=f"MSG-{index}",
                price_amount=offer.price_amount + 150,
                price_currency=offer.price_currency,
                quantity_on_hand=4,
                status=StockStatus.IN_STOCK,
                last_inventory_sync=utcnow(),
            )
        )
    db.commit()
    return store.name
