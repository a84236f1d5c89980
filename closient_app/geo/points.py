"""Coordinates in and out of the `geography(POINT, 4326)` column."""

from __future__ import annotations

from typing import Any

from geoalchemy2.shape import to_shape


def point_ewkt(latitude: float, longitude: float) -> str:
    """EWKT for a WGS 84 point; note PostGIS takes longitude first."""
    return f"SRID=4326;POINT({longitude!r} {latitude!r})"


def coordinates_of(geog: Any) -> tuple[float, float] | None:
    """(latitude, longitude) of a stored point (a WKBElement or the EWKT we wrote)."""
    if geog is None:
        return None
    if isinstance(geog, str):  # written in this unit of work, not re-read yet
        lon, lat = geog.split("POINT(", 1)[1].rstrip(")").split()
        return float(lat), float(lon)
    point = to_shape(geog)
    return point.y, point.x
