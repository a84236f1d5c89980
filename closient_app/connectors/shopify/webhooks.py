"""Webhook subscriptions (GraphQL) and deliveries parsed into our events.

Parsing dispatches through a `{topic: parser}` table; a topic we do not know parses to None so
the receiver can still answer 200 (Shopify deletes subscriptions that keep failing).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from closient_app.connectors.interface import (
    AppUninstalled,
    InventoryItemChanged,
    InventoryLevelChanged,
    InventoryLevelDisconnected,
    LocationChanged,
    LocationDeleted,
    PosEvent,
    PosLocation,
    PosOffer,
    PosRequestRejected,
    PrivacyRequest,
    PrivacyRequestKind,
    ProductChanged,
    ProductDeleted,
    WebhookDelivery,
    WebhookSubscription,
)
from closient_app.connectors.money import to_minor_units
from closient_app.connectors.shopify import schemas
from closient_app.connectors.shopify.consts import SUBSCRIBED_TOPICS
from closient_app.connectors.shopify.graphql import AdminGraphQL
from closient_app.connectors.shopify.signatures import shopify_header
from closient_app.connectors.shopify.values import gid, is_active_status, parse_timestamp

SUBSCRIBE_MUTATION = """
mutation Subscribe($topic: WebhookSubscriptionTopic!, $subscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $subscription) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}"""

UNSUBSCRIBE_MUTATION = """
mutation Unsubscribe($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}"""

EXISTING_SUBSCRIPTIONS_QUERY = """
query ExistingSubscriptions($topic: WebhookSubscriptionTopic!) {
  webhookSubscriptions(first: 50, topics: [$topic]) { nodes { id topic uri } }
}"""

MUTATION_COST = 10


class MalformedWebhook(PosRequestRejected):
    """A correctly signed delivery we cannot read (missing id, body not in the topic's shape)."""


async def subscribe(gql: AdminGraphQL, receive_url: str) -> list[WebhookSubscription]:
    """Subscribe every topic we use to `receive_url` (JSON format)."""
    subscriptions = []
    for topic, enum in SUBSCRIBED_TOPICS.items():
        variables = {"topic": enum, "subscription": {"uri": receive_url, "format": "JSON"}}
        result = await gql.execute(SUBSCRIBE_MUTATION, variables, expected_cost=MUTATION_COST)
        payload = result.data["webhookSubscriptionCreate"]
        errors = _messages(payload)
        if "already been taken" in errors:  # a reconnect: keep the subscription we have
            subscription_id = await _existing_subscription(gql, enum, receive_url)
        elif errors:
            raise PosRequestRejected(f"subscribing {topic} failed: {errors}")
        else:
            subscription_id = str(payload["webhookSubscription"]["id"])
        subscriptions.append(WebhookSubscription(topic, subscription_id))
    return subscriptions


async def _existing_subscription(gql: AdminGraphQL, enum: str, receive_url: str) -> str:
    result = await gql.execute(EXISTING_SUBSCRIPTIONS_QUERY, {"topic": enum})
    for node in result.data["webhookSubscriptions"]["nodes"]:
        if node.get("uri") == receive_url:
            return str(node["id"])
    raise PosRequestRejected(f"Shopify says {enum} is subscribed, but not to {receive_url}")


async def unsubscribe(gql: AdminGraphQL, subscription_ids: Sequence[str]) -> None:
    for subscription_id in subscription_ids:
        result = await gql.execute(
            UNSUBSCRIBE_MUTATION, {"id": subscription_id}, expected_cost=MUTATION_COST
        )
        payload = result.data["webhookSubscriptionDelete"]
        errors = _messages(payload)
        # Already deleted (by Shopify after failures, or by an uninstall) is the goal reached.
        if errors and "not exist" not in errors.lower() and "not found" not in errors.lower():
            raise PosRequestRejected(f"unsubscribing {subscription_id} failed: {errors}")


def _messages(payload: Mapping[str, Any]) -> str:
    return "; ".join(str(e.get("message")) for e in payload.get("userErrors") or [])


# --- deliveries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    shop: str
    currency: str | None


def _inventory_level(body: dict, _: _Context) -> PosEvent:
    level = schemas.InventoryLevelPayload.model_validate(body)
    return InventoryLevelChanged(
        inventory_item_id=gid("InventoryItem", level.inventory_item_id),
        location_id=gid("Location", level.location_id),
        available=level.available,
        updated_at=parse_timestamp(level.updated_at),
    )


def _inventory_level_disconnected(body: dict, _: _Context) -> PosEvent:
    level = schemas.InventoryLevelPayload.model_validate(body)
    return InventoryLevelDisconnected(
        inventory_item_id=gid("InventoryItem", level.inventory_item_id),
        location_id=gid("Location", level.location_id),
        updated_at=parse_timestamp(level.updated_at),
    )


def _inventory_item(body: dict, _: _Context) -> PosEvent:
    item = schemas.InventoryItemPayload.model_validate(body)
    return InventoryItemChanged(
        inventory_item_id=gid("InventoryItem", item.id),
        sku=item.sku or None,
        tracked=item.tracked,
        updated_at=parse_timestamp(item.updated_at),
    )


def _product(body: dict, context: _Context) -> PosEvent:
    product = schemas.ProductPayload.model_validate(body)
    currency = context.currency or ""
    product_id = gid("Product", product.id)
    is_active = is_active_status(product.status)

    def row(variant: schemas.VariantPayload) -> PosOffer:
        times = [
            t
            for t in (parse_timestamp(variant.updated_at), parse_timestamp(product.updated_at))
            if t
        ]
        return PosOffer(
            external_product_id=product_id,
            external_variant_id=gid("ProductVariant", variant.id),
            inventory_item_id=(
                gid("InventoryItem", variant.inventory_item_id)
                if variant.inventory_item_id is not None
                else None
            ),
            title=product.title,
            variant_title=variant.title,
            vendor=product.vendor or None,
            sku=variant.sku or None,
            barcode=variant.barcode or None,
            price_amount=to_minor_units(variant.price, currency),
            currency=currency,
            tracked=None,  # not in this payload: inventory_items/update says
            is_active=is_active,
            updated_at=max(times) if times else None,
        )

    return ProductChanged(
        product_id=product_id,
        title=product.title,
        vendor=product.vendor or None,
        is_active=is_active,
        updated_at=parse_timestamp(product.updated_at),
        variants=tuple(row(v) for v in product.variants),
    )


def _product_deleted(body: dict, _: _Context) -> PosEvent:
    return ProductDeleted(product_id=gid("Product", schemas.DeletedPayload.model_validate(body).id))


def _location(body: dict, _: _Context) -> PosEvent:
    location = schemas.LocationPayload.model_validate(body)
    return LocationChanged(
        PosLocation(
            external_id=gid("Location", location.id),
            name=location.name,
            is_active=location.active,
            line1=location.address1 or None,
            line2=location.address2 or None,
            city=location.city or None,
            region=location.province_code or location.province or None,
            postal_code=location.zip or None,
            country=location.country_code or None,
            phone=location.phone or None,
            updated_at=parse_timestamp(location.updated_at),
        )
    )


def _location_deleted(body: dict, _: _Context) -> PosEvent:
    return LocationDeleted(gid("Location", schemas.DeletedPayload.model_validate(body).id))


def _app_uninstalled(body: dict, context: _Context) -> PosEvent:
    shop = schemas.ShopPayload.model_validate(body)
    return AppUninstalled(shop=shop.myshopify_domain or context.shop)


def _privacy(kind: PrivacyRequestKind) -> Callable[[dict, _Context], PosEvent]:
    def parse(body: dict, _: _Context) -> PosEvent:
        request = schemas.PrivacyPayload.model_validate(body)
        return PrivacyRequest(kind=kind, shop=request.shop_domain, payload=body)

    return parse


PARSERS: dict[str, Callable[[dict, _Context], PosEvent]] = {
    "inventory_levels/update": _inventory_level,
    "inventory_levels/connect": _inventory_level,
    "inventory_levels/disconnect": _inventory_level_disconnected,
    "inventory_items/update": _inventory_item,
    "products/create": _product,
    "products/update": _product,
    "products/delete": _product_deleted,
    "locations/create": _location,
    "locations/update": _location,
    "locations/delete": _location_deleted,
    "app/uninstalled": _app_uninstalled,
    "customers/data_request": _privacy(PrivacyRequestKind.CUSTOMER_DATA_REQUEST),
    "customers/redact": _privacy(PrivacyRequestKind.CUSTOMER_REDACT),
    "shop/redact": _privacy(PrivacyRequestKind.SHOP_REDACT),
}

NEEDS_CURRENCY = frozenset({"products/create", "products/update"})


def parse_delivery(
    headers: Mapping[str, str], raw_body: bytes, *, currency: str | None = None
) -> WebhookDelivery:
    """A verified delivery as a WebhookDelivery (its event None for a topic we do not use)."""
    topic = (shopify_header(headers, "Topic") or "").strip()
    webhook_id = (shopify_header(headers, "Webhook-Id") or "").strip()
    shop = (shopify_header(headers, "Shop-Domain") or "").strip()
    if not topic or not webhook_id:
        raise MalformedWebhook("delivery without a topic or webhook id")
    try:
        triggered_at = parse_timestamp(shopify_header(headers, "Triggered-At"))
    except ValueError:
        triggered_at = None  # informative only; ordering uses the payload's updated_at
    if topic in NEEDS_CURRENCY and not currency:
        raise ValueError(f"{topic} needs the shop's currency to convert prices")
    parser = PARSERS.get(topic)
    event = None
    if parser is not None:
        try:
            body = json.loads(raw_body)
            if not isinstance(body, dict):
                raise ValueError("body is not a JSON object")
            event = parser(body, _Context(shop=shop, currency=currency))
        except ValueError as exc:  # pydantic's ValidationError and bad JSON are ValueErrors
            raise MalformedWebhook(f"{topic} body not as documented: {exc}") from exc
    return WebhookDelivery(
        topic=topic, webhook_id=webhook_id, shop=shop, triggered_at=triggered_at, event=event
    )
