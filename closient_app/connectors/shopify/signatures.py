"""Shopify's HMAC signatures: OAuth callbacks (hex over sorted params) and webhooks (base64).

Every check tries each secret (current and previous client secret during a rotation) and
compares in constant time, so a forger learns nothing from how long a rejection takes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import datetime


def shopify_header(headers: Mapping[str, str], name: str) -> str | None:
    """Read `X-Shopify-<name>` or the newer unprefixed `shopify-<name>`, case-insensitively."""
    wanted = (f"x-shopify-{name}".lower(), f"shopify-{name}".lower())
    found: dict[str, str] = {}
    for key, value in headers.items():
        lowered = key.lower()
        if lowered in wanted and lowered not in found:
            found[lowered] = value
    for key in wanted:  # the prefixed spelling wins when a sender sends both
        if key in found:
            return found[key]
    return None


def callback_message(params: Mapping[str, str]) -> str:
    """The signed text: params except `hmac`/`signature`, sorted, `k=v` joined with `&`.

    Delimiters inside keys and values are escaped as Shopify's Python library does, so
    moving an `&` or `=` between parameters cannot produce the same message.
    """
    pairs = []
    for key, value in params.items():
        if key in ("hmac", "signature"):
            continue
        safe_key = str(key).replace("%", "%25").replace("=", "%3D").replace("&", "%26")
        safe_value = str(value).replace("%", "%25").replace("&", "%26")
        pairs.append((safe_key, safe_value))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def callback_hmac(params: Mapping[str, str], secret: str) -> str:
    """Lowercase hex HMAC-SHA256 of the callback message (what Shopify puts in `hmac`)."""
    message = callback_message(params).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_callback_hmac(
    params: Mapping[str, str],
    secrets: Iterable[str],
    now: datetime,
    max_age: float,
) -> bool:
    """True when some secret signed `params` and `timestamp` is within `max_age` s of `now`."""
    given = params.get("hmac")
    if not given or not isinstance(given, str) or not given.isascii():
        return False
    matched = False
    for secret in secrets:
        if not secret:
            continue
        expected = callback_hmac(params, secret)
        # No early exit: each secret costs the same whether or not an earlier one matched.
        matched |= hmac.compare_digest(expected.encode(), given.lower().encode())
    return matched and _is_fresh(params.get("timestamp"), now, max_age)


def _is_fresh(timestamp: str | None, now: datetime, max_age: float) -> bool:
    if timestamp is None or not timestamp.isdigit():
        return False
    return abs(now.timestamp() - int(timestamp)) <= max_age


def webhook_hmac(raw_body: bytes, secret: str) -> str:
    """Base64 HMAC-SHA256 of the raw body (what Shopify puts in the Hmac-Sha256 header)."""
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_webhook_hmac(raw_body: bytes, header_b64: str | None, secrets: Iterable[str]) -> bool:
    """True when some secret produced `header_b64` over exactly these bytes."""
    if not header_b64:
        return False
    try:
        given = base64.b64decode(header_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    matched = False
    for secret in secrets:
        if not secret:
            continue
        expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
        matched |= hmac.compare_digest(expected, given)
    return matched
