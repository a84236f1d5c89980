"""Shared by the location, search, readiness, availability and product API tests."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from closient_app.api.app import create_api
from closient_app.models import Role
from tests.factories import make_api_key, make_org

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG); PostGIS's sphere is within 1e-8 of it


@pytest.fixture(scope="module")
def client():
    with TestClient(create_api()) as test_client:
        yield test_client


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)) / 1000


def north_of(lat: float, km: float) -> float:
    """The latitude `km` due north on the sphere (a meridian is a great circle)."""
    return lat + math.degrees(km * 1000 / EARTH_RADIUS_M)


def org_and_key(db, *, role: Role = Role.MANAGER, scopes=None):
    org = make_org(db)
    issued = make_api_key(db, org, role=role, **({"scopes": scopes} if scopes else {}))
    return org, {"X-API-Key": issued.key}


def location_body(organization_id: str, **overrides) -> dict:
    body = {
        "organization_id": organization_id,
        "name": "Corner Hardware Downtown",
        "address": {
            "line1": "100 Washington Ave S",
            "city": "Minneapolis",
            "region": "MN",
            "postal_code": "55401",
            "country": "US",
        },
        "phone": "+1 612-555-0100",
        "website": "https://corner.example.com",
        "hours": {
            "timezone": "America/Chicago",
            "weekly": [
                {"day_of_week": "monday", "opens": "09:00", "closes": "18:00"},
                {"day_of_week": "friday", "opens": "09:00", "closes": "02:00"},
            ],
        },
    }
    body.update(overrides)
    return body


def error_fields(response) -> list[str]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert body["error"]["status"] == 422
    return [detail["field"] for detail in body["error"]["details"]]
