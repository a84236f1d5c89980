"""Location create/get/update/delete/publish through the API, with validation and authz."""

# ruff: noqa: F811  (pytest injects the imported `client` fixture as a same-named argument)
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from closient_app.config import get_settings
from closient_app.ids import new_short_id
from closient_app.models import GeocodeSource, Location, Role
from tests.api.auth_support import NO_CREDENTIAL, NOT_FOUND, bearer_headers, member, missing_scope
from tests.api.geo_support import (
    client,  # noqa: F401  (a fixture, injected by name)
    error_fields,
    haversine_km,
    location_body,
    org_and_key,
)
from tests.factories import make_api_key, make_location, make_org

URL = "/locations/api/v1/locations"
T0 = datetime(2031, 5, 6, 9, 0, tzinfo=UTC)


def test_create_with_coordinates_is_a_manual_pin(client, db) -> None:
    org, key = org_and_key(db)

    response = client.post(
        URL, json=location_body(org.id, latitude=44.98, longitude=-93.27), headers=key
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["organization_id"] == org.id
    assert (body["latitude"], body["longitude"]) == (44.98, -93.27)
    assert body["geocode_source"] == "manual"
    assert body["coordinates_confirmed"] is True
    assert body["geocode_accuracy_m"] is None
    assert body["status"] == "draft"
    assert body["url"].endswith(f"/marketplace/{org.id}/locations/{body['id']}")
    assert body["hours"]["weekly"][1] == {
        "day_of_week": "friday",
        "opens": "09:00",
        "closes": "02:00",
    }
    assert len(body["id"]) == 22


def test_create_without_coordinates_geocodes_the_postal_code(client, db) -> None:
    org, key = org_and_key(db)

    body = client.post(URL, json=location_body(org.id), headers=key).json()

    assert body["geocode_source"] == "postal_code"
    assert body["geocode_accuracy_m"] == 5000
    assert body["coordinates_confirmed"] is False
    # ZIP 55401 is downtown Minneapolis: its centroid is within 2 km of City Hall.
    assert haversine_km(body["latitude"], body["longitude"], 44.9773, -93.2655) < 2


def test_city_is_the_fallback_when_the_postal_code_is_unknown(client, db) -> None:
    org, key = org_and_key(db)
    address = {"city": "St. Paul", "region": "MN", "postal_code": "00000", "country": "US"}

    body = client.post(URL, json=location_body(org.id, address=address), headers=key).json()

    assert body["geocode_source"] == "city"
    assert haversine_km(body["latitude"], body["longitude"], 44.9537, -93.0900) < 5
    assert 3000 <= body["geocode_accuracy_m"] <= 30000


def test_unknown_address_without_coordinates_asks_for_them_and_stores_nothing(client, db) -> None:
    org, key = org_and_key(db)
    address = {"city": "Nowhereville Flats", "postal_code": "00000", "country": "US"}

    response = client.post(URL, json=location_body(org.id, address=address), headers=key)

    assert response.status_code == 422
    assert error_fields(response) == ["latitude", "longitude"]
    assert "latitude and longitude" in response.json()["error"]["next_step"]
    assert db.exec(select(func.count()).select_from(Location)).one() == 0


def _with_address(**changes):
    def mutate(body: dict) -> None:
        body["address"].update(changes)
        for key, value in changes.items():
            if value is None:
                del body["address"][key]

    return mutate


def _set(**changes):
    return lambda body: body.update(changes)


def _hours(*weekly, timezone="America/Chicago"):
    return _set(hours={"timezone": timezone, "weekly": list(weekly)})


INVALID = [
    ("no country", _with_address(country=None), "address.country"),
    ("unknown country", _with_address(country="XX"), "address.country"),
    ("no city, no postal code", _with_address(city="", postal_code=""), "address.postal_code"),
    ("latitude out of range", _set(latitude=91, longitude=10), "latitude"),
    ("longitude out of range", _set(latitude=10, longitude=-181), "longitude"),
    ("null island", _set(latitude=0, longitude=0), "longitude"),
    ("latitude alone", _set(latitude=44.9), "longitude"),
    ("garbage phone", _set(phone="call me maybe"), "phone"),
    ("short phone", _set(phone="12345"), "phone"),
    ("garbage website", _set(website="not a web site"), "website"),
    ("ftp website", _set(website="ftp://files.example.com"), "website"),
    ("empty name", _set(name=""), "name"),
    ("fake timezone", _hours(timezone="Mars/Olympus_Mons"), "hours.timezone"),
    (
        "bad day",
        _hours({"day_of_week": "funday", "opens": "09:00", "closes": "17:00"}),
        "hours.weekly.0.day_of_week",
    ),
    (
        "bad time",
        _hours({"day_of_week": "mon", "opens": "25:00", "closes": "17:00"}),
        "hours.weekly.0.opens",
    ),
    (
        "zero-length interval",
        _hours({"day_of_week": "mon", "opens": "09:00", "closes": "09:00"}),
        "hours.weekly.0.closes",
    ),
    (
        "overnight overlaps next morning",
        _hours(
            {"day_of_week": "fri", "opens": "20:00", "closes": "03:00"},
            {"day_of_week": "sat", "opens": "02:00", "closes": "12:00"},
        ),
        "hours",
    ),
    (
        "sunday night wraps onto monday",
        _hours(
            {"day_of_week": "sun", "opens": "20:00", "closes": "03:00"},
            {"day_of_week": "mon", "opens": "01:00", "closes": "12:00"},
        ),
        "hours",
    ),
    ("unknown field", _set(colour="teal"), "colour"),
    ("draft or published only", _set(status="archived"), "status"),
]


@pytest.mark.parametrize(("case", "mutate", "field"), INVALID, ids=[c[0] for c in INVALID])
def test_every_validation_error_names_its_field(client, db, case, mutate, field) -> None:
    org, key = org_and_key(db)
    body = location_body(org.id)
    mutate(body)

    response = client.post(URL, json=body, headers=key)

    assert response.status_code == 422, response.text
    assert field in error_fields(response), (case, response.json())
    assert db.exec(select(func.count()).select_from(Location)).one() == 0


def test_lenient_phone_and_bare_domain_website_are_accepted(client, db) -> None:
    org, key = org_and_key(db)
    body = location_body(org.id, phone="(612) 555-0100 ext. 12", website="corner.example.com")

    response = client.post(URL, json=body, headers=key)

    assert response.status_code == 201, response.text
    assert response.json()["phone"] == "(612) 555-0100 ext. 12"
    assert response.json()["website"] == "https://corner.example.com/"


def test_a_manual_pin_wins_over_later_address_changes(client, db) -> None:
    org, key = org_and_key(db)
    created = client.post(URL, json=location_body(org.id), headers=key).json()
    url = f"{URL}/{created['id']}"

    pinned = client.patch(url, json={"latitude": 44.99, "longitude": -93.25}, headers=key).json()
    moved = client.patch(
        url, json={"address": {"city": "Duluth", "region": "MN", "country": "US"}}, headers=key
    ).json()

    assert pinned["geocode_source"] == "manual" and pinned["coordinates_confirmed"] is True
    assert (moved["latitude"], moved["longitude"]) == (44.99, -93.25)
    assert moved["geocode_source"] == "manual"
    assert moved["address"]["city"] == "Duluth"


def test_an_address_change_re_geocodes_an_unpinned_store(client, db) -> None:
    org, key = org_and_key(db)
    created = client.post(URL, json=location_body(org.id), headers=key).json()

    moved = client.patch(
        f"{URL}/{created['id']}",
        json={"address": {"city": "Duluth", "region": "MN", "country": "US"}},
        headers=key,
    ).json()

    assert moved["geocode_source"] == "city"
    assert haversine_km(moved["latitude"], moved["longitude"], 46.7867, -92.1005) < 5


def test_publish_and_unpublish(client, db) -> None:
    org, key = org_and_key(db)
    created = client.post(URL, json=location_body(org.id), headers=key).json()

    published = client.post(f"{URL}/{created['id']}/publish", headers=key)
    unpublished = client.post(f"{URL}/{created['id']}/unpublish", headers=key)

    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    assert unpublished.json()["status"] == "draft"


def test_create_as_published(client, db) -> None:
    org, key = org_and_key(db)

    body = client.post(URL, json=location_body(org.id, status="published"), headers=key).json()

    assert body["status"] == "published"


def test_a_pos_pin_must_be_confirmed_before_publishing(client, db) -> None:
    org, key = org_and_key(db)
    store = make_location(db, org, published=False)
    store.geocode_source = GeocodeSource.POS
    db.add(store)
    db.commit()

    refused = client.post(f"{URL}/{store.id}/publish", headers=key)
    confirmed = client.patch(f"{URL}/{store.id}", json={"coordinates_confirmed": True}, headers=key)
    published = client.post(f"{URL}/{store.id}/publish", headers=key)

    assert refused.status_code == 422
    assert error_fields(refused) == ["coordinates_confirmed"]
    assert "coordinates_confirmed" in refused.json()["error"]["next_step"]
    assert confirmed.json()["coordinates_confirmed"] is True
    assert confirmed.json()["geocode_source"] == "pos"
    assert published.json()["status"] == "published"


def test_delete(client, db) -> None:
    org, key = org_and_key(db)
    created = client.post(URL, json=location_body(org.id), headers=key).json()

    deleted = client.delete(f"{URL}/{created['id']}", headers=key)
    again = client.get(f"{URL}/{created['id']}", headers=key)

    assert deleted.status_code == 204
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.BILLING])
def test_roles_below_manager_cannot_write(client, db, role) -> None:
    org, key = org_and_key(db, role=role)
    store = make_location(db, org, published=False)

    created = client.post(URL, json=location_body(org.id), headers=key)
    patched = client.patch(f"{URL}/{store.id}", json={"name": "Renamed"}, headers=key)
    published = client.post(f"{URL}/{store.id}/publish", headers=key)
    deleted = client.delete(f"{URL}/{store.id}", headers=key)
    read = client.get(f"{URL}/{store.id}", headers=key)

    assert [r.status_code for r in (created, patched, published, deleted)] == [403] * 4
    assert created.json()["error"]["code"] == "FORBIDDEN"
    assert read.status_code == 200
    db.refresh(store)
    assert (store.name, store.status) == ("Downtown store", "draft")


def test_a_key_without_the_write_scope_cannot_write(client, db) -> None:
    org, key = org_and_key(db, scopes=("locations:read",))

    response = client.post(URL, json=location_body(org.id), headers=key)

    assert response.status_code == 403
    assert "locations:write" in response.json()["error"]["message"]


def test_another_organizations_location_is_not_found(client, db) -> None:
    mine, key = org_and_key(db)
    theirs, _ = org_and_key(db)
    store = make_location(db, theirs)

    responses = [
        client.get(f"{URL}/{store.id}", headers=key),
        client.patch(f"{URL}/{store.id}", json={"name": "Mine now"}, headers=key),
        client.post(f"{URL}/{store.id}/unpublish", headers=key),
        client.delete(f"{URL}/{store.id}", headers=key),
        client.post(URL, json=location_body(theirs.id), headers=key),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    db.refresh(store)
    assert store.name == "Downtown store"


def test_writes_need_credentials(client, db) -> None:
    org, _ = org_and_key(db)

    response = client.post(URL, json=location_body(org.id))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


# --- GET /locations?organization_id=: the organization's own stores, for its members ---


def _stores_created(db, org, *names_and_times, published=True):
    """Stores with the given `created` times (so the order does not hang on the clock)."""
    stores = []
    for name, created in names_and_times:
        store = make_location(db, org, name=name, published=published)
        store.created = created
        db.add(store)
        stores.append(store)
    db.commit()
    return stores


def test_a_member_lists_the_organizations_stores_drafts_included_oldest_first(client, db) -> None:
    org, key = org_and_key(db, role=Role.VIEWER, scopes=("locations:read",))
    [newer] = _stores_created(db, org, ("Uptown", T0 + timedelta(hours=2)))
    [draft] = _stores_created(db, org, ("Draft", T0), published=False)
    # Two created at the same instant: the id decides, so every page is stable.
    tied = _stores_created(
        db, org, ("Tie A", T0 + timedelta(hours=1)), ("Tie B", T0 + timedelta(hours=1))
    )
    make_location(db, make_org(db, name="Rival"), name="Not theirs")

    response = client.get(URL, params={"organization_id": org.id}, headers=key)

    assert response.status_code == 200, response.text
    body = response.json()
    expected_order = [draft.id, *sorted(s.id for s in tied), newer.id]
    assert [s["id"] for s in body["data"]] == expected_order
    assert (body["count"], body["pagination"]["total_count"]) == (4, 4)
    first = body["data"][0]
    assert datetime.fromisoformat(first.pop("created")) == T0
    assert datetime.fromisoformat(first.pop("updated")) == draft.updated
    assert first == {
        "id": draft.id,
        "organization_id": org.id,
        "name": "Draft",
        "address": {
            "line1": "100 Main St",
            "line2": "",
            "city": "Minneapolis",
            "region": "MN",
            "postal_code": "55401",
            "country": "US",
        },
        "latitude": 44.9778,
        "longitude": -93.265,
        "geocode_source": None,
        "geocode_accuracy_m": None,
        "coordinates_confirmed": False,
        "phone": "",
        "website": "",
        "timezone": "UTC",
        "hours": None,
        "status": "draft",
        "published_at": None,
        "url": f"{get_settings().base_url}/marketplace/{org.id}/locations/{draft.id}",
    }
    assert [s["status"] for s in body["data"]] == ["draft", "published", "published", "published"]


def test_the_organizations_stores_come_in_pages(client, db) -> None:
    org, key = org_and_key(db)
    stores = _stores_created(
        db, org, *((f"Store {i}", T0 + timedelta(minutes=i)) for i in range(5))
    )

    second = client.get(
        URL, params={"organization_id": org.id, "page": 2, "page_size": 2}, headers=key
    ).json()

    assert [s["name"] for s in second["data"]] == ["Store 2", "Store 3"]
    assert [s["id"] for s in second["data"]] == [stores[2].id, stores[3].id]
    assert second["count"] == 5
    assert second["pagination"] == {
        "page": 2,
        "page_size": 2,
        "total_count": 5,
        "total_pages": 3,
        "has_next": True,
        "has_previous": True,
    }


def test_a_user_member_of_any_role_lists_the_stores(client, db) -> None:
    org = make_org(db)
    [store] = _stores_created(db, org, ("Only store", T0))
    viewer = member(db, org, Role.VIEWER)

    response = client.get(
        URL, params={"organization_id": org.id}, headers=bearer_headers(db, viewer)
    )

    assert response.status_code == 200, response.text
    assert [s["id"] for s in response.json()["data"]] == [store.id]


def test_another_organizations_members_get_404_and_nothing_else(client, db) -> None:
    theirs = make_org(db, name="Rival")
    [store] = _stores_created(db, theirs, ("Secret store", T0))
    mine = make_org(db)
    outsider = member(db, mine, Role.OWNER)
    credentials = [
        {"X-API-Key": make_api_key(db, mine, role=Role.OWNER).key},
        bearer_headers(db, outsider),
    ]

    responses = [
        client.get(URL, params={"organization_id": theirs.id}, headers=headers)
        for headers in credentials
    ]
    unknown = client.get(URL, params={"organization_id": new_short_id()}, headers=credentials[0])

    for response in [*responses, unknown]:
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        assert store.id not in response.text and "Secret store" not in response.text


def test_listing_an_organizations_stores_needs_credentials(client, db) -> None:
    org = make_org(db)
    [store] = _stores_created(db, org, ("Draft", T0), published=False)

    anonymous = client.get(URL, params={"organization_id": org.id})
    bad_key = client.get(URL, params={"organization_id": org.id}, headers={"X-API-Key": "nope"})

    assert (anonymous.status_code, anonymous.json()) == (401, NO_CREDENTIAL)
    assert bad_key.status_code == 401
    assert bad_key.json()["error"]["code"] == "UNAUTHORIZED"
    assert store.id not in anonymous.text + bad_key.text


def test_listing_needs_the_read_scope(client, db) -> None:
    org, key = org_and_key(db, scopes=("offers:read",))

    response = client.get(URL, params={"organization_id": org.id}, headers=key)

    assert (response.status_code, response.json()) == (403, missing_scope("locations:read"))


def test_organization_id_with_lat_lon_is_a_422_naming_it(client, db) -> None:
    org, key = org_and_key(db)
    params = {"organization_id": org.id, "lat": 44.97, "lon": -93.26, "radius": 5}

    for headers in ({}, key):
        response = client.get(URL, params=params, headers=headers)

        assert response.status_code == 422
        assert response.json() == {
            "error": {
                "code": "VALIDATION_ERROR",
                "message": "Give either organization_id or lat, lon and radius, not both.",
                "status": 422,
                "details": [
                    {"field": "organization_id", "message": "Not with lat, lon or radius."}
                ],
            }
        }


def test_neither_organization_id_nor_lat_lon_is_a_422_naming_them(client, db) -> None:
    response = client.get(URL)

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "VALIDATION_ERROR",
            "message": "Give lat, lon and radius to find stores nearby, "
            "or organization_id to list its stores.",
            "status": 422,
            "details": [
                {"field": "lat", "message": "Required unless organization_id is given."},
                {"field": "lon", "message": "Required unless organization_id is given."},
                {"field": "radius", "message": "Required unless organization_id is given."},
                {
                    "field": "organization_id",
                    "message": "Required unless lat, lon and radius are given.",
                },
            ],
        }
    }


def test_the_nearby_search_stays_public_whatever_credential_comes_along(client, db) -> None:
    org, key = org_and_key(db)
    [store] = _stores_created(db, org, ("Downtown", T0))
    params = {"lat": 44.9778, "lon": -93.2650, "radius": 1}

    answers = [
        client.get(URL, params=params, headers=headers)
        for headers in ({}, key, {"X-API-Key": "not-a-key"})
    ]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all([s["id"] for s in a.json()["data"]] == [store.id] for a in answers)
    assert all(a.json()["data"][0]["distance_km"] == 0.0 for a in answers)
