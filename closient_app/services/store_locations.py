"""A retailer's own stores as the wizard and dashboard show them: list, add from a form, move
the pin, confirm and publish. The rules themselves (geocoding, what may be published) live in
services/locations.py and services/placement.py; this module adapts them to a form.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlmodel import Session

from closient_app.errors import ValidationFailed
from closient_app.geo.geocoding import AddressQuery, GeocodedPoint
from closient_app.models import GeocodeSource, Location, LocationStatus
from closient_app.schemas.locations import Address, LocationCreate, LocationUpdate
from closient_app.services import locations, placement
from closient_app.services.ownership import get_owned, owned_rows

# The form's rows of opening hours: (label, days it covers).
HOURS_ROWS = (
    ("weekdays", ("monday", "tuesday", "wednesday", "thursday", "friday")),
    ("saturday", ("saturday",)),
    ("sunday", ("sunday",)),
)


@dataclass(frozen=True)
class StoreForm:
    name: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str = ""
    website: str = ""
    hours: tuple[tuple[str, str, str], ...] = ()  # (row key, opens, closes); blank = closed


def list_locations(*, session: Session, organization_id: str) -> list[Location]:
    return owned_rows(session, Location, organization_id)


def own_location(*, session: Session, organization_id: str, location_id: str) -> Location:
    """The location, if it belongs to this organization (another's is simply not found)."""
    return get_owned(
        session,
        Location,
        location_id,
        organization_id,
        missing_message="This store is not in your organization.",
    )


class _KnownPoint:
    """A geocoder that answers with a point already found (so we geocode only once)."""

    def __init__(self, point: GeocodedPoint) -> None:
        self.point = point

    def geocode(self, address: AddressQuery) -> GeocodedPoint:
        return self.point


def _problems(exc: ValidationError) -> list[dict[str, str]]:
    """One entry per problem, named by the form field it belongs to (hours, phone, ...)."""
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        message = error["msg"].removeprefix("Value error, ")
        problems.append({"field": field, "message": message})
    return problems


def _hours(form: StoreForm, timezone: str) -> dict | None:
    days = dict(HOURS_ROWS)
    weekly = [
        {"day_of_week": day, "opens": opens, "closes": closes}
        for key, opens, closes in form.hours
        if opens or closes  # half-filled rows reach validation and are named there
        for day in days[key]
    ]
    return {"timezone": timezone, "weekly": weekly} if weekly else None


def add_store(*, session: Session, organization_id: str, form: StoreForm) -> Location:
    """A draft store from the form, placed by geocoding its address; 422 names each problem."""
    try:
        address = Address(
            line1=form.line1,
            city=form.city,
            region=form.region,
            postal_code=form.postal_code,
            country=form.country or "US",
        )
    except ValidationError as exc:
        raise ValidationFailed("Check the address.", details=_problems(exc)) from None
    point = placement.geocode(address)  # 422 with words when nobody can place it
    try:
        data = LocationCreate(
            organization_id=organization_id,
            name=form.name,
            address=address,
            phone=form.phone,
            website=form.website,
            hours=_hours(form, point.timezone or "UTC"),
        )
    except ValidationError as exc:
        raise ValidationFailed("Check the store details.", details=_problems(exc)) from None
    return locations.create_location(session=session, data=data, geocoder=_KnownPoint(point))


def move_pin(*, session: Session, location: Location, latitude: float, longitude: float):
    """The person dragged the pin: a manual pin, which geocoding never moves again."""
    try:
        changes = LocationUpdate(latitude=latitude, longitude=longitude)
    except ValidationError as exc:
        raise ValidationFailed("That is not a place on the map.", details=_problems(exc)) from None
    return locations.update_location(session=session, location=location, changes=changes)


def confirm_and_publish(*, session: Session, location: Location) -> Location:
    """Publishing from the map means 'the pin I am looking at is right', so confirm it too."""
    if location.geog is not None and not location.coordinates_confirmed:
        placement.confirm_pin(location)
    return locations.publish_location(session=session, location=location)


def unpublish(*, session: Session, location: Location) -> Location:
    return locations.unpublish_location(session=session, location=location)


def pin_description(location: Location) -> str:
    """Where the pin came from, in words, so the person knows how much to trust it."""
    if location.geog is None:
        return "No pin yet: add the address or place it on the map."
    if location.coordinates_confirmed or location.geocode_source == GeocodeSource.MANUAL:
        return "Pinned by you."
    if location.geocode_source is None:
        return "Pin placed."
    if location.geocode_source == GeocodeSource.POS:
        return "Pin from your POS: check it, it is often the head office."
    accuracy = location.geocode_accuracy_m or 0
    where = "postal code" if location.geocode_source == GeocodeSource.POSTAL_CODE else "city"
    if location.geocode_source == GeocodeSource.NOMINATIM:
        where = "street address"
    return f"Placed from the {where} (within about {max(accuracy, 100) / 1000:g} km)."


def is_published(location: Location) -> bool:
    return location.status == LocationStatus.PUBLISHED
