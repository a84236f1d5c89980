"""Store locations: create, change, publish, unpublish, delete, and their public view.

Only published locations are public; publishing needs a pin, and a pin imported from the POS
must be confirmed first (it is often a warehouse or a head office). Authorization is the
caller's job: these functions trust that the route checked the organization and role.
"""

from __future__ import annotations

from sqlmodel import Session

from closient_app.clock import utcnow
from closient_app.config import get_settings
from closient_app.errors import NotFound, ValidationFailed
from closient_app.geo.geocoding import Geocoder
from closient_app.geo.points import coordinates_of
from closient_app.models import GeocodeSource, Location, LocationStatus
from closient_app.models.base import touch
from closient_app.pages import routes
from closient_app.schemas.hours import OpeningHours
from closient_app.schemas.locations import (
    Address,
    AddressOut,
    LocationCreate,
    LocationOut,
    LocationUpdate,
)
from closient_app.services import placement

ADDRESS_FIELDS = ("line1", "line2", "city", "region", "postal_code", "country")


def public_url(organization_id: str, location_id: str) -> str:
    """The store's public page (the seed's `first_location_url`)."""
    return get_settings().base_url + routes.marketplace_location(organization_id, location_id)


def get_location(*, session: Session, location_id: str) -> Location:
    location = session.get(Location, location_id)
    if location is None:
        raise NotFound("No such location.")
    return location


def create_location(
    *, session: Session, data: LocationCreate, geocoder: Geocoder | None = None
) -> Location:
    location = Location(organization_id=data.organization_id, name=data.name, phone=data.phone)
    location.website = data.website
    _set_address(location, data.address)
    _set_hours(location, data.hours)
    if data.latitude is not None and data.longitude is not None:
        placement.place_manual_pin(location, data.latitude, data.longitude)
    else:
        placement.place_by_address(location, data.address, geocoder)
    if data.status == LocationStatus.PUBLISHED:
        _publish(location)
    session.add(location)
    session.flush()
    return location


def update_location(
    *,
    session: Session,
    location: Location,
    changes: LocationUpdate,
    geocoder: Geocoder | None = None,
) -> Location:
    sent = changes.model_fields_set
    for name in ("name", "phone", "website"):
        if name in sent and getattr(changes, name) is not None:
            setattr(location, name, getattr(changes, name))
    if "hours" in sent:
        _set_hours(location, changes.hours)
    if changes.address is not None:
        _set_address(location, changes.address)
    if changes.latitude is not None and changes.longitude is not None:
        placement.place_manual_pin(location, changes.latitude, changes.longitude)
    elif changes.address is not None and not placement.pin_is_fixed(location):
        placement.place_by_address(location, changes.address, geocoder)
    if changes.coordinates_confirmed:
        placement.confirm_pin(location)
    touch(location)
    session.add(location)
    session.flush()
    return location


def publish_location(*, session: Session, location: Location) -> Location:
    _publish(location)
    touch(location)
    session.add(location)
    session.flush()
    return location


def unpublish_location(*, session: Session, location: Location) -> Location:
    location.status = LocationStatus.DRAFT
    touch(location)
    session.add(location)
    session.flush()
    return location


def delete_location(*, session: Session, location: Location) -> None:
    session.delete(location)  # its offers go with it (ON DELETE CASCADE)
    session.flush()


def _publish(location: Location) -> None:
    if location.geog is None:
        raise ValidationFailed(
            "A store needs a pin on the map before it can be published.",
            details=[{"field": "latitude", "message": "the store has no coordinates"}],
            next_step=f"PATCH /locations/api/v1/locations/{location.id} with latitude and "
            "longitude.",
        )
    if location.geocode_source == GeocodeSource.POS and not location.coordinates_confirmed:
        raise ValidationFailed(
            "The pin came from the POS and is approximate: confirm or move it before publishing.",
            details=[{"field": "coordinates_confirmed", "message": "the POS pin is unconfirmed"}],
            next_step=f"PATCH /locations/api/v1/locations/{location.id} with "
            '{"coordinates_confirmed": true}, or with the exact latitude and longitude.',
        )
    if location.status != LocationStatus.PUBLISHED:
        location.status = LocationStatus.PUBLISHED
        location.published_at = utcnow()


def _set_address(location: Location, address: Address) -> None:
    for name in ADDRESS_FIELDS:
        setattr(location, name, getattr(address, name))


def _set_hours(location: Location, hours: OpeningHours | None) -> None:
    location.hours = [interval.model_dump() for interval in hours.weekly] if hours else []
    if hours:
        location.timezone = hours.timezone


def location_out(location: Location) -> LocationOut:
    coordinates = coordinates_of(location.geog)
    return LocationOut(
        id=location.id,
        organization_id=location.organization_id,
        name=location.name,
        address=AddressOut(**{name: getattr(location, name) for name in ADDRESS_FIELDS}),
        latitude=coordinates[0] if coordinates else None,
        longitude=coordinates[1] if coordinates else None,
        geocode_source=location.geocode_source,
        geocode_accuracy_m=location.geocode_accuracy_m,
        coordinates_confirmed=location.coordinates_confirmed,
        phone=location.phone,
        website=location.website,
        timezone=location.timezone,
        hours=stored_hours(location),
        status=location.status,
        published_at=location.published_at,
        url=public_url(location.organization_id, location.id),
        created=location.created,
        updated=location.updated,
    )


def stored_hours(location: Location) -> OpeningHours | None:
    """Hours as written (validated on the way in), without re-validating them on the way out."""
    if not location.hours:
        return None
    return OpeningHours.model_validate({"timezone": location.timezone, "weekly": location.hours})
