"""Sign-up, log-in, who am I, organizations and members (with the last-OWNER rule)."""

from __future__ import annotations

from sqlmodel import func, select

from closient_app.models import Membership, Organization, Role, WebSession
from closient_app.services.sessions import COOKIE_NAME
from tests.api.auth_support import bearer_headers, key_headers, member, session_cookie
from tests.factories import make_org, make_user

API = "/account/api/v1"


def _count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_sign_up_sets_an_httponly_lax_cookie_that_authenticates(client, db) -> None:
    response = client.post(
        f"{API}/signup", json={"email": "Ann@Example.TEST", "password": "long enough pw"}
    )

    assert response.status_code == 201, response.text
    assert response.json()["email"] == "ann@example.test"
    cookie_header = response.headers["set-cookie"]
    assert "HttpOnly" in cookie_header and "SameSite=lax" in cookie_header
    assert "Path=/" in cookie_header and "Secure" not in cookie_header  # http base URL in tests
    whoami = client.get(f"{API}/whoami").json()  # the client keeps the cookie
    assert whoami["kind"] == "session"
    assert whoami["user"]["email"] == "ann@example.test"


def test_sign_up_twice_with_one_email_is_a_conflict(client, db) -> None:
    make_user(db, email="ann@example.test")

    response = client.post(
        f"{API}/signup", json={"email": "ANN@example.test", "password": "long enough pw"}
    )

    assert response.status_code == 409
    assert response.json()["error"]["message"] == "An account with this email already exists."
    assert "set-cookie" not in response.headers


def test_sign_up_rules_name_the_fields(client, db) -> None:
    response = client.post(f"{API}/signup", json={"email": "nope", "password": "short"})

    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "email", "message": "Enter an email address like a@b.com."},
        {"field": "password", "message": "Use at least 10 characters."},
    ]
    assert _count(db, WebSession) == 0


def test_wrong_password_is_401_and_starts_no_session(client, db) -> None:
    make_user(db, email="ann@example.test", password="correct horse battery")

    response = client.post(
        f"{API}/login", json={"email": "ann@example.test", "password": "wrong horse battery"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The email or password is not right."
    assert _count(db, WebSession) == 0


def test_log_out_revokes_the_session_server_side(client, db) -> None:
    user = make_user(db)
    cookies = session_cookie(db, user)
    client.cookies.update(cookies)
    assert client.get(f"{API}/whoami").status_code == 200

    assert client.post(f"{API}/logout").status_code == 204

    client.cookies.update(cookies)  # replaying the old cookie does not work any more
    response = client.get(f"{API}/whoami")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Your session has ended."


def test_a_forged_cookie_is_refused(client, db) -> None:
    session_id, _, _ = session_cookie(db, make_user(db))[COOKIE_NAME].partition(".")
    client.cookies.set(COOKIE_NAME, f"{session_id}.forged-signature")

    assert client.get(f"{API}/whoami").status_code == 401


def test_creating_an_organization_makes_the_caller_owner(client, db) -> None:
    user = make_user(db)

    response = client.post(
        f"{API}/organizations",
        json={"name": "Corner Hardware", "country": "us"},
        headers=bearer_headers(db, user),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["country"], body["role"]) == ("Corner Hardware", "US", "OWNER")
    role = db.exec(select(Membership.role).where(Membership.organization_id == body["id"])).one()
    assert role == Role.OWNER


def test_an_api_key_cannot_create_organizations(client, db) -> None:
    org = make_org(db)

    response = client.post(
        f"{API}/organizations",
        json={"name": "Other", "country": "US"},
        headers=key_headers(db, org),
    )

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "FORBIDDEN",
        "message": "An API key cannot create organizations: keys belong to one organization.",
        "status": 403,
        "details": [],
        "next_step": "Use a user credential: a browser session, or a bearer token from the "
        "device flow (POST /oauth/device_authorization).",
    }
    assert _count(db, Organization) == 1


def test_a_token_bound_to_one_organization_cannot_create_others(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)

    response = client.post(
        f"{API}/organizations",
        json={"name": "Other", "country": "US"},
        headers=bearer_headers(db, owner, organization_id=org.id),
    )

    assert response.status_code == 403
    assert _count(db, Organization) == 1


def test_whoami_for_a_user_lists_organizations_with_roles(client, db) -> None:
    user = make_user(db)
    own = make_org(db, name="Mine", owner=user)
    other = make_org(db, name="Theirs")
    db.add(Membership(organization_id=other.id, user_id=user.id, role=Role.VIEWER))
    db.commit()

    body = client.get(f"{API}/whoami", headers=bearer_headers(db, user, scopes=["org:read"])).json()

    assert body["kind"] == "token"
    assert body["user"]["id"] == user.id
    assert [(o["id"], o["role"]) for o in body["organizations"]] == [
        (own.id, "OWNER"),
        (other.id, "VIEWER"),
    ]
    assert body["scopes"] == ["org:read"]
    assert body["bound_organization_id"] is None


def test_members_list_is_paginated(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    for _ in range(2):
        member(db, org, Role.VIEWER)

    body = client.get(
        f"{API}/organizations/{org.id}/members?page=2&page_size=2",
        headers=bearer_headers(db, owner),
    ).json()

    assert body["count"] == 3
    assert len(body["data"]) == 1
    assert body["pagination"] == {
        "page": 2,
        "page_size": 2,
        "total_count": 3,
        "total_pages": 2,
        "has_next": False,
        "has_previous": True,
    }


def test_page_size_over_100_is_a_validation_error(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)

    response = client.get(
        f"{API}/organizations/{org.id}/members?page_size=101", headers=bearer_headers(db, owner)
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "page_size"


def test_manager_adds_a_member_by_email(client, db) -> None:
    org = make_org(db)
    newcomer = make_user(db, email="bo@example.test")

    response = client.post(
        f"{API}/organizations/{org.id}/members",
        json={"email": "BO@example.test", "role": "EDITOR"},
        headers=key_headers(db, org, role=Role.MANAGER),
    )

    assert response.status_code == 201, response.text
    assert response.json()["user"]["id"] == newcomer.id
    assert response.json()["role"] == "EDITOR"


def test_adding_someone_twice_is_a_conflict(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)

    response = client.post(
        f"{API}/organizations/{org.id}/members",
        json={"email": owner.email, "role": "VIEWER"},
        headers=bearer_headers(db, owner),
    )

    assert response.status_code == 409
    assert db.exec(select(Membership.role).where(Membership.user_id == owner.id)).all() == [
        Role.OWNER
    ]


def test_a_manager_cannot_grant_owner(client, db) -> None:
    org = make_org(db)
    make_user(db, email="bo@example.test")

    response = client.post(
        f"{API}/organizations/{org.id}/members",
        json={"email": "bo@example.test", "role": "OWNER"},
        headers=key_headers(db, org, role=Role.MANAGER),
    )

    assert response.status_code == 403
    assert _count(db, Membership) == 1


def _owner_membership(db, org) -> Membership:
    return db.exec(
        select(Membership).where(Membership.organization_id == org.id, Membership.role == "OWNER")
    ).one()


def test_the_last_owner_cannot_be_demoted(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    membership = _owner_membership(db, org)

    response = client.put(
        f"{API}/organizations/{org.id}/members/{membership.id}",
        json={"role": "MANAGER"},
        headers=bearer_headers(db, owner),
    )

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "CONFLICT",
        "message": "An organization must keep at least one OWNER; "
        "this change would leave it with none.",
        "status": 409,
        "details": [],
        "next_step": "Make another member an OWNER first.",
    }
    db.refresh(membership)
    assert membership.role == Role.OWNER


def test_the_last_owner_cannot_be_removed(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    membership = _owner_membership(db, org)

    response = client.delete(
        f"{API}/organizations/{org.id}/members/{membership.id}", headers=bearer_headers(db, owner)
    )

    assert response.status_code == 409
    assert _count(db, Membership) == 1


def test_with_a_second_owner_the_first_can_step_down(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    member(db, org, Role.OWNER)
    membership = _owner_membership_of(db, org, owner)

    response = client.put(
        f"{API}/organizations/{org.id}/members/{membership.id}",
        json={"role": "VIEWER"},
        headers=bearer_headers(db, owner),
    )

    assert response.status_code == 200, response.text
    db.refresh(membership)
    assert membership.role == Role.VIEWER


def _owner_membership_of(db, org, user) -> Membership:
    return db.exec(
        select(Membership).where(
            Membership.organization_id == org.id, Membership.user_id == user.id
        )
    ).one()


def test_another_organizations_member_is_not_found(client, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    other = make_org(db)
    foreign = _owner_membership(db, other)

    response = client.delete(
        f"{API}/organizations/{org.id}/members/{foreign.id}", headers=bearer_headers(db, owner)
    )

    assert response.status_code == 404
    assert _count(db, Membership) == 2
