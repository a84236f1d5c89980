"""Shopify's identifiers: shop domains, GIDs, pagination cursors and stable seeds."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

SHOP_DOMAIN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-]*\.myshopify\.com$")
MYSHOPIFY_SUFFIX = ".myshopify.com"


def is_valid_shop(shop: str) -> bool:
    return bool(SHOP_DOMAIN.fullmatch(shop))


def shop_handle(shop: str) -> str:
    """`acme.myshopify.com` -> `acme`, the store name used in admin.shopify.com URLs."""
    return shop[: -len(MYSHOPIFY_SUFFIX)]


def stable_seed(*parts: object) -> int:
    """A seed that is the same in every process (unlike hash(), which is salted per process)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def gid(kind: str, number: int, **query: int) -> str:
    suffix = "".join(f"?{k}={v}" for k, v in query.items())
    return f"gid://shopify/{kind}/{number}{suffix}"


def parse_gid(value: str | int, kind: str) -> int | None:
    """The number in `gid://shopify/{kind}/123` (or a bare number); None if it is not one."""
    if isinstance(value, int):
        return value
    text = str(value)
    if text.isdigit():
        return int(text)
    prefix = f"gid://shopify/{kind}/"
    if not text.startswith(prefix):
        return None
    number = text[len(prefix) :].split("?", 1)[0]
    return int(number) if number.isdigit() else None


def encode_cursor(item_id: int) -> str:
    # Shopify cursors are base64 JSON of the sort key; clients must treat them as opaque.
    raw = json.dumps({"last_id": item_id, "last_value": str(item_id)}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> int | None:
    try:
        payload = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return int(payload["last_id"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
