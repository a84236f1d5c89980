"""A PostGIS round trip: store a point, read great-circle distances back in metres."""

import math

from sqlalchemy import text

from tests.factories import make_location, make_org


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_008.8  # mean Earth radius (IUGG), metres
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def test_point_round_trip_and_distance_in_metres(db) -> None:
    org = make_org(db)
    store = make_location(db, org, lat=44.9778, lon=-93.2650)

    row = db.execute(
        text(
            "SELECT ST_Y(geog::geometry), ST_X(geog::geometry), "
            "ST_Distance(geog, ST_MakePoint(-93.0900, 44.9537)::geography, false) "
            "FROM location WHERE id = :id"
        ),
        {"id": store.id},
    ).one()

    assert (row[0], row[1]) == (44.9778, -93.2650)
    expected = haversine_m(44.9778, -93.2650, 44.9537, -93.0900)
    assert abs(row[2] - expected) / expected < 0.005
    assert 13_000 < row[2] < 15_000  # Minneapolis to Saint Paul downtowns: about 14 km
