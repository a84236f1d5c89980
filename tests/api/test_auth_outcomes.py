"""Every auth outcome, with the exact envelope, on every protected route registered now.

The 401s are swept over the whole route table (a credential is checked before the body or the
target). 403 and 404 need the target organization, so they are swept over the routes that name
it in their path, plus one representative route per app that finds it another way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.routing import iter_route_contexts

from closient_app import clock as clock_module
from closient_app.api.app import create_api
from closient_app.api.openapi_auth import required_scope
from closient_app.ids import new_short_id
from closient_app.models import Role
from closient_app.services import api_keys
from tests.api.auth_support import (
    DEAD_KEY,
    INVALID_KEY,
    NO_CREDENTIAL,
    NOT_FOUND,
    key_headers,
    missing_scope,
    role_cannot,
)
from tests.factories import make_api_key, make_location, make_org

ORG_PARAMS = ("{org_id}", "{organization_id}")


def _protected_operations() -> list[tuple[str, str, str | None]]:
    operations = []
    for route in iter_route_contexts(create_api().routes):
        original = getattr(route, "original_route", route)
        if not hasattr(original, "dependant"):
            continue
        protected, scope = required_scope(route)
        queries = {param.name for param in original.dependant.query_params}
        # Routes that take the organization as ?organization_id= get it in the query string.
        path = route.path + (
            "?organization_id={organization_id}" if "organization_id" in queries else ""
        )
        if protected:
            operations.extend((method, path, scope) for method in sorted(route.methods))
    return operations


PROTECTED = _protected_operations()
ORG_IN_PATH = [op for op in PROTECTED if any(p in op[1] for p in ORG_PARAMS)]


def _fill(path: str, org_id: str | None = None) -> str:
    for param in ORG_PARAMS:
        path = path.replace(param, org_id or new_short_id())
    while "{" in path:  # any other id: a well-formed one that does not exist
        start, end = path.index("{"), path.index("}")
        path = path[:start] + new_short_id() + path[end + 1 :]
    return path


def _call(client, method: str, path: str, headers: dict | None = None):
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return client.request(method, path, json=body, headers=headers or {})


def test_the_sweep_sees_every_app_with_protected_routes() -> None:
    apps = {path.split("/")[1] for _, path, _ in PROTECTED}
    assert {"account", "locations", "retailers", "integrations"} <= apps
    assert {path.split("/")[1] for _, path, _ in ORG_IN_PATH} >= {"account", "retailers"}


def _bad_checksum_key() -> str:
    key = api_keys.generate_key()
    wrong = "00000000" if not key.endswith("00000000") else "11111111"
    return key[: -len(wrong)] + wrong


MALFORMED_KEYS = ["csb_tooshort_1234abcd", "not-a-key", _bad_checksum_key()]


@pytest.mark.parametrize(("method", "path", "scope"), PROTECTED)
def test_every_unauthenticated_outcome_is_401(client, db, method, path, scope) -> None:
    """No credential; malformed keys and a bad checksum; revoked and expired keys; a made-up
    bearer token. (One test per route: each test costs a database truncation.)"""
    org = make_org(db)
    revoked, expired = make_api_key(db, org), make_api_key(db, org)
    revoked.record.is_active = False
    expired.record.expires_at = clock_module.utcnow() - timedelta(seconds=1)
    db.add_all([revoked.record, expired.record])
    db.commit()
    target = _fill(path, org.id)
    expectations = [({}, NO_CREDENTIAL)]
    expectations += [({"X-API-Key": key}, INVALID_KEY) for key in MALFORMED_KEYS]
    expectations += [({"X-API-Key": k.key}, DEAD_KEY) for k in (revoked, expired)]

    for headers, expected in expectations:
        response = _call(client, method, target, headers)
        assert (response.status_code, response.json()) == (401, expected), headers

    bearer = _call(client, method, target, {"Authorization": "Bearer cat_made_up"})
    assert bearer.status_code == 401
    assert bearer.json()["error"]["message"] == "The access token is unknown, expired or revoked."
    assert bearer.headers["WWW-Authenticate"].startswith("Bearer")


GETS_WITH_ORG = [op for op in ORG_IN_PATH if op[0] == "GET"]
DELETES_WITH_ORG = [op for op in ORG_IN_PATH if op[0] == "DELETE"]


@pytest.mark.parametrize(("method", "path", "scope"), GETS_WITH_ORG)
def test_another_organizations_resource_is_404(client, db, method, path, scope) -> None:
    mine, theirs = make_org(db), make_org(db, name="Rival")

    response = _call(client, method, _fill(path, theirs.id), key_headers(db, mine, role=Role.OWNER))

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize(
    ("method", "path", "scope"), [op for op in GETS_WITH_ORG if op[2] is not None]
)
def test_wrong_scope_is_403(client, db, method, path, scope) -> None:
    org = make_org(db)
    others = [s for s in ("integrations:read", "offers:read", "org:read") if s != scope]

    response = _call(client, method, _fill(path, org.id), key_headers(db, org, scopes=others))

    assert response.status_code == 403
    assert response.json() == missing_scope(scope)


@pytest.mark.parametrize(("method", "path", "scope"), DELETES_WITH_ORG)
def test_viewer_on_a_write_is_403(client, db, method, path, scope) -> None:
    org = make_org(db)

    response = _call(client, method, _fill(path, org.id), key_headers(db, org, role=Role.VIEWER))

    assert response.status_code == 403
    assert response.json() == role_cannot("VIEWER")


# --- the representative route of an app whose target organization is not in the path ---


def test_locations_representative_route(client, db) -> None:
    org, rival = make_org(db), make_org(db, name="Rival")
    location = make_location(db, org)
    url = f"/locations/api/v1/locations/{location.id}"

    viewer = client.delete(url, headers=key_headers(db, org, role=Role.VIEWER))
    no_scope = client.delete(url, headers=key_headers(db, org, scopes=["locations:read"]))
    foreign = client.get(url, headers=key_headers(db, rival))

    assert viewer.status_code == no_scope.status_code == 403
    assert viewer.json() == role_cannot("VIEWER")
    assert no_scope.json() == missing_scope("locations:write")
    assert foreign.status_code == 404
    assert foreign.json() == NOT_FOUND
    assert client.get(url, headers=key_headers(db, org)).status_code == 200  # still there


WRITES_WITH_A_BODY = [
    (
        "/retailers/api/v1/organizations/{org}/in-store-offers",
        lambda org: {
            "product_id": new_short_id(),
            "physical_store_id": new_short_id(),
            "sku": "SKU-1",
            "price_amount": 1099,
            "price_currency": "USD",
            "quantity_on_hand": 3,
            "status": "in_stock",
        },
    ),
    (
        "/integrations/api/v1/shopify/install-links",
        lambda org: {"organization_id": org.id, "shop": "corner-hardware.myshopify.com"},
    ),
]


@pytest.mark.parametrize(("path", "body"), WRITES_WITH_A_BODY)
def test_viewer_on_a_representative_write_of_each_app_is_403(client, db, path, body) -> None:
    org = make_org(db)

    response = client.post(
        path.format(org=org.id), json=body(org), headers=key_headers(db, org, role=Role.VIEWER)
    )

    assert response.status_code == 403, response.text
    assert response.json() == role_cannot("VIEWER")
