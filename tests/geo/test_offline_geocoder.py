import pytest

from closient_app.geo.geocoding import AddressQuery
from closient_app.geo.offline import OfflineGeocoder, city_accuracy_m, normalize_place_name
from closient_app.models import GeocodeSource
from tests.api.geo_support import haversine_km

geocoder = OfflineGeocoder()


def test_a_us_postal_code_lands_inside_its_area() -> None:
    point = geocoder.geocode(AddressQuery(country="US", postal_code="55401", city="Minneapolis"))

    assert point.source == GeocodeSource.POSTAL_CODE
    # 55401 is the North Loop / downtown riverfront; City Hall (55415) is next door.
    assert haversine_km(point.latitude, point.longitude, 44.9773, -93.2655) < 2
    assert point.accuracy_m == 5000
    assert point.timezone == "America/Chicago"


def test_zip_plus_four_is_accepted() -> None:
    point = geocoder.geocode(AddressQuery(country="US", postal_code="10001-2062"))

    assert point.source == GeocodeSource.POSTAL_CODE
    assert haversine_km(point.latitude, point.longitude, 40.7506, -73.9972) < 3  # Penn Station


def test_city_fallback_prefers_the_region_then_the_biggest() -> None:
    illinois = geocoder.geocode(AddressQuery(country="US", city="Springfield", region="IL"))
    missouri = geocoder.geocode(AddressQuery(country="US", city="Springfield", region="mo"))

    assert illinois.source == GeocodeSource.CITY
    assert haversine_km(illinois.latitude, illinois.longitude, 39.7817, -89.6501) < 5
    assert haversine_km(missouri.latitude, missouri.longitude, 37.2090, -93.2923) < 5


def test_city_names_are_matched_loosely_and_outside_the_us() -> None:
    montreal = geocoder.geocode(AddressQuery(country="CA", city="montreal", postal_code="H2X 1Y4"))
    st_paul = geocoder.geocode(AddressQuery(country="US", city="St. Paul", region="MN"))

    assert haversine_km(montreal.latitude, montreal.longitude, 45.5019, -73.5674) < 5
    assert montreal.timezone == "America/Toronto"
    assert haversine_km(st_paul.latitude, st_paul.longitude, 44.9537, -93.0900) < 5


def test_unknown_places_are_none_not_zero_zero() -> None:
    assert geocoder.geocode(AddressQuery(country="US", city="Nowhereville Flats")) is None
    assert geocoder.geocode(AddressQuery(country="US", postal_code="00000")) is None
    assert geocoder.geocode(AddressQuery(country="CA", postal_code="H2X 1Y4")) is None


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("St. Paul", "saint paul"), ("Saint-Paul ", "saint paul"), ("Montréal", "montreal")],
)
def test_place_names_normalise(raw, normal) -> None:
    assert normalize_place_name(raw) == normal


def test_city_accuracy_grows_with_population_within_bounds() -> None:
    assert city_accuracy_m(500) == 3000
    assert city_accuracy_m(400_000) == pytest.approx(11_284, abs=5)
    assert city_accuracy_m(20_000_000) == 30000
