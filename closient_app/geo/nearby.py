"""Published stores near a point: index-backed radius filter, nearest first, great-circle km.

`ST_DWithin(geography, geography, metres, false)` filters on the sphere through the GiST index;
`geog <-> point` orders by the same sphere distance (a KNN index scan); `ST_Distance(..., false)`
is the displayed distance, so filter, order and display agree. The radius edge is inclusive:
a store exactly `radius` km away is in (with 1 mm of slack for floating-point rounding).
"""

# SQL here is built once, at import, from constant fragments; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

# Bound parameters are constants in a custom plan, so the KNN index scan sees a constant point.
POINT = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography"
EDGE_SLACK_M = 0.001

IN_RADIUS = f"l.status = 'published' AND ST_DWithin(l.geog, {POINT}, :radius_m, false)"

COUNT_NEARBY = text(f"SELECT count(*) FROM location l WHERE {IN_RADIUS}")

NEARBY_PAGE = text(
    f"""
    SELECT l.id, l.organization_id, l.name, l.line1, l.line2, l.city, l.region, l.postal_code,
           l.country, ST_Y(l.geog::geometry) AS latitude, ST_X(l.geog::geometry) AS longitude,
           ST_Distance(l.geog, {POINT}, false) AS distance_m
    FROM location l
    WHERE {IN_RADIUS}
    ORDER BY l.geog <-> {POINT}, l.id
    LIMIT :limit OFFSET :offset
    """
)


@dataclass(frozen=True)
class NearbyStore:
    id: str
    organization_id: str
    name: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    latitude: float
    longitude: float
    distance_m: float


def radius_params(latitude: float, longitude: float, radius_km: float) -> dict[str, float]:
    return {"lat": latitude, "lon": longitude, "radius_m": radius_km * 1000 + EDGE_SLACK_M}


def count_nearby(session: Session, *, latitude: float, longitude: float, radius_km: float) -> int:
    params = radius_params(latitude, longitude, radius_km)
    return session.execute(COUNT_NEARBY, params).scalar_one()


def nearby_stores(
    session: Session,
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    limit: int,
    offset: int = 0,
) -> list[NearbyStore]:
    params = {**radius_params(latitude, longitude, radius_km), "limit": limit, "offset": offset}
    return [NearbyStore(**row._mapping) for row in session.execute(NEARBY_PAGE, params)]
