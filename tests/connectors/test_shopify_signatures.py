"""HMAC checks against the vectors in shopify.md, with an injected clock."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from closient_app.connectors.shopify.signatures import (
    callback_hmac,
    callback_message,
    shopify_header,
    verify_callback_hmac,
    verify_webhook_hmac,
    webhook_hmac,
)

SIGNED_AT = datetime.fromtimestamp(1337178173, UTC)  # 2012-05-16, the vectors' timestamp
WITH_STATE = {
    "code": "0907a61c0c8d55e99db179b68161bc00",
    "shop": "some-shop.myshopify.com",
    "state": "0.6784241404160823",
    "timestamp": "1337178173",
    "hmac": "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf",
}
WITHOUT_STATE = {
    "shop": "some-shop.myshopify.com",
    "code": "a94a110d86d2452eb3e2af4cfb8a3828",
    "timestamp": "1337178173",
    "hmac": "2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2",
}


def test_message_is_sorted_params_without_hmac():
    assert callback_message(WITH_STATE) == (
        "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com"
        "&state=0.6784241404160823&timestamp=1337178173"
    )


@pytest.mark.parametrize("params", [WITH_STATE, WITHOUT_STATE])
def test_documented_vectors_verify(params):
    assert callback_hmac(params, "hush") == params["hmac"]
    assert verify_callback_hmac(params, ["hush"], SIGNED_AT, max_age=300) is True


def test_truncated_timestamp_fails_even_with_a_lenient_clock():
    params = {**WITHOUT_STATE, "timestamp": "133717817"}
    assert verify_callback_hmac(params, ["hush"], SIGNED_AT, max_age=300) is False
    # Not only stale: the signature itself no longer matches.
    lenient = datetime.fromtimestamp(133717817, UTC)
    assert verify_callback_hmac(params, ["hush"], lenient, max_age=300) is False


def test_tampered_parameter_fails():
    params = {**WITH_STATE, "shop": "other-shop.myshopify.com"}
    assert verify_callback_hmac(params, ["hush"], SIGNED_AT, max_age=300) is False


def test_added_parameter_fails():
    params = {**WITH_STATE, "host": "YWRtaW4uc2hvcGlmeS5jb20"}
    assert verify_callback_hmac(params, ["hush"], SIGNED_AT, max_age=300) is False


def test_wrong_secret_fails():
    assert verify_callback_hmac(WITH_STATE, ["not-hush"], SIGNED_AT, max_age=300) is False


def test_previous_secret_still_accepted_during_rotation():
    assert verify_callback_hmac(WITH_STATE, ["new-secret", "hush"], SIGNED_AT, max_age=300)


def test_uppercase_hex_is_accepted():
    params = {**WITH_STATE, "hmac": WITH_STATE["hmac"].upper()}
    assert verify_callback_hmac(params, ["hush"], SIGNED_AT, max_age=300) is True


@pytest.mark.parametrize(
    ("seconds_later", "expected"), [(0, True), (300, True), (301, False), (-301, False)]
)
def test_timestamp_freshness_uses_the_injected_clock(seconds_later, expected):
    now = datetime.fromtimestamp(1337178173 + seconds_later, UTC)
    assert verify_callback_hmac(WITH_STATE, ["hush"], now, max_age=300) is expected


@pytest.mark.parametrize("missing", ["hmac", "timestamp"])
def test_missing_hmac_or_timestamp_fails(missing):
    params = {k: v for k, v in WITH_STATE.items() if k != missing}
    assert verify_callback_hmac(params, ["hush"], SIGNED_AT, max_age=300) is False


def test_delimiters_in_values_cannot_forge_another_message():
    # Without escaping, {"a": "1&b=2"} and {"a": "1", "b": "2"} would sign the same text.
    assert callback_message({"a": "1&b=2"}) == "a=1%26b=2"
    assert callback_message({"a": "1", "b": "2"}) == "a=1&b=2"


# --- webhooks --------------------------------------------------------------------------------

BODY = b'{"inventory_item_id":271878346596884015,"location_id":24826418,"available":6}'
GOOD = base64.b64encode(hmac.new(b"hush", BODY, hashlib.sha256).digest()).decode()


def test_webhook_hmac_is_base64_of_raw_body():
    assert webhook_hmac(BODY, "hush") == GOOD


@pytest.mark.parametrize("header", ["X-Shopify-Hmac-Sha256", "x-shopify-hmac-sha256",
                                    "Shopify-Hmac-Sha256", "shopify-hmac-sha256"])
def test_both_header_spellings_are_read(header):
    headers = {header: GOOD, "Content-Type": "application/json"}
    assert shopify_header(headers, "Hmac-Sha256") == GOOD
    assert verify_webhook_hmac(BODY, shopify_header(headers, "Hmac-Sha256"), ["hush"]) is True


def test_prefixed_header_wins_when_both_are_sent():
    headers = {"shopify-topic": "b", "X-Shopify-Topic": "a"}
    assert shopify_header(headers, "Topic") == "a"


def test_webhook_with_changed_body_fails():
    assert verify_webhook_hmac(BODY.replace(b"6}", b"7}"), GOOD, ["hush"]) is False


def test_webhook_signed_with_previous_secret_passes():
    assert verify_webhook_hmac(BODY, GOOD, ["rotated", "hush"]) is True
    assert verify_webhook_hmac(BODY, GOOD, ["rotated"]) is False


@pytest.mark.parametrize("header", [None, "", "not base64!!", "ŝ", GOOD[:-4]])
def test_missing_or_garbled_webhook_signature_fails(header):
    assert verify_webhook_hmac(BODY, header, ["hush"]) is False
