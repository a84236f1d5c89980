"""Availability of one GTIN near a point: nearest first, same filters as the search."""

# ruff: noqa: F811  (pytest injects the imported `client` fixture as a same-named argument)
from __future__ import annotations

import pytest

from closient_app.models import StockStatus
from tests.api.geo_support import (
    client,  # noqa: F401  (a fixture, injected by name)
    error_fields,
    haversine_km,
    north_of,
)
from tests.factories import make_location, make_offer, make_org, make_product

HOME = (44.9778, -93.2650)
UPC = "012345678905"


def availability(client, gtin, **params):
    query = {"lat": HOME[0], "lon": HOME[1], **params}
    return client.get(f"/retailers/api/v1/products/{gtin}/availability", params=query)


def test_stores_with_the_gtin_nearest_first(client, db) -> None:
    org = make_org(db)
    drill = make_product(db, gtin="00" + UPC)
    other = make_product(db, gtin="04006381333931", name="Pencil", brand="Stabilo")
    far = make_location(db, org, lat=north_of(HOME[0], 8), lon=HOME[1], name="far")
    near = make_location(db, org, lat=north_of(HOME[0], 2), lon=HOME[1], name="near")
    gone = make_location(db, org, lat=north_of(HOME[0], 1), lon=HOME[1], name="sold out")
    hidden = make_location(db, org, lat=HOME[0], lon=HOME[1], name="draft", published=False)
    make_offer(db, org=org, product=drill, location=far, price_amount=1500)
    make_offer(db, org=org, product=drill, location=near, price_amount=1700)
    make_offer(db, org=org, product=drill, location=gone, status=StockStatus.OUT_OF_STOCK)
    make_offer(db, org=org, product=drill, location=hidden)
    make_offer(db, org=org, product=other, location=near)

    response = availability(client, UPC)  # the 12-digit UPC finds the GTIN-14 product
    with_out_of_stock = availability(client, "00" + UPC, in_stock="false").json()

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["product"]["gtin"] == "00" + UPC
    assert [item["store"]["name"] for item in body["data"]] == ["near", "far"]
    assert [item["offer"]["price"]["amount"] for item in body["data"]] == [1700, 1500]
    assert body["data"][0]["store"]["distance_km"] == pytest.approx(
        haversine_km(*HOME, north_of(HOME[0], 2), HOME[1]), rel=0.005
    )
    assert body["count"] == 2 and body["pagination"]["total_count"] == 2
    assert [item["store"]["name"] for item in with_out_of_stock["data"]] == [
        "sold out",
        "near",
        "far",
    ]


def test_the_radius_and_pages_apply(client, db) -> None:
    org = make_org(db)
    drill = make_product(db, gtin="00" + UPC)
    for km in (1, 2, 3, 20):
        store = make_location(db, org, lat=north_of(HOME[0], km), lon=HOME[1], name=f"{km}")
        make_offer(db, org=org, product=drill, location=store)

    page_two = availability(client, UPC, radius_km=5, page=2, page_size=2).json()

    assert [item["store"]["name"] for item in page_two["data"]] == ["3"]
    assert page_two["count"] == 3
    assert page_two["pagination"]["has_previous"] is True


@pytest.mark.parametrize(
    ("gtin", "params", "field"),
    [
        ("012345678901", {}, "gtin"),  # wrong check digit
        ("12345", {}, "gtin"),
        ("drill", {}, "gtin"),
        (UPC, {"radius_km": 0}, "radius_km"),
        (UPC, {"radius_km": 75}, "radius_km"),
        (UPC, {"lat": 100}, "lat"),
    ],
)
def test_invalid_input_names_the_field(client, db, gtin, params, field) -> None:
    response = availability(client, gtin, **params)

    assert response.status_code == 422
    assert error_fields(response) == [field]


def test_an_unknown_gtin_is_404_with_a_next_step(client, db) -> None:
    response = availability(client, UPC)

    assert response.status_code == 404
    assert "POST /products/api/v1/products" in response.json()["error"]["next_step"]
