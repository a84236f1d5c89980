"""Step 6's search preview: the same search shoppers and agents run, seen from one store.

It runs the real ranking (services/search.py) without storing a search session, and adds
what the page needs on top: each store's coordinates for the map, and which stores are ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from closient_app.db import session_driver_connection
from closient_app.geo.points import coordinates_of
from closient_app.models import InStoreOffer, Location, LocationStatus, Product, StockStatus
from closient_app.schemas.search import Hit
from closient_app.services.search import Criteria, find_hits, hit_from_row

PREVIEW_RADIUS_KM = 10.0


@dataclass(frozen=True)
class PreviewResult:
    hits: list[Hit]
    coordinates: dict[str, tuple[float, float]]  # store id -> (latitude, longitude)


def published_stores(*, session: Session, organization_id: str) -> list[Location]:
    return list(
        session.exec(
            select(Location)
            .where(
                Location.organization_id == organization_id,
                Location.status == LocationStatus.PUBLISHED,
            )
            .order_by(Location.published_at, Location.id)
        ).all()
    )


def suggested_query(*, session: Session, organization_id: str) -> str:
    """A product this retailer has in stock at a published store: a search worth trying."""
    name = session.exec(
        select(Product.name)
        .join(InStoreOffer, InStoreOffer.product_id == Product.id)
        .join(Location, Location.id == InStoreOffer.location_id)
        .where(
            InStoreOffer.organization_id == organization_id,
            InStoreOffer.status.in_((StockStatus.IN_STOCK, StockStatus.LOW_STOCK)),
            Location.status == LocationStatus.PUBLISHED,
        )
        .order_by(InStoreOffer.updated.desc())
        .limit(1)
    ).first()
    return search_words(name or "")


def search_words(product_name: str) -> str:
    """A product name as a shopper would type it: no variant suffix ("Mug - Oat" -> "Mug"),
    and no punctuation the query syntax would read as an operator ("-oat" means NOT oat)."""
    base = product_name.split(" - ", 1)[0]
    return " ".join(re.sub(r"[^\w\s]", " ", base).split())


def search_near_store(
    *, session: Session, store: Location, query: str, radius_km: float = PREVIEW_RADIUS_KM
) -> PreviewResult:
    """What a shopper standing at `store` finds for `query`, nearest first."""
    latitude, longitude = coordinates_of(store.geog) or (0.0, 0.0)
    criteria = Criteria(query.strip(), latitude, longitude, radius_km)
    rows = find_hits(session_driver_connection(session), criteria)
    hits = [hit_from_row(row) for row in rows]
    ids = {hit.store.id for hit in hits} | {store.id}
    found = session.exec(select(Location).where(Location.id.in_(ids))).all()
    coordinates = {loc.id: point for loc in found if (point := coordinates_of(loc.geog))}
    return PreviewResult(hits=hits, coordinates=coordinates)
