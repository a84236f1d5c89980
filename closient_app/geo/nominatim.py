"""A production geocoder: Nominatim (self-hosted or a provider) through geopy.

Any failure (timeout, connection refused, HTTP error, unparsable reply) is logged and answered
with None, so the caller falls back to the offline geocoder instead of failing the request.
"""

from __future__ import annotations

import json
import logging
import math
from urllib.parse import urlsplit

import httpx
from geopy.adapters import AdapterHTTPError, BaseSyncAdapter
from geopy.exc import GeocoderParseError, GeocoderServiceError, GeocoderTimedOut, GeopyError
from geopy.geocoders import Nominatim

from closient_app import __version__
from closient_app.geo.geocoding import AddressQuery, GeocodedPoint
from closient_app.models import GeocodeSource

log = logging.getLogger(__name__)
USER_AGENT = f"closient-geocoder/{__version__}"
# Nominatim gives a bounding box; a point-like answer still gets a few metres of slack.
MIN_ACCURACY_M = 10


class HttpxAdapter(BaseSyncAdapter):
    """geopy transport over httpx, so tests can inject a transport and redirects stay off."""

    transport: httpx.BaseTransport | None = None  # set by tests

    def __init__(self, *, proxies, ssl_context) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.client = httpx.Client(transport=self.transport, follow_redirects=False)

    def get_json(self, url, *, timeout, headers):
        try:
            return json.loads(self.get_text(url, timeout=timeout, headers=headers))
        except ValueError as exc:
            raise GeocoderParseError(f"not JSON from {url}") from exc

    def get_text(self, url, *, timeout, headers):
        try:
            response = self.client.get(url, timeout=timeout, headers=headers)
        except httpx.TimeoutException as exc:
            raise GeocoderTimedOut("Service timed out") from exc
        except httpx.HTTPError as exc:
            raise GeocoderServiceError(str(exc)) from exc
        if response.status_code >= 400:
            raise AdapterHTTPError(
                f"HTTP {response.status_code}",
                status_code=response.status_code,
                headers=dict(response.headers),
                text=response.text,
            )
        return response.text


def accuracy_from_bbox(raw: dict) -> int:
    """Half the diagonal of Nominatim's bounding box [south, north, west, east], in metres."""
    try:
        south, north, west, east = (float(v) for v in raw["boundingbox"])
    except (KeyError, TypeError, ValueError):
        return MIN_ACCURACY_M * 100
    mid_lat = math.radians((south + north) / 2)
    dy = (north - south) * 111_195
    dx = (east - west) * 111_195 * math.cos(mid_lat)
    return max(MIN_ACCURACY_M, int(math.hypot(dx, dy) / 2))


class NominatimGeocoder:
    def __init__(self, base_url: str, *, timeout_s: float = 3.0) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        self.client = Nominatim(
            domain=parts.netloc + parts.path,
            scheme=parts.scheme or "https",
            user_agent=USER_AGENT,
            timeout=timeout_s,
            adapter_factory=HttpxAdapter,
        )

    def geocode(self, address: AddressQuery) -> GeocodedPoint | None:
        query = {
            "street": address.line1,
            "city": address.city,
            "state": address.region,
            "postalcode": address.postal_code,
            "country": address.country,
        }
        try:
            found = self.client.geocode({k: v for k, v in query.items() if v}, exactly_one=True)
        except GeopyError as exc:
            log.warning("Nominatim failed (%s); using the offline geocoder", exc)
            return None
        if found is None:
            return None
        return GeocodedPoint(
            latitude=found.latitude,
            longitude=found.longitude,
            source=GeocodeSource.NOMINATIM,
            accuracy_m=accuracy_from_bbox(found.raw),
        )
