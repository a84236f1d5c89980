"""Shopify's value formats turned into ours: GIDs, timestamps, product status."""

from __future__ import annotations

from datetime import UTC, datetime

GID_PREFIX = "gid://shopify/"


def gid(kind: str, number: int | str) -> str:
    """`gid("InventoryItem", 456)` -> `gid://shopify/InventoryItem/456`.

    Webhooks carry numeric ids, GraphQL carries GIDs: we store GIDs, so both meet.
    """
    text = str(number)
    if not text.isdigit():
        raise ValueError(f"not a numeric Shopify id: {number!r}")
    return f"{GID_PREFIX}{kind}/{int(text)}"


def parse_timestamp(value: object) -> datetime | None:
    """ISO 8601 with offset (Shopify always sends one) -> aware UTC; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def is_active_status(status: object) -> bool:
    """Only ACTIVE products are for sale; DRAFT and ARCHIVED are not (None: assume active)."""
    return status is None or str(status).upper() == "ACTIVE"
