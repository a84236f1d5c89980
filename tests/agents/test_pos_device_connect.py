"""The headless POS connect's rules: RFC 8628 polling answers, single use, guessing limits,
who may confirm, and what the agent hears when the retailer or the POS says no."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from sqlmodel import select

from closient_app.agents import user_codes
from closient_app.agents.code_entry import MAX_FOREIGN_ENTRIES
from closient_app.api.routes.integrations_connect import STATE_COOKIE
from closient_app.models import Membership, PosDeviceGrant, PosDeviceGrantStatus, Role
from closient_app.services.connect import ConnectFailure
from closient_app.services.pos_device_connect import record_callback_outcome
from tests.agents.agent_flow import PASSWORD, Browser, connect_pos_in_browser, hidden_field
from tests.api.auth_support import bearer_headers, key_headers
from tests.factories import make_org, make_user

DEVICE_CODE = "/integrations/api/v1/pos-connections/device-code"
DEVICE_TOKEN = "/integrations/api/v1/pos-connections/device-token"
PAGE = "/integrations/connect/device"


@pytest.fixture
def retailer(db, base):
    owner = make_user(db, password=PASSWORD)
    org = make_org(db, owner=owner)
    shop = f"device-{uuid.uuid4().hex[:8]}.myshopify.com"
    created = httpx.post(f"{base}/sandbox/shopify/_admin/shops", json={"shop": shop, "products": 2})
    assert created.status_code == 201
    return {
        "owner": owner,
        "org": org,
        "shop": shop,
        "agent": bearer_headers(db, owner),
        "key": key_headers(db, org),
    }


def start(base, retailer) -> dict:
    body = {"organization_id": retailer["org"].id, "provider": "shopify", "shop": retailer["shop"]}
    answer = httpx.post(base + DEVICE_CODE, json=body, headers=retailer["agent"])
    assert answer.status_code == 200, answer.text
    return answer.json()


def poll(base, retailer, started) -> httpx.Response:
    body = {"device_code": started["device_code"]}
    return httpx.post(base + DEVICE_TOKEN, json=body, headers=retailer["agent"])


def error_of(answer: httpx.Response) -> dict:
    assert answer.status_code == 400, answer.text
    return answer.json()["error"]


def signed_in(base, user) -> Browser:
    browser = Browser(base)
    answer = browser.post(f"{PAGE}/login", data={"email": user.email, "password": PASSWORD})
    assert answer.status_code == 303
    return browser


def test_the_codes_are_short_unambiguous_and_rfc_shaped(base, retailer, agent_clock) -> None:
    started = start(base, retailer)
    assert re.fullmatch(
        r"[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}", started["user_code"]
    )
    assert started["verification_uri"] == f"{base}{PAGE}"
    assert started["verification_uri_complete"] == f"{base}{PAGE}?user_code={started['user_code']}"
    assert (started["expires_in"], started["interval"]) == (900, 5)
    assert user_codes.normalize_user_code(started["user_code"].lower().replace("-", " "))


def test_polling_pending_then_slow_down_then_expired(base, retailer, agent_clock) -> None:
    started = start(base, retailer)
    first = error_of(poll(base, retailer, started))
    assert (first["code"], first["interval"]) == ("authorization_pending", 5)
    assert first["next_step"] == "Poll again in 5 seconds."
    too_fast = error_of(poll(base, retailer, started))
    assert (too_fast["code"], too_fast["interval"]) == ("slow_down", 10)
    agent_clock.sleep(6)  # enough before, not now
    assert error_of(poll(base, retailer, started))["code"] == "slow_down"
    agent_clock.sleep(15)
    assert error_of(poll(base, retailer, started))["code"] == "authorization_pending"
    agent_clock.sleep(900)
    retailer["agent"] = retailer["key"]  # the 15-minute access token has expired by now too
    expired = error_of(poll(base, retailer, started))
    assert expired["code"] == "expired_token" and "device-code" in expired["next_step"]


def test_connected_once_approved_and_the_code_is_single_use(base, retailer, agent_clock, db):
    started = start(base, retailer)
    page = connect_pos_in_browser(Browser(base), started, email=retailer["owner"].email)
    assert "Your store is connected" in page.text
    connected = poll(base, retailer, started).json()
    assert connected["status"] == "connected" and connected["shop"] == retailer["shop"]
    grant = db.exec(select(PosDeviceGrant)).one()
    assert (connected["source_id"], connected["job_id"]) == (grant.source_id, grant.job_id)
    agent_clock.sleep(1)  # a repeated poll repeats the answer, however soon
    assert poll(base, retailer, started).json() == connected
    again = signed_in(base, retailer["owner"]).get(PAGE, params={"user_code": started["user_code"]})
    assert again.status_code == 410 and "already used" in again.text


@pytest.mark.parametrize("where", ["our page", "shopify"])
def test_saying_no_is_access_denied(base, retailer, agent_clock, where) -> None:
    started = start(base, retailer)
    if where == "shopify":
        page = connect_pos_in_browser(
            Browser(base), started, email=retailer["owner"].email, decision="decline"
        )
        assert "You declined" in page.text
    else:
        browser = signed_in(base, retailer["owner"])
        confirm = browser.get(PAGE, params={"user_code": started["user_code"]})
        denied = browser.post(
            f"{PAGE}/decision",
            data={
                "user_code": started["user_code"],
                "csrf_token": hidden_field(confirm.text, "csrf_token"),
                "decision": "deny",
            },
        )
        assert "Connection denied" in denied.text
    error = error_of(poll(base, retailer, started))
    assert error["code"] == "access_denied" and "device-code" in error["next_step"]


def test_wrong_codes_lock_out_the_guesser(base, retailer, agent_clock) -> None:
    started = start(base, retailer)
    guesser = signed_in(base, make_user_in(retailer, base))
    for _ in range(user_codes.MISSES_PER_WINDOW):
        wrong = guesser.get(PAGE, params={"user_code": "BBBB-BBBB"})
        assert wrong.status_code == 404 and "not right" in wrong.text
    locked = guesser.get(PAGE, params={"user_code": started["user_code"]})
    assert locked.status_code == 429 and "Too many wrong codes" in locked.text


def make_user_in(retailer, base):
    """A retailer's colleague (a MANAGER), who could confirm the code if not locked out."""
    from closient_app.db import session_scope

    with session_scope() as session:
        user = make_user(session, password=PASSWORD)
        session.add(
            Membership(organization_id=retailer["org"].id, user_id=user.id, role=Role.MANAGER)
        )
    return user


def test_a_code_entered_by_strangers_burns(base, retailer, agent_clock, db) -> None:
    """Strangers see "not right", as for a wrong code; after a few the grant is denied."""
    started = start(base, retailer)
    for _ in range(MAX_FOREIGN_ENTRIES):
        stranger = signed_in(base, make_user(db, password=PASSWORD))
        seen = stranger.get(PAGE, params={"user_code": started["user_code"]})
        assert seen.status_code == 404 and retailer["shop"] not in seen.text
    error = error_of(poll(base, retailer, started))
    assert error["code"] == "access_denied" and "Too many" in error["message"]
    grant = db.exec(select(PosDeviceGrant)).one()
    assert grant.status == PosDeviceGrantStatus.DENIED


def test_a_viewer_is_told_who_can_confirm(base, retailer, agent_clock, db) -> None:
    viewer = make_user(db, password=PASSWORD)
    db.add(Membership(organization_id=retailer["org"].id, user_id=viewer.id, role=Role.VIEWER))
    db.commit()
    started = start(base, retailer)
    page = signed_in(base, viewer).get(PAGE, params={"user_code": started["user_code"]})
    assert page.status_code == 403 and "OWNER or MANAGER" in page.text


def test_starting_needs_a_live_provider_a_free_shop_and_a_writer(base, retailer, db) -> None:
    org_id, headers = retailer["org"].id, retailer["agent"]
    square = httpx.post(
        base + DEVICE_CODE,
        json={"organization_id": org_id, "provider": "square", "shop": retailer["shop"]},
        headers=headers,
    )
    assert square.status_code == 422 and square.json()["error"]["next_step"]
    other = make_org(db, name="Elsewhere")
    foreign = httpx.post(
        base + DEVICE_CODE, json={"organization_id": other.id, "shop": "x"}, headers=headers
    )
    assert foreign.status_code == 404
    bad_shop = httpx.post(
        base + DEVICE_CODE,
        json={"organization_id": org_id, "shop": "not a shop!"},
        headers=headers,
    )
    assert bad_shop.status_code == 422
    assert bad_shop.json()["error"]["details"][0]["field"] == "shop"


def test_an_unknown_or_foreign_device_code_is_invalid_grant(base, retailer, db) -> None:
    started = start(base, retailer)
    stranger = bearer_headers(db, make_user(db))
    for headers in (retailer["agent"], stranger):
        code = started["device_code"] if headers is stranger else "nope"
        answer = httpx.post(base + DEVICE_TOKEN, json={"device_code": code}, headers=headers)
        assert error_of(answer)["code"] == "invalid_grant"


def test_a_failed_connect_reaches_the_agent_only_from_the_right_browser(base, retailer) -> None:
    """The callback reports a refusal to the grant bound to its state, when the browser's
    state cookie matches; the agent then hears connect_failed with the reason."""
    started = start(base, retailer)
    browser = signed_in(base, retailer["owner"])
    confirm = browser.get(PAGE, params={"user_code": started["user_code"]})
    to_pos = browser.post(
        f"{PAGE}/decision",
        data={
            "user_code": started["user_code"],
            "csrf_token": hidden_field(confirm.text, "csrf_token"),
            "decision": "approve",
        },
    )
    state = dict(parse_qsl(urlsplit(to_pos.headers["location"]).query))["state"]
    assert browser.http.cookies.get(STATE_COOKIE) == state
    failure = ConnectFailure.MISSING_PERMISSIONS
    record_callback_outcome(state=state, browser_nonce="another browser", failure=failure)
    assert error_of(poll(base, retailer, started))["code"] == "authorization_pending"
    record_callback_outcome(state=state, browser_nonce=state, failure=failure)
    error = error_of(poll(base, retailer, started))
    assert error["code"] == "connect_failed" and "permissions" in error["message"]
