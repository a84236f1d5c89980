"""Consent URL, code exchange and refresh: what we send and what we make of the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from closient_app.connectors.interface import (
    InvalidShop,
    PosRequestRejected,
    PosUnavailable,
    ScopeNotGranted,
    TokenSet,
)
from closient_app.connectors.shopify.oauth import missing_scopes

from .fakes import ScriptedShopify, make_connector

pytestmark = pytest.mark.anyio

TOKEN_URL = "https://acme.myshopify.com/admin/oauth/access_token"
GRANTED = {
    "access_token": "shpat_new",
    "scope": "read_products,read_inventory,read_locations",
    "expires_in": 3600,
    "refresh_token": "shprt_new",
    "refresh_token_expires_in": 7776000,
}


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


async def test_authorize_url_asks_for_an_offline_grant(fake_time):
    connector = make_connector(ScriptedShopify([]), fake_time)
    url = connector.authorize_url("Acme", "nonce-1", "https://app.example/cb")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "acme.myshopify.com", "/admin/oauth/authorize")
    assert parse_qs(parts.query) == {
        "client_id": ["app-id"],
        "scope": ["read_products,read_inventory,read_locations"],
        "redirect_uri": ["https://app.example/cb"],
        "state": ["nonce-1"],
    }
    assert "grant_options" not in url


async def test_no_url_is_built_for_a_refused_shop(fake_time):
    shopify = ScriptedShopify([])
    connector = make_connector(shopify, fake_time)
    with pytest.raises(InvalidShop):
        connector.authorize_url("shop.myshopify.com@evil.com", "s", "https://app/cb")
    with pytest.raises(InvalidShop):
        await connector.exchange_code("evil.com", "code")
    assert shopify.requests == []


async def test_sandbox_template_changes_only_the_base(fake_time):
    connector = make_connector(
        ScriptedShopify([]), fake_time,
        shop_base_url_template="http://127.0.0.1:8123/sandbox/shopify/{shop}")
    assert connector.authorize_url("acme", "s", "https://app/cb").startswith(
        "http://127.0.0.1:8123/sandbox/shopify/acme.myshopify.com/admin/oauth/authorize?")


async def test_exchange_posts_credentials_in_the_body_and_asks_for_expiring_tokens(fake_time):
    shopify = ScriptedShopify([GRANTED])
    tokens = await make_connector(shopify, fake_time).exchange_code("acme", "code-123")
    [request] = shopify.requests
    assert str(request.url) == TOKEN_URL
    assert "authorization" not in request.headers  # client_secret_post, not basic auth
    assert form(request) == {
        "grant_type": "authorization_code", "code": "code-123", "expiring": "1",
        "client_id": "app-id", "client_secret": "hush",
    }
    now = fake_time.wall()
    assert tokens == TokenSet(
        access_token="shpat_new",
        scope=("read_products", "read_inventory", "read_locations"),
        expires_at=now + timedelta(hours=1),
        refresh_token="shprt_new",
        refresh_expires_at=now + timedelta(days=90),
    )


async def test_refresh_uses_the_refresh_grant(fake_time):
    shopify = ScriptedShopify([{**GRANTED, "access_token": "shpat_2", "refresh_token": "shprt_2"}])
    tokens = await make_connector(shopify, fake_time).refresh_token("acme", "shprt_1")
    assert form(shopify.requests[0]) == {
        "grant_type": "refresh_token", "refresh_token": "shprt_1",
        "client_id": "app-id", "client_secret": "hush",
    }
    assert (tokens.access_token, tokens.refresh_token) == ("shpat_2", "shprt_2")


async def test_non_expiring_answer_has_no_expiry(fake_time):
    shopify = ScriptedShopify([{"access_token": "shpat_x", "scope": GRANTED["scope"]}])
    tokens = await make_connector(shopify, fake_time).exchange_code("acme", "c")
    assert (tokens.expires_at, tokens.refresh_token, tokens.refresh_expires_at) == (
        None, None, None)


async def test_a_narrower_grant_is_refused_with_the_missing_scopes(fake_time):
    shopify = ScriptedShopify([{**GRANTED, "scope": "read_products"}])
    with pytest.raises(ScopeNotGranted) as refused:
        await make_connector(shopify, fake_time).exchange_code("acme", "c")
    assert refused.value.missing == ("read_inventory", "read_locations")
    assert refused.value.retryable is False


def test_write_scopes_cover_read_scopes():
    assert missing_scopes(["write_products", "read_inventory", "write_locations"],
                          ["read_products", "read_inventory", "read_locations"]) == []


async def test_used_code_is_a_terminal_rejection(fake_time):
    shopify = ScriptedShopify([httpx.Response(400, json={
        "error": "invalid_request",
        "error_description": "The authorization code was not found or was already used"})])
    with pytest.raises(PosRequestRejected, match="invalid_request"):
        await make_connector(shopify, fake_time).exchange_code("acme", "used")


@pytest.mark.parametrize("answer", [httpx.Response(503, text="down"),
                                    httpx.ConnectError("refused")])
async def test_outage_is_retryable(fake_time, answer):
    with pytest.raises(PosUnavailable):
        await make_connector(ScriptedShopify([answer]), fake_time).exchange_code("acme", "c")


async def test_verify_callback_checks_the_shop_too(fake_time):
    connector = make_connector(ScriptedShopify([]), fake_time, client_secrets=["hush"])
    params = {
        "code": "0907a61c0c8d55e99db179b68161bc00", "shop": "some-shop.myshopify.com",
        "state": "0.6784241404160823", "timestamp": "1337178173",
        "hmac": "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf",
    }
    signed_at = datetime.fromtimestamp(1337178173, UTC)
    assert connector.verify_callback(params, signed_at) is True
    assert connector.verify_callback(params, signed_at + timedelta(minutes=6)) is False
    assert connector.verify_callback({**params, "shop": "evil.com"}, signed_at) is False


def test_token_set_repr_hides_secrets():
    tokens = TokenSet("shpat_secret", ("read_products",), None, "shprt_secret", None)
    assert "secret" not in repr(tokens)


def test_needs_refresh_before_expiry():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    tokens = TokenSet("a", (), now + timedelta(minutes=4), "r", None)
    assert tokens.needs_refresh(now) is True
    assert tokens.needs_refresh(now - timedelta(minutes=2)) is False
    assert TokenSet("a", (), None).needs_refresh(now) is False
