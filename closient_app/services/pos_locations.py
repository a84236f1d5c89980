"""POS locations as our stores: each becomes a draft Location the retailer confirms and publishes.

The POS is the source of truth for a store's name, address and phone (its location webhooks
exist to carry edits), so those follow it. The pin does not once the retailer placed or
confirmed it (`placement.pin_is_fixed`); until then it follows the POS's approximate
coordinates, or the offline geocoder when the POS has none. A location the POS deleted or
deactivated is retired: its POS offers go, and it is unpublished (it may be a closed store).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from closient_app.connectors.interface import PosLocation
from closient_app.geo.geocoding import AddressQuery, get_geocoder
from closient_app.geo.points import point_ewkt
from closient_app.models import (
    GeocodeSource,
    InStoreOffer,
    InventorySource,
    Location,
    LocationStatus,
    OfferSource,
)
from closient_app.services import placement

# Shopify calls its coordinates approximate (geocoded from the address on its side).
POS_PIN_ACCURACY_M = 250


def upsert_pos_locations(
    *,
    session: Session,
    source: InventorySource,
    locations: list[PosLocation],
    fallback_country: str,
    now: datetime,
) -> dict[str, str]:
    """Create or update a Location per POS location; returns POS id -> Location id of the
    active ones (the stores whose stock we sell). Inactive ones are retired."""
    existing = {
        loc.external_id: loc
        for loc in session.exec(select(Location).where(Location.source_id == source.id)).all()
    }
    selling: dict[str, str] = {}
    for pos in locations:
        location = existing.get(pos.external_id) or Location(
            organization_id=source.organization_id,
            source_id=source.id,
            external_id=pos.external_id,
            name="",
            country=fallback_country,
        )
        apply_pos_fields(location, pos, fallback_country=fallback_country, now=now)
        session.add(location)
        session.flush()
        if pos.is_active:
            selling[pos.external_id] = location.id
        else:
            retire_location(session=session, location=location, now=now)
    return selling


def apply_pos_fields(
    location: Location, pos: PosLocation, *, fallback_country: str, now: datetime
) -> None:
    location.name = (pos.name or "Store")[:200]
    location.line1 = (pos.line1 or "")[:255]
    location.line2 = (pos.line2 or "")[:255]
    location.city = (pos.city or "")[:120]
    location.region = (pos.region or "")[:120]
    location.postal_code = (pos.postal_code or "")[:20]
    location.country = (pos.country or fallback_country or "US").upper()[:2]
    location.phone = (pos.phone or "")[:32]
    if not placement.pin_is_fixed(location):
        _place_from_pos(location, pos)
    location.updated = now


def _place_from_pos(location: Location, pos: PosLocation) -> None:
    if pos.latitude is not None and pos.longitude is not None:
        location.geog = point_ewkt(pos.latitude, pos.longitude)
        location.geocode_source = GeocodeSource.POS
        location.geocode_accuracy_m = POS_PIN_ACCURACY_M
        return
    point = get_geocoder().geocode(
        AddressQuery(
            country=location.country,
            city=location.city,
            region=location.region,
            postal_code=location.postal_code,
            line1=location.line1,
        )
    )
    if point is None:  # nothing to place it by: the retailer is asked for a pin
        location.geog, location.geocode_source, location.geocode_accuracy_m = None, None, None
        return
    location.geog = point_ewkt(point.latitude, point.longitude)
    location.geocode_source = point.source
    location.geocode_accuracy_m = point.accuracy_m


def warm_up_geocoder() -> None:
    """The offline geocoder loads its ZIP and city data on first use (about 1.5 s here): a
    worker does that at start, not inside a retailer's first sync."""
    geocoder = get_geocoder()
    geocoder.geocode(AddressQuery(country="US", postal_code="55401"))
    geocoder.geocode(AddressQuery(country="CA", city="Toronto"))


def retire_location(*, session: Session, location: Location, now: datetime) -> int:
    """The POS no longer sells from this store: drop its POS offers (manual ones stay) and take
    it out of search. The row stays, with the retailer's pin and hours, in case it reopens."""
    removed = session.execute(
        delete(InStoreOffer).where(
            InStoreOffer.location_id == location.id,
            InStoreOffer.source == OfferSource.POS_SYNC,
        )
    ).rowcount
    if location.status == LocationStatus.PUBLISHED:
        location.status = LocationStatus.DRAFT
        location.updated = now
        session.add(location)
    return removed


def retire_missing_locations(
    *, session: Session, source_id: str, present: set[str], now: datetime
) -> int:
    """After a full sync: retire this source's locations the POS no longer lists."""
    gone = session.exec(
        select(Location).where(Location.source_id == source_id, Location.external_id.is_not(None))
    ).all()
    return sum(
        retire_location(session=session, location=loc, now=now)
        for loc in gone
        if loc.external_id not in present
    )
