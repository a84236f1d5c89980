"""Geocoding behind one interface: an address in, a point with its source and accuracy out.

The offline geocoder always works (data shipped in packages); Nominatim is tried first when
`GEOCODER_URL` is set, and any timeout or error falls back to the offline answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from closient_app.models import GeocodeSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddressQuery:
    country: str  # ISO 3166-1 alpha-2, upper case
    city: str = ""
    region: str = ""
    postal_code: str = ""
    line1: str = ""


@dataclass(frozen=True)
class GeocodedPoint:
    latitude: float
    longitude: float
    source: GeocodeSource
    accuracy_m: int  # rough radius of uncertainty
    timezone: str | None = None  # IANA zone, when the data knows it


class Geocoder(Protocol):
    def geocode(self, address: AddressQuery) -> GeocodedPoint | None:
        """The best point for the address, or None when it is unknown."""
        ...


class FallbackGeocoder:
    """Ask each geocoder in turn; the first answer wins."""

    def __init__(self, *geocoders: Geocoder) -> None:
        self.geocoders = geocoders

    def geocode(self, address: AddressQuery) -> GeocodedPoint | None:
        for geocoder in self.geocoders:
            point = geocoder.geocode(address)
            if point is not None:
                return point
        return None


@lru_cache
def get_geocoder() -> Geocoder:
    """The configured geocoder, built once per process."""
    from closient_app.config import get_settings
    from closient_app.geo.nominatim import NominatimGeocoder
    from closient_app.geo.offline import OfflineGeocoder

    settings = get_settings()
    offline = OfflineGeocoder()
    if not settings.geocoder_url:
        return offline
    log.info("geocoding with Nominatim at %s, offline fallback", settings.geocoder_url)
    nominatim = NominatimGeocoder(settings.geocoder_url, timeout_s=settings.geocoder_timeout_s)
    return FallbackGeocoder(nominatim, offline)
