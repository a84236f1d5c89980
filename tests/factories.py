"""Factories as plain functions: each makes a valid row with sensible defaults and commits it."""

from __future__ import annotations

from itertools import count

from sqlmodel import Session

from closient_app.models import (
    InStoreOffer,
    Location,
    LocationStatus,
    OfferSource,
    Organization,
    Product,
    Role,
    StockStatus,
    User,
)
from closient_app.services import accounts

_seq = count(1)


def make_user(
    db: Session, *, email: str | None = None, password: str = "correct horse battery"
) -> User:
    user = accounts.create_user(
        session=db, email=email or f"user{next(_seq)}@example.test", password=password
    )
    db.commit()
    return user


def make_org(
    db: Session, *, name: str = "Corner Hardware", owner: User | None = None
) -> Organization:
    org = accounts.create_organization(
        session=db, name=name, country="US", owner=owner or make_user(db)
    )
    db.commit()
    return org


def make_api_key(
    db: Session, org: Organization, *, role: Role = Role.MANAGER, scopes=accounts.ALL_SCOPES
):
    issued = accounts.issue_api_key(
        session=db, organization_id=org.id, name="test key", role=role, scopes=tuple(scopes)
    )
    db.commit()
    return issued


def make_location(
    db: Session,
    org: Organization,
    *,
    lat: float = 44.9778,
    lon: float = -93.2650,
    name: str = "Downtown store",
    published: bool = True,
) -> Location:
    location = Location(
        organization_id=org.id,
        name=name,
        line1="100 Main St",
        city="Minneapolis",
        region="MN",
        postal_code="55401",
        country="US",
        geog=f"SRID=4326;POINT({lon} {lat})",
        status=LocationStatus.PUBLISHED if published else LocationStatus.DRAFT,
    )
    db.add(location)
    db.commit()
    return location


def make_product(
    db: Session, *, gtin: str | None = None, name: str = "Cordless Drill 18V", brand: str = "Makita"
) -> Product:
    product = Product(gtin=gtin, name=name, brand=brand)
    db.add(product)
    db.commit()
    return product


def make_offer(
    db: Session,
    *,
    org: Organization,
    product: Product,
    location: Location,
    sku: str = "SKU-1",
    price_amount: int = 1099,
    quantity: int | None = 12,
    status: StockStatus = StockStatus.IN_STOCK,
    source: OfferSource = OfferSource.MANUAL,
    last_inventory_sync=None,
) -> InStoreOffer:
    offer = InStoreOffer(
        organization_id=org.id,
        product_id=product.id,
        location_id=location.id,
        source=source,
        sku=sku,
        price_amount=price_amount,
        price_currency="USD",
        quantity_on_hand=quantity,
        status=status,
        last_inventory_sync=last_inventory_sync,
    )
    db.add(offer)
    db.commit()
    return offer
