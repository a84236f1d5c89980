"""The device authorization grant end to end, refresh rotation, reuse detection, revocation.

An agent (one client, no cookies) polls the token endpoint while a person (another client, a
browser with cookies) logs in on the verification page and approves. The clock is injected.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from closient_app.api.app import create_api
from closient_app.config import get_settings
from closient_app.models import DeviceGrant, DeviceGrantStatus, OAuthToken
from tests.factories import make_org, make_user

AGENT = "closient-agent"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
PASSWORD = "correct horse battery"


@pytest.fixture
def agent_and_browser():
    api = create_api()
    with TestClient(api) as agent, TestClient(api, follow_redirects=False) as browser:
        yield agent, browser


def start(agent, scope: str = "org:read org:write") -> dict:
    response = agent.post("/oauth/device_authorization", data={"client_id": AGENT, "scope": scope})
    assert response.status_code == 200, response.text
    return response.json()


def poll(agent, device_code: str):
    return agent.post(
        "/oauth/token",
        data={"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": AGENT},
    )


def refresh(agent, refresh_token: str):
    return agent.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": AGENT},
    )


def approve(browser, user, user_code: str, *, organization_id: str = "", decision="approve"):
    """The person's side: log in on the page, open the code, approve (or deny)."""
    assert "Log in" in browser.get(f"/oauth/device?user_code={user_code}").text
    login = browser.post(
        "/oauth/device/login",
        data={"email": user.email, "password": PASSWORD, "user_code": user_code},
    )
    assert login.status_code == 303
    assert login.headers["location"] == f"/oauth/device?user_code={user_code}"
    page = browser.get(login.headers["location"]).text
    assert "Approve this agent?" in page
    csrf = re.search(r"name=csrf_token value='([^']+)'", page).group(1)
    return browser.post(
        "/oauth/device/decision",
        data={
            "user_code": user_code,
            "csrf_token": csrf,
            "organization_id": organization_id,
            "decision": decision,
        },
    )


def test_device_flow_end_to_end(agent_and_browser, clock, db) -> None:
    agent, browser = agent_and_browser
    user = make_user(db, password=PASSWORD)
    org = make_org(db, owner=user)

    started = start(agent)
    assert started["verification_uri"] == f"{get_settings().base_url}/oauth/device"
    assert started["verification_uri_complete"].endswith(f"?user_code={started['user_code']}")
    assert (started["expires_in"], started["interval"]) == (900, 5)

    pending = poll(agent, started["device_code"])
    assert pending.status_code == 400
    assert pending.json()["error"] == "authorization_pending"

    too_fast = poll(agent, started["device_code"])  # the clock has not moved: polling too fast
    assert too_fast.json()["error"] == "slow_down"
    assert db.exec(select(DeviceGrant.interval)).one() == 10  # RFC 8628: 5 seconds more

    clock.advance(11)
    assert poll(agent, started["device_code"]).json()["error"] == "authorization_pending"

    done = approve(browser, user, started["user_code"], organization_id=org.id)
    assert done.status_code == 200
    assert "Agent connected" in done.text

    clock.advance(11)
    issued = poll(agent, started["device_code"])
    assert issued.status_code == 200, issued.text
    tokens = issued.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 900
    assert tokens["scope"] == "org:read org:write"
    assert issued.headers["cache-control"] == "no-store"

    whoami = agent.get(
        "/account/api/v1/whoami", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    assert (whoami["kind"], whoami["user"]["id"]) == ("token", user.id)
    assert whoami["bound_organization_id"] == org.id
    assert whoami["scopes"] == ["org:read", "org:write"]

    reused_code = poll(agent, started["device_code"])  # a device code yields tokens only once
    assert reused_code.status_code == 400
    assert db.exec(select(DeviceGrant.status)).one() == DeviceGrantStatus.CONSUMED

    stored = db.exec(select(OAuthToken)).one()
    assert tokens["access_token"] not in stored.model_dump_json()  # hashes only
    assert tokens["refresh_token"] not in stored.model_dump_json()


def _tokens_for(agent, browser, db, clock, user, **approve_kwargs) -> dict:
    started = start(agent)
    approve(browser, user, started["user_code"], **approve_kwargs)
    clock.advance(6)
    response = poll(agent, started["device_code"])
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_refresh_rotates_and_reusing_a_rotated_token_revokes_the_family(
    agent_and_browser, clock, db
) -> None:
    agent, browser = agent_and_browser
    user = make_user(db, password=PASSWORD)
    first = _tokens_for(agent, browser, db, clock, user)

    rotated = refresh(agent, first["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert (
        agent.get("/account/api/v1/whoami", headers=bearer(second["access_token"])).status_code
        == 200
    )

    replay = refresh(agent, first["refresh_token"])  # the old refresh token, used again
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"

    # The whole family is gone: the newest access token and refresh token too.
    revoked = agent.get("/account/api/v1/whoami", headers=bearer(second["access_token"]))
    assert revoked.status_code == 401
    assert revoked.json()["error"]["message"] == "The access token is unknown, expired or revoked."
    assert refresh(agent, second["refresh_token"]).json()["error"] == "invalid_grant"
    assert all(t.revoked_at is not None for t in db.exec(select(OAuthToken)).all())


def test_access_tokens_expire_after_15_minutes(agent_and_browser, clock, db) -> None:
    agent, browser = agent_and_browser
    user = make_user(db, password=PASSWORD)
    issued = _tokens_for(agent, browser, db, clock, user)

    clock.advance(899)
    assert (
        agent.get("/account/api/v1/whoami", headers=bearer(issued["access_token"])).status_code
        == 200
    )
    clock.advance(2)
    assert (
        agent.get("/account/api/v1/whoami", headers=bearer(issued["access_token"])).status_code
        == 401
    )
    assert refresh(agent, issued["refresh_token"]).status_code == 200  # refresh still works


def test_an_expired_code_is_expired_token_for_the_agent_and_the_person(
    agent_and_browser, clock, db
) -> None:
    agent, browser = agent_and_browser
    user = make_user(db, password=PASSWORD)
    started = start(agent)

    clock.advance(901)

    assert poll(agent, started["device_code"]).json() == {
        "error": "expired_token",
        "error_description": "The device code expired. Start again at POST "
        "/oauth/device_authorization.",
    }
    browser.post(
        "/oauth/device/login",
        data={"email": user.email, "password": PASSWORD, "user_code": started["user_code"]},
    )
    page = browser.get(f"/oauth/device?user_code={started['user_code']}")
    assert page.status_code == 404
    assert "That code has expired" in page.text
    assert db.exec(select(DeviceGrant.status)).one() == DeviceGrantStatus.PENDING


def test_denied_is_access_denied(agent_and_browser, clock, db) -> None:
    agent, browser = agent_and_browser
    user = make_user(db, password=PASSWORD)
    started = start(agent)

    approve(browser, user, started["user_code"], decision="deny")
    clock.advance(6)

    assert poll(agent, started["device_code"]).json()["error"] == "access_denied"
    assert db.exec(select(OAuthToken)).all() == []


def test_approving_for_someone_elses_organization_is_refused(agent_and_browser, clock, db) -> None:
    agent, browser = agent_and_browser
    user = make_user(db, password=PASSWORD)
    stranger_org = make_org(db, name="Not yours")
    started = start(agent)

    page = approve(browser, user, started["user_code"], organization_id=stranger_org.id)

    assert page.status_code == 422
    assert "You are not a member of that organization." in page.text
    assert db.exec(select(DeviceGrant.status)).one() == DeviceGrantStatus.PENDING


def test_a_forged_csrf_token_decides_nothing(agent_and_browser, clock, db) -> None:
    agent, browser = agent_and_browser
    user = make_user(db, password=PASSWORD)
    started = start(agent)
    approve(browser, user, started["user_code"], decision="deny")  # logs the browser in
    second = start(agent)

    page = browser.post(
        "/oauth/device/decision",
        data={"user_code": second["user_code"], "csrf_token": "forged", "decision": "approve"},
    )

    assert page.status_code == 422
    statuses = sorted(g.status for g in db.exec(select(DeviceGrant)).all())
    assert statuses == [DeviceGrantStatus.DENIED, DeviceGrantStatus.PENDING]


def test_unknown_scope_is_invalid_scope(agent_and_browser) -> None:
    agent, _ = agent_and_browser

    response = agent.post(
        "/oauth/device_authorization", data={"client_id": AGENT, "scope": "everything"}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_revoking_a_refresh_token_ends_the_grant(agent_and_browser, clock, db) -> None:
    agent, browser = agent_and_browser
    user = make_user(db, password=PASSWORD)
    issued = _tokens_for(agent, browser, db, clock, user)

    response = agent.post(
        "/oauth/revoke",
        data={
            "token": issued["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": AGENT,
        },
    )

    assert response.status_code == 200
    assert (
        agent.get("/account/api/v1/whoami", headers=bearer(issued["access_token"])).status_code
        == 401
    )
    assert refresh(agent, issued["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_an_unknown_token_is_still_200(agent_and_browser) -> None:
    agent, _ = agent_and_browser

    response = agent.post("/oauth/revoke", data={"token": "cat_nope", "client_id": AGENT})

    assert response.status_code == 200  # RFC 7009 2.2: nothing to reveal


def test_server_metadata(agent_and_browser) -> None:
    agent, _ = agent_and_browser

    body = agent.get("/.well-known/oauth-authorization-server").json()

    base = get_settings().base_url
    assert body["issuer"] == base
    assert body["token_endpoint"] == f"{base}/oauth/token"
    assert body["device_authorization_endpoint"] == f"{base}/oauth/device_authorization"
    assert body["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert body["grant_types_supported"] == [DEVICE_GRANT, "refresh_token"]
    assert "none" in body["token_endpoint_auth_methods_supported"]
    assert "org:write" in body["scopes_supported"]
