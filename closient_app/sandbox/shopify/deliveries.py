"""One webhook delivery: what was sent where, each try's outcome, and the headers Shopify sets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .config import HeaderStyle
from .signing import sign_webhook

USER_AGENT = "Shopify-Captain-Hook"


def rest_topic(enum_topic: str) -> str:
    """INVENTORY_LEVELS_UPDATE -> inventory_levels/update."""
    resource, _, action = enum_topic.lower().rpartition("_")
    return f"{resource}/{action}"


@dataclass
class Delivery:
    webhook_id: str
    event_id: str
    topic: str  # REST form, as in the Topic header
    shop: str
    uri: str
    client_id: str
    api_version: str
    triggered_at: str
    body: bytes
    subscription_id: int | None
    duplicate: bool = False
    state: str = "pending"  # pending | delivered | failed
    attempts: list[dict[str, Any]] = field(default_factory=list)
    subscription_deleted: bool = False

    def summary(self) -> dict[str, Any]:
        return {
            "webhook_id": self.webhook_id,
            "event_id": self.event_id,
            "topic": self.topic,
            "shop": self.shop,
            "uri": self.uri,
            "client_id": self.client_id,
            "api_version": self.api_version,
            "triggered_at": self.triggered_at,
            "duplicate": self.duplicate,
            "state": self.state,
            "attempts": self.attempts,
            "subscription_deleted": self.subscription_deleted,
            "payload": json.loads(self.body),
        }


def delivery_headers(delivery: Delivery, client_secret: str, style: HeaderStyle) -> dict[str, str]:
    """Every header Shopify sends, as `X-Shopify-Topic` or as the newer `shopify-topic`."""
    values = {
        "Topic": delivery.topic,
        "Hmac-Sha256": sign_webhook(delivery.body, client_secret),
        "Shop-Domain": delivery.shop,
        "API-Version": delivery.api_version,
        "Webhook-Id": delivery.webhook_id,
        "Event-Id": delivery.event_id,
        "Triggered-At": delivery.triggered_at,
    }
    if style == "shopify":
        named = {f"shopify-{k.lower()}": v for k, v in values.items()}
    else:
        named = {f"X-Shopify-{k}": v for k, v in values.items()}
    return {"Content-Type": "application/json", "User-Agent": USER_AGENT, **named}
