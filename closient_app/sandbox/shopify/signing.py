"""How Shopify signs what it sends to apps: the OAuth callback query and webhook bodies."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

UNSIGNED_PARAMS = frozenset({"hmac", "signature"})


def callback_message(params: Mapping[str, str]) -> str:
    """Sorted `key=value` pairs joined with `&`, without `hmac`/`signature`, values unescaped."""
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in UNSIGNED_PARAMS)


def sign_callback(params: Mapping[str, str], client_secret: str) -> str:
    """Lowercase hex HMAC-SHA256 of `callback_message(params)` with the app's client secret."""
    message = callback_message(params).encode()
    return hmac.new(client_secret.encode(), message, hashlib.sha256).hexdigest()


def sign_webhook(body: bytes, client_secret: str) -> str:
    """Base64 HMAC-SHA256 of the raw body: the `Hmac-Sha256` webhook header."""
    digest = hmac.new(client_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def admin_host_param(shop_name: str) -> str:
    """The `host` callback parameter: base64 of `admin.shopify.com/store/{name}`, unpadded.

    Shopify sends it without `=` padding, which also keeps the signed message free of
    characters that clients might escape differently.
    """
    raw = f"admin.shopify.com/store/{shop_name}".encode()
    return base64.b64encode(raw).decode().rstrip("=")
