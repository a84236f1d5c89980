"""API keys through the API: OWNER and MANAGER only, shown once, revocable, never broader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from closient_app.models import ApiKey, Role
from closient_app.services import api_keys
from tests.api.auth_support import DEAD_KEY, bearer_headers, key_headers, member, role_cannot
from tests.factories import make_org, make_user


def keys_url(org) -> str:
    return f"/account/api/v1/organizations/{org.id}/api-keys"


def _key_count(db) -> int:
    return db.exec(select(func.count()).select_from(ApiKey)).one()


def test_create_returns_the_key_once_and_stores_only_its_hash(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    expires = datetime.now(UTC) + timedelta(days=30)

    response = client.post(
        keys_url(org),
        json={
            "name": "POS sync agent",
            "role": "EDITOR",
            "scopes": ["offers:read", "offers:write"],
            "expires_at": expires.isoformat(),
            "rate_limit_per_minute": 60,
        },
        headers=bearer_headers(db, owner),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    key = body["key"]
    assert api_keys.is_well_formed(key)
    record = db.get(ApiKey, body["id"])
    assert record.key_hash == api_keys.hash_key(key)
    assert key not in record.model_dump_json()
    assert (record.role, record.scopes, record.rate_limit_per_minute) == (
        Role.EDITOR,
        ["offers:read", "offers:write"],
        60,
    )
    assert body["key_hint"] == f"csb_...{key[-4:]}"
    listed = client.get(keys_url(org), headers=bearer_headers(db, owner)).json()
    assert listed["count"] == 1
    assert "key" not in listed["data"][0]
    assert listed["data"][0]["id"] == body["id"]
    # and the new key works
    whoami = client.get("/account/api/v1/whoami", headers={"X-API-Key": key}).json()
    assert whoami["api_key_id"] == body["id"]


def test_editor_and_viewer_cannot_see_or_make_keys(client, db) -> None:
    org = make_org(db)
    for role in (Role.EDITOR, Role.VIEWER, Role.BILLING):
        headers = bearer_headers(db, member(db, org, role))

        listed = client.get(keys_url(org), headers=headers)
        made = client.post(
            keys_url(org), json={"name": "x", "scopes": ["org:read"]}, headers=headers
        )

        assert listed.status_code == made.status_code == 403
        assert made.json() == role_cannot(role.value)
    assert _key_count(db) == 0


def test_a_credential_cannot_mint_broader_scopes(client, db) -> None:
    org = make_org(db)
    narrow = key_headers(db, org, role=Role.MANAGER, scopes=["org:read", "org:write"])

    response = client.post(
        keys_url(org), json={"name": "wider", "scopes": ["offers:write"]}, headers=narrow
    )

    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "You cannot grant scopes you do not hold: offers:write."
    )
    assert _key_count(db) == 1


def test_unknown_scopes_are_a_validation_error(client, db) -> None:
    org = make_org(db)

    response = client.post(
        keys_url(org), json={"name": "x", "scopes": ["offers:delete"]}, headers=key_headers(db, org)
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "scopes", "message": "Unknown: offers:delete"}
    ]


def test_a_manager_cannot_make_owner_keys_or_raise_limits(client, db) -> None:
    org = make_org(db)
    manager = key_headers(db, org, role=Role.MANAGER)

    owner_key = client.post(
        keys_url(org), json={"name": "x", "role": "OWNER", "scopes": ["org:read"]}, headers=manager
    )
    raised = client.post(
        keys_url(org),
        json={"name": "x", "scopes": ["org:read"], "rate_limit_per_minute": 5000},
        headers=manager,
    )

    assert owner_key.status_code == 403
    assert raised.status_code == 422
    assert raised.json()["error"]["details"] == [
        {"field": "rate_limit_per_minute", "message": "At most 300."}
    ]
    assert _key_count(db) == 1


def test_patch_revokes_a_key_and_it_stops_working(client, db) -> None:
    org = make_org(db)
    manager = key_headers(db, org, role=Role.MANAGER)
    victim = key_headers(db, org, role=Role.VIEWER)
    victim_id = client.get("/account/api/v1/whoami", headers=victim).json()["api_key_id"]

    response = client.patch(
        f"{keys_url(org)}/{victim_id}", json={"is_active": False}, headers=manager
    )

    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False
    refused = client.get("/account/api/v1/whoami", headers=victim)
    assert refused.status_code == 401
    assert refused.json() == DEAD_KEY


def test_patch_null_on_a_required_field_is_refused(client, db) -> None:
    org = make_org(db)
    manager = key_headers(db, org, role=Role.MANAGER)
    key_id = client.get("/account/api/v1/whoami", headers=manager).json()["api_key_id"]

    response = client.patch(f"{keys_url(org)}/{key_id}", json={"name": None}, headers=manager)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "name"
    assert db.get(ApiKey, key_id).name == "test key"


def test_delete_removes_the_key(client, db) -> None:
    org = make_org(db)
    manager = key_headers(db, org, role=Role.MANAGER)
    other = key_headers(db, org, role=Role.VIEWER)
    other_id = client.get("/account/api/v1/whoami", headers=other).json()["api_key_id"]

    response = client.delete(f"{keys_url(org)}/{other_id}", headers=manager)

    assert response.status_code == 204
    assert db.get(ApiKey, other_id) is None
    assert client.get("/account/api/v1/whoami", headers=other).status_code == 401


def test_another_organizations_key_is_not_found(client, db) -> None:
    org, other = make_org(db), make_org(db, name="Rival")
    foreign = key_headers(db, other)
    foreign_id = client.get("/account/api/v1/whoami", headers=foreign).json()["api_key_id"]

    response = client.delete(f"{keys_url(org)}/{foreign_id}", headers=key_headers(db, org))

    assert response.status_code == 404
    assert db.get(ApiKey, foreign_id) is not None
