"""Nominatim through geopy, against a fake server; failures fall back to the offline geocoder."""

import json

import httpx
import pytest

from closient_app.geo.geocoding import AddressQuery, FallbackGeocoder
from closient_app.geo.nominatim import HttpxAdapter, NominatimGeocoder, accuracy_from_bbox
from closient_app.geo.offline import OfflineGeocoder
from closient_app.models import GeocodeSource

ADDRESS = AddressQuery(
    country="US", city="Minneapolis", region="MN", postal_code="55401", line1="100 Main St"
)
FOUND = [
    {
        "lat": "44.98412",
        "lon": "-93.25871",
        "display_name": "100 Main St, Minneapolis",
        "boundingbox": ["44.98402", "44.98422", "-93.25881", "-93.25861"],
    }
]


@pytest.fixture
def nominatim(monkeypatch):
    requests: list[httpx.Request] = []

    def serve(reply):
        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return reply(request)

        monkeypatch.setattr(HttpxAdapter, "transport", httpx.MockTransport(handler))
        return NominatimGeocoder("https://geo.example.org/nominatim", timeout_s=1)

    serve.requests = requests
    return serve


def test_a_found_address_is_used_with_its_bounding_box_accuracy(nominatim) -> None:
    geocoder = nominatim(lambda request: httpx.Response(200, json=FOUND))

    point = geocoder.geocode(ADDRESS)

    assert (point.latitude, point.longitude) == (44.98412, -93.25871)
    assert point.source == GeocodeSource.NOMINATIM
    assert point.accuracy_m == 13
    request = nominatim.requests[0]
    assert request.url.host == "geo.example.org"
    assert request.url.path == "/nominatim/search"
    assert request.url.params["postalcode"] == "55401"
    assert request.url.params["street"] == "100 Main St"
    assert request.headers["user-agent"].startswith("closient-geocoder/")


@pytest.mark.parametrize(
    "reply",
    [
        lambda request: httpx.Response(503, text="overloaded"),
        lambda request: httpx.Response(200, text="<html>not json</html>"),
        lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=request)),
        lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused", request=request)),
    ],
    ids=["http-503", "not-json", "timeout", "refused"],
)
def test_failures_fall_back_to_the_offline_geocoder(nominatim, reply) -> None:
    geocoder = FallbackGeocoder(nominatim(reply), OfflineGeocoder())

    point = geocoder.geocode(ADDRESS)

    assert point.source == GeocodeSource.POSTAL_CODE
    assert len(nominatim.requests) == 1


def test_not_found_falls_back_too(nominatim) -> None:
    geocoder = FallbackGeocoder(
        nominatim(lambda request: httpx.Response(200, json=[])), OfflineGeocoder()
    )

    assert geocoder.geocode(ADDRESS).source == GeocodeSource.POSTAL_CODE


def test_bounding_box_accuracy() -> None:
    # 0.01 degrees of latitude is about 1.1 km: half the diagonal of a 0.01 x 0 box is ~556 m.
    assert accuracy_from_bbox({"boundingbox": ["45.00", "45.01", "-93.0", "-93.0"]}) == 555
    assert accuracy_from_bbox({}) == 1000


def test_the_configured_url_selects_nominatim(monkeypatch) -> None:
    from closient_app.config import get_settings
    from closient_app.geo import geocoding

    monkeypatch.setenv("GEOCODER_URL", "https://geo.example.org")
    get_settings.cache_clear()
    geocoding.get_geocoder.cache_clear()
    try:
        chosen = geocoding.get_geocoder()
        assert isinstance(chosen, FallbackGeocoder)
        assert [type(g).__name__ for g in chosen.geocoders] == [
            "NominatimGeocoder",
            "OfflineGeocoder",
        ]
    finally:
        monkeypatch.delenv("GEOCODER_URL")
        get_settings.cache_clear()
        geocoding.get_geocoder.cache_clear()
    assert json.dumps(FOUND)  # keep the fixture honest JSON
