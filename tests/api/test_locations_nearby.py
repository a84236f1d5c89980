"""The public nearby search: great-circle distances, nearest first, inclusive radius edge."""

# ruff: noqa: F811  (pytest injects the imported `client` fixture as a same-named argument)
from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.api.geo_support import (
    client,  # noqa: F401  (a fixture, injected by name)
    error_fields,
    haversine_km,
    north_of,
    org_and_key,
)
from tests.factories import make_location, make_org

URL = "/locations/api/v1/locations"
HOME = (44.9778, -93.2650)  # downtown Minneapolis


def nearby(client, lat, lon, radius, **params):
    response = client.get(URL, params={"lat": lat, "lon": lon, "radius": radius, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_distances_agree_with_haversine_and_come_nearest_first(client, db) -> None:
    org = make_org(db)
    spots = {
        "st paul": (44.9537, -93.0900),
        "uptown": (44.9483, -93.2983),
        "northeast": (44.9990, -93.2470),
        "bloomington": (44.8408, -93.2983),
    }
    for name, (lat, lon) in spots.items():
        make_location(db, org, lat=lat, lon=lon, name=name)

    body = nearby(client, *HOME, 20)

    names = [store["name"] for store in body["data"]]
    expected = {name: haversine_km(*HOME, lat, lon) for name, (lat, lon) in spots.items()}
    assert names == sorted(expected, key=expected.get)
    for store in body["data"]:
        assert store["distance_km"] == pytest.approx(expected[store["name"]], rel=0.005)
        assert store["organization_id"] == org.id
        assert store["url"].endswith(f"/marketplace/{org.id}/locations/{store['id']}")
    assert body["count"] == 4
    assert body["pagination"] == {
        "page": 1,
        "page_size": 25,
        "total_count": 4,
        "total_pages": 1,
        "has_next": False,
        "has_previous": False,
    }


def test_pages_continue_in_distance_order(client, db) -> None:
    org = make_org(db)
    for km in (1, 2, 3, 4, 5):
        make_location(db, org, lat=north_of(HOME[0], km), lon=HOME[1], name=f"{km} km")

    first = nearby(client, *HOME, 10, page=1, page_size=2)
    third = nearby(client, *HOME, 10, page=3, page_size=2)

    assert [s["name"] for s in first["data"]] == ["1 km", "2 km"]
    assert [s["name"] for s in third["data"]] == ["5 km"]
    assert first["pagination"]["has_next"] is True and third["pagination"]["has_next"] is False
    assert third["pagination"]["total_pages"] == 3


def test_the_radius_edge_is_inclusive(client, db) -> None:
    org = make_org(db)
    make_location(db, org, lat=north_of(HOME[0], 5.0), lon=HOME[1], name="on the edge")
    make_location(db, org, lat=north_of(HOME[0], 5.01), lon=HOME[1], name="just outside")

    body = nearby(client, *HOME, 5)

    assert [s["name"] for s in body["data"]] == ["on the edge"]
    assert body["data"][0]["distance_km"] == pytest.approx(5.0, abs=1e-4)


def test_a_radius_of_exactly_the_stores_distance_includes_it(client, db) -> None:
    org = make_org(db)
    store = make_location(db, org, lat=44.9537, lon=-93.0900)
    exact_m = db.execute(
        text(
            "SELECT ST_Distance(geog, ST_MakePoint(:lon, :lat)::geography, false) "
            "FROM location WHERE id = :id"
        ),
        {"lat": HOME[0], "lon": HOME[1], "id": store.id},
    ).scalar_one()

    body = nearby(client, *HOME, exact_m / 1000)

    assert [s["id"] for s in body["data"]] == [store.id]


def test_the_antimeridian_is_no_wall(client, db) -> None:
    org = make_org(db)
    make_location(db, org, lat=10.0, lon=179.99, name="Fiji side")

    body = nearby(client, 10.0, -179.99, 5)

    assert [s["name"] for s in body["data"]] == ["Fiji side"]
    assert body["data"][0]["distance_km"] == pytest.approx(
        haversine_km(10.0, -179.99, 10.0, 179.99), rel=0.005
    )
    assert body["data"][0]["distance_km"] < 2.5


def test_high_latitudes_use_real_distances(client, db) -> None:
    org = make_org(db)
    make_location(db, org, lat=78.22, lon=15.65, name="Longyearbyen")
    make_location(db, org, lat=89.95, lon=180.0, name="across the pole")

    svalbard = nearby(client, 78.22, 16.65, 25)  # 1 degree of longitude is only ~23 km up here
    pole = nearby(client, 89.95, 0.0, 15)  # 0.1 degrees of latitude over the pole: ~11 km

    assert [s["name"] for s in svalbard["data"]] == ["Longyearbyen"]
    assert svalbard["data"][0]["distance_km"] == pytest.approx(
        haversine_km(78.22, 16.65, 78.22, 15.65), rel=0.005
    )
    assert [s["name"] for s in pole["data"]] == ["across the pole"]
    assert pole["data"][0]["distance_km"] == pytest.approx(
        haversine_km(89.95, 0.0, 89.95, 180.0), rel=0.005
    )


def test_unpublished_stores_never_appear_and_publishing_shows_them_at_once(client, db) -> None:
    org, key = org_and_key(db)
    draft = make_location(db, org, lat=HOME[0], lon=HOME[1], published=False)

    before = nearby(client, *HOME, 1)
    client.post(f"{URL}/{draft.id}/publish", headers=key)
    after = nearby(client, *HOME, 1)
    client.post(f"{URL}/{draft.id}/unpublish", headers=key)
    again = nearby(client, *HOME, 1)

    assert before["count"] == 0
    assert [s["id"] for s in after["data"]] == [draft.id]
    assert after["data"][0]["distance_km"] == pytest.approx(0, abs=1e-6)
    assert again["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 44.9, "lon": -93.2, "radius": 0}, "radius"),
        ({"lat": 44.9, "lon": -93.2, "radius": -3}, "radius"),
        ({"lat": 44.9, "lon": -93.2, "radius": 50.5}, "radius"),
        ({"lat": 44.9, "lon": -93.2}, "radius"),
        ({"lat": 95, "lon": -93.2, "radius": 5}, "lat"),
        ({"lon": -93.2, "radius": 5}, "lat"),
        ({"lat": 44.9, "lon": "west", "radius": 5}, "lon"),
        ({"lat": 44.9, "lon": -93.2, "radius": 5, "page_size": 101}, "page_size"),
    ],
)
def test_bad_parameters_are_named(client, db, params, field) -> None:
    response = client.get(URL, params=params)

    assert response.status_code == 422
    assert error_fields(response) == [field]


def test_the_radius_error_says_the_unit_and_limit(client, db) -> None:
    response = client.get(URL, params={"lat": 44.9, "lon": -93.2, "radius": 80})

    assert "at most 50" in response.json()["error"]["details"][0]["message"]
    assert "km" in response.json()["error"]["details"][0]["message"]
