"""Where a store's pin goes: a manual pin wins, otherwise the geocoder places it.

Order of trust: a pin the retailer placed or confirmed (`manual`, `coordinates_confirmed`) is
never moved by geocoding or a POS import; POS coordinates are approximate until confirmed;
an address nobody can place is refused with a 422 asking for coordinates, never stored as (0, 0).
"""

from __future__ import annotations

from closient_app.errors import ValidationFailed
from closient_app.geo.geocoding import AddressQuery, GeocodedPoint, Geocoder, get_geocoder
from closient_app.geo.points import point_ewkt
from closient_app.models import GeocodeSource, Location
from closient_app.schemas.locations import Address

ASK_FOR_COORDINATES = "Send latitude and longitude for this store (WGS 84 decimal degrees)."


def place_manual_pin(location: Location, latitude: float, longitude: float) -> None:
    location.geog = point_ewkt(latitude, longitude)
    location.geocode_source = GeocodeSource.MANUAL
    location.geocode_accuracy_m = None
    location.coordinates_confirmed = True


def place_by_address(location: Location, address: Address, geocoder: Geocoder | None) -> None:
    """Geocode the address onto the location, or refuse with a 422 that asks for coordinates."""
    point = geocode(address, geocoder)
    location.geog = point_ewkt(point.latitude, point.longitude)
    location.geocode_source = point.source
    location.geocode_accuracy_m = point.accuracy_m
    location.coordinates_confirmed = False
    if point.timezone and not location.hours:
        location.timezone = point.timezone


def geocode(address: Address, geocoder: Geocoder | None = None) -> GeocodedPoint:
    query = AddressQuery(
        country=address.country,
        city=address.city,
        region=address.region,
        postal_code=address.postal_code,
        line1=address.line1,
    )
    point = (geocoder or get_geocoder()).geocode(query)
    if point is None:
        raise ValidationFailed(
            "We could not find this address on the map, so we need the store's coordinates.",
            details=[
                {"field": "latitude", "message": "required: the address could not be geocoded"},
                {"field": "longitude", "message": "required: the address could not be geocoded"},
            ],
            next_step=ASK_FOR_COORDINATES,
        )
    return point


def pin_is_fixed(location: Location) -> bool:
    """A pin the retailer placed or confirmed stays put when the address changes."""
    return location.coordinates_confirmed or location.geocode_source == GeocodeSource.MANUAL


def confirm_pin(location: Location) -> None:
    if location.geog is None:
        raise ValidationFailed(
            "There is no pin to confirm yet.",
            details=[{"field": "coordinates_confirmed", "message": "the store has no pin"}],
            next_step=ASK_FOR_COORDINATES,
        )
    location.coordinates_confirmed = True
