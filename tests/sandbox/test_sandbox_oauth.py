"""OAuth: consent page, signed callback, code exchange, refresh rotation, token checks."""

from __future__ import annotations

import base64

from closient_app.sandbox.shopify.signing import sign_callback

from .helpers import (
    ALL_SCOPES,
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_SECRET,
    REDIRECT_URI,
    SHOP,
    Sandbox,
    callback_params,
    verify_callback_hmac,
)

DAY = 86_400.0
CODE_GONE = {
    "error": "invalid_request",
    "error_description": "The authorization code was not found or was already used",
}
REFRESH_REFUSED = {
    "error": "invalid_grant",
    "error_description": "The refresh token is invalid, expired or was already replaced",
}
INVALID_TOKEN = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}
SHOP_QUERY = "{ shop { name } }"


def refresh(sandbox: Sandbox, refresh_token: str, secret: str = CLIENT_SECRET):
    return sandbox.client.post(
        f"/{SHOP}/admin/oauth/access_token",
        json={
            "client_id": CLIENT_ID,
            "client_secret": secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
    )


# Test vectors from shopify.md (hex HMAC over the sorted query without `hmac`).
VECTORS = [
    (
        "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com"
        "&state=0.6784241404160823&timestamp=1337178173",
        "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf",
    ),
    (
        "code=a94a110d86d2452eb3e2af4cfb8a3828&shop=some-shop.myshopify.com&timestamp=1337178173",
        "2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2",
    ),
]


def as_params(message: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in message.split("&"))


def test_reference_vectors_pass_the_independent_verifier_and_the_sandbox_signer():
    for message, expected in VECTORS:
        params = as_params(message)
        assert verify_callback_hmac({**params, "hmac": expected}, "hush") is True
        assert sign_callback(params, "hush") == expected
    tampered = {**as_params(VECTORS[1][0]), "timestamp": "133717817", "hmac": VECTORS[1][1]}
    assert verify_callback_hmac(tampered, "hush") is False


def test_consent_page_lists_the_scopes_with_approve_and_decline(sandbox: Sandbox):
    response = sandbox.client.get(
        f"/{SHOP}/admin/oauth/authorize",
        params={
            "client_id": CLIENT_ID,
            "scope": ALL_SCOPES,
            "redirect_uri": REDIRECT_URI,
            "state": "s1",
        },
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for scope in ("read_products", "read_inventory", "read_locations"):
        assert f"<code>{scope}</code>" in page
    assert 'name="decision" value="approve"' in page
    assert 'name="decision" value="decline"' in page
    assert f'<form method="post" action="/{SHOP}/admin/oauth/authorize">' in page
    assert '<input type="hidden" name="state" value="s1">' in page


def test_unknown_client_id_gets_an_error_page(sandbox: Sandbox):
    response = sandbox.client.get(
        f"/{SHOP}/admin/oauth/authorize",
        params={"client_id": "nope", "scope": ALL_SCOPES, "redirect_uri": REDIRECT_URI},
    )
    assert response.status_code == 400
    assert "Could not find Shopify API application with api_key nope" in response.text
    assert 'value="approve"' not in response.text


def test_invalid_shop_is_not_found(sandbox: Sandbox):
    for shop in ("acme.example.com", "-acme.myshopify.com", "acme.myshopify.com.evil.io"):
        response = sandbox.client.get(f"/{shop}/admin/oauth/authorize")
        assert response.status_code == 404, shop


def test_approve_redirects_with_a_callback_the_independent_verifier_accepts(sandbox: Sandbox):
    params = sandbox.approve(state="nonce-42")
    assert set(params) == {"code", "hmac", "host", "shop", "state", "timestamp"}
    assert params["shop"] == SHOP
    assert params["state"] == "nonce-42"
    assert params["timestamp"] == str(int(sandbox.clock()))
    padded = params["host"] + "=" * (-len(params["host"]) % 4)
    assert base64.b64decode(padded) == b"admin.shopify.com/store/acme"
    assert verify_callback_hmac(params, CLIENT_SECRET) is True
    assert verify_callback_hmac(params, OTHER_SECRET) is False
    for key, value in (("shop", "evil.myshopify.com"), ("state", "x"), ("code", "0" * 32)):
        assert verify_callback_hmac({**params, key: value}, CLIENT_SECRET) is False
    assert verify_callback_hmac({**params, "extra": "1"}, CLIENT_SECRET) is False


def test_redirect_uri_keeps_its_own_query(sandbox: Sandbox):
    form = {
        "client_id": CLIENT_ID,
        "scope": ALL_SCOPES,
        "redirect_uri": REDIRECT_URI + "?source=setup",
        "state": "s",
        "decision": "approve",
    }
    response = sandbox.client.post(
        f"/{SHOP}/admin/oauth/authorize", data=form, follow_redirects=False
    )
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?source=setup&code=")
    params = callback_params(location)
    del params["source"]  # the app's own parameter is not part of Shopify's signature
    assert verify_callback_hmac(params, CLIENT_SECRET) is True


def test_decline_redirects_with_access_denied_and_no_code(sandbox: Sandbox):
    form = {
        "client_id": CLIENT_ID,
        "scope": ALL_SCOPES,
        "redirect_uri": REDIRECT_URI,
        "state": "nonce-7",
        "decision": "decline",
    }
    response = sandbox.client.post(
        f"/{SHOP}/admin/oauth/authorize", data=form, follow_redirects=False
    )
    assert response.status_code == 302
    assert response.headers["location"].startswith(REDIRECT_URI + "?")
    assert callback_params(response.headers["location"]) == {
        "error": "access_denied",
        "shop": SHOP,
        "state": "nonce-7",
    }
    assert sandbox.store.tokens.codes == {}


def test_expiring_exchange_returns_the_documented_fields(sandbox: Sandbox):
    code = sandbox.approve()["code"]
    response = sandbox.exchange(code, expiring=1)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "access_token",
        "scope",
        "expires_in",
        "refresh_token",
        "refresh_token_expires_in",
    }
    assert body["scope"] == ALL_SCOPES
    assert body["expires_in"] == 3600
    assert body["refresh_token_expires_in"] == 90 * 86_400
    assert body["access_token"].startswith("shpat_")
    assert len(body["access_token"]) == len("shpat_") + 32


def test_non_expiring_exchange_returns_only_token_and_scope(sandbox: Sandbox):
    body = sandbox.exchange(sandbox.approve()["code"]).json()
    assert set(body) == {"access_token", "scope"}
    sandbox.clock.advance(365 * DAY)
    assert sandbox.graphql(body["access_token"], SHOP_QUERY).status_code == 200


def test_form_encoded_exchange_works_like_json(sandbox: Sandbox):
    code = sandbox.approve()["code"]
    response = sandbox.client.post(
        f"/{SHOP}/admin/oauth/access_token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code": code,
            "expiring": "1",
        },
    )
    assert response.status_code == 200
    assert response.json()["expires_in"] == 3600


def test_codes_are_single_use(sandbox: Sandbox):
    code = sandbox.approve()["code"]
    assert sandbox.exchange(code).status_code == 200
    second = sandbox.exchange(code)
    assert (second.status_code, second.json()) == (400, CODE_GONE)


def test_codes_expire_after_ten_minutes(sandbox: Sandbox):
    code = sandbox.approve()["code"]
    sandbox.clock.advance(600)
    response = sandbox.exchange(code)
    assert (response.status_code, response.json()) == (400, CODE_GONE)


def test_a_code_is_good_just_before_it_expires(sandbox: Sandbox):
    code = sandbox.approve()["code"]
    sandbox.clock.advance(599)
    assert sandbox.exchange(code).status_code == 200


def test_wrong_secret_is_refused_and_leaves_the_code_usable(sandbox: Sandbox):
    code = sandbox.approve()["code"]
    wrong = sandbox.exchange(code, secret="not-the-secret")
    assert (wrong.status_code, wrong.json()) == (400, CODE_GONE)
    assert sandbox.exchange(code).status_code == 200


def test_unknown_client_and_unknown_code(sandbox: Sandbox):
    unknown_client = sandbox.exchange("whatever", client_id="nope")
    assert unknown_client.status_code == 400
    assert unknown_client.json() == {
        "error": "invalid_request",
        "error_description": "Could not find Shopify API application with api_key nope",
    }
    unknown_code = sandbox.exchange("0" * 32)
    assert (unknown_code.status_code, unknown_code.json()) == (400, CODE_GONE)


def test_a_code_only_works_for_the_shop_it_was_issued_for(sandbox: Sandbox):
    code = sandbox.approve()["code"]
    response = sandbox.exchange(code, shop="other.myshopify.com")
    assert (response.status_code, response.json()) == (400, CODE_GONE)


def test_refresh_rotates_both_tokens(sandbox: Sandbox):
    first = sandbox.install()
    second = refresh(sandbox, first["refresh_token"])
    assert second.status_code == 200
    body = second.json()
    assert set(body) == {
        "access_token",
        "scope",
        "expires_in",
        "refresh_token",
        "refresh_token_expires_in",
    }
    assert body["access_token"] != first["access_token"]
    assert body["refresh_token"] != first["refresh_token"]
    assert body["scope"] == ALL_SCOPES
    assert sandbox.graphql(body["access_token"], SHOP_QUERY).status_code == 200


def test_old_refresh_token_is_retired_once_the_replacement_is_used(sandbox: Sandbox):
    r0 = sandbox.install()["refresh_token"]
    r1 = refresh(sandbox, r0).json()["refresh_token"]
    assert refresh(sandbox, r1).status_code == 200
    retired = refresh(sandbox, r0)
    assert (retired.status_code, retired.json()) == (400, REFRESH_REFUSED)


def test_a_lost_refresh_response_can_be_recovered_by_retrying_the_old_token(sandbox: Sandbox):
    r0 = sandbox.install()["refresh_token"]
    lost = refresh(sandbox, r0).json()["refresh_token"]  # imagine this never got stored
    sandbox.clock.advance(2 * DAY)
    retry = refresh(sandbox, r0)
    assert retry.status_code == 200
    recovered = retry.json()["refresh_token"]
    assert recovered not in (r0, lost)
    assert refresh(sandbox, recovered).status_code == 200
    assert refresh(sandbox, lost).json() == REFRESH_REFUSED  # superseded by the retry
    assert refresh(sandbox, r0).json() == REFRESH_REFUSED


def test_retrying_a_used_refresh_token_ends_30_days_after_its_first_use(sandbox: Sandbox):
    r0 = sandbox.install()["refresh_token"]
    r1 = refresh(sandbox, r0).json()["refresh_token"]
    sandbox.clock.advance(30 * DAY + 1)
    assert refresh(sandbox, r0).json() == REFRESH_REFUSED
    assert refresh(sandbox, r1).status_code == 200


def test_refresh_tokens_expire_after_90_days(sandbox: Sandbox):
    r0 = sandbox.install()["refresh_token"]
    sandbox.clock.advance(90 * DAY)
    assert refresh(sandbox, r0).json() == REFRESH_REFUSED


def test_refresh_with_a_wrong_secret_is_refused(sandbox: Sandbox):
    r0 = sandbox.install()["refresh_token"]
    response = refresh(sandbox, r0, secret="wrong")
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed",
    }
    assert refresh(sandbox, r0).status_code == 200


def test_bad_missing_and_expired_tokens_get_401(sandbox: Sandbox):
    access = sandbox.install()["access_token"]
    for headers in ({"X-Shopify-Access-Token": "shpat_" + "0" * 32}, {}):
        response = sandbox.client.post(
            f"/{SHOP}/admin/api/2026-07/graphql.json", headers=headers, json={"query": SHOP_QUERY}
        )
        assert (response.status_code, response.json()) == (401, INVALID_TOKEN)
    other_shop = sandbox.graphql(access, SHOP_QUERY, shop="other.myshopify.com")
    assert other_shop.status_code == 401
    sandbox.clock.advance(3599)
    assert sandbox.graphql(access, SHOP_QUERY).status_code == 200
    sandbox.clock.advance(1)
    expired = sandbox.graphql(access, SHOP_QUERY)
    assert (expired.status_code, expired.json()) == (401, INVALID_TOKEN)


def test_per_user_grant_gives_an_online_token(sandbox: Sandbox):
    code = sandbox.approve(**{"grant_options[]": "per-user"})["code"]
    body = sandbox.exchange(code).json()
    assert body["access_token"].startswith("shpua_")
    assert body["expires_in"] == 86_400
    assert body["associated_user_scope"] == ALL_SCOPES
    assert body["associated_user"]["account_owner"] is True


def test_granted_scope_can_differ_from_the_requested_one(sandbox: Sandbox):
    settings = sandbox.admin("PUT", "/settings", json={"granted_scope_override": "read_products"})
    assert settings.json()["granted_scope_override"] == "read_products"
    body = sandbox.install()
    assert body["scope"] == "read_products"
