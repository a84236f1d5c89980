"""QueryRoot and Mutation fields, each checking the access scope Shopify requires for it.

The `query:` search argument of products/productVariants/inventoryItems is accepted but not
applied: the sandbox answers the unfiltered list, a superset of what Shopify would return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from graphql import GraphQLResolveInfo

from .bulk import run_query_mutation
from .context import context_of, require_scope
from .generator import iso
from .ids import gid, parse_gid
from .pagination import paginate
from .store import WebhookSubscription

# Subscribing to a topic needs the scope that reads its resource.
TOPIC_SCOPES = {
    "INVENTORY_LEVELS": "read_inventory",
    "INVENTORY_ITEMS": "read_inventory",
    "PRODUCTS": "read_products",
    "LOCATIONS": "read_locations",
}

Info = GraphQLResolveInfo


def products(_: Any, info: Info, **args: Any) -> dict[str, Any]:
    context = require_scope(info, "read_products")
    catalog = context.catalog
    return paginate(catalog.products, catalog.product_ids, args, unbounded=context.bulk)


def product(_: Any, info: Info, id: str) -> Any:  # noqa: A002 - GraphQL argument name
    catalog = require_scope(info, "read_products").catalog
    return catalog.product_by_id.get(parse_gid(id, "Product") or -1)


def product_variants(_: Any, info: Info, **args: Any) -> dict[str, Any]:
    context = require_scope(info, "read_products")
    catalog = context.catalog
    return paginate(catalog.variants, catalog.variant_ids, args, unbounded=context.bulk)


def product_variant(_: Any, info: Info, id: str) -> Any:  # noqa: A002
    catalog = require_scope(info, "read_products").catalog
    return catalog.variant_by_id.get(parse_gid(id, "ProductVariant") or -1)


def inventory_items(_: Any, info: Info, **args: Any) -> dict[str, Any]:
    context = require_scope(info, "read_inventory")
    catalog = context.catalog
    return paginate(catalog.variants, catalog.item_ids, args, unbounded=context.bulk)


def inventory_item(_: Any, info: Info, id: str) -> Any:  # noqa: A002
    catalog = require_scope(info, "read_inventory").catalog
    return catalog.variant_by_item_id.get(parse_gid(id, "InventoryItem") or -1)


def locations(_: Any, info: Info, includeInactive: bool = False, **args: Any) -> Any:  # noqa: N803
    context = require_scope(info, "read_locations")
    shown = [loc for loc in context.catalog.locations if includeInactive or loc.is_active]
    return paginate(shown, [loc.id for loc in shown], args, unbounded=context.bulk)


def location(_: Any, info: Info, id: str | None = None) -> Any:  # noqa: A002
    catalog = require_scope(info, "read_locations").catalog
    if id is None:  # Shopify answers the shop's primary location
        return catalog.locations[0] if catalog.locations else None
    return catalog.location(parse_gid(id, "Location") or -1)


def webhook_subscriptions(
    _: Any, info: Info, topics: list[str] | None = None, **args: Any
) -> dict[str, Any]:
    context = context_of(info)
    mine = sorted(
        (
            s
            for s in context.shop_state.subscriptions.values()
            if s.client_id == context.client_id and (not topics or s.topic in topics)
        ),
        key=lambda s: s.id,
    )
    return paginate(mine, [s.id for s in mine], args, unbounded=context.bulk)


def current_bulk_operation(_: Any, info: Info, type: str = "QUERY") -> Any:  # noqa: A002
    context = context_of(info)
    return context.shop_state.bulk_operations.get(context.client_id) if type == "QUERY" else None


def webhook_subscription_create(
    _: Any, info: Info, topic: str, webhookSubscription: dict[str, Any]
) -> dict[str, Any]:  # noqa: N803
    context = context_of(info)
    uri = webhookSubscription.get("uri") or webhookSubscription.get("callbackUrl") or ""
    needed = TOPIC_SCOPES.get(topic.rsplit("_", 1)[0])
    problem = None
    if urlsplit(uri).scheme not in ("http", "https") or not urlsplit(uri).netloc:
        problem = (["webhookSubscription", "callbackUrl"], "Address is invalid")
    elif webhookSubscription.get("format", "JSON") != "JSON":
        problem = (["webhookSubscription", "format"], "Format must be JSON")
    elif needed and not context.has_scope(needed):
        problem = (
            ["topic"],
            f"Access denied for {topic}. Required access: `{needed}` access scope.",
        )
    elif any(
        s.topic == topic and s.uri == uri and s.client_id == context.client_id
        for s in context.shop_state.subscriptions.values()
    ):
        problem = (
            ["webhookSubscription", "callbackUrl"],
            "Address for this topic has already been taken",
        )
    if problem:
        return {
            "webhookSubscription": None,
            "userErrors": [{"field": problem[0], "message": problem[1]}],
        }
    now = iso(context.store.config.clock())
    subscription = WebhookSubscription(
        id=context.store.next_id(),
        shop=context.shop,
        client_id=context.client_id,
        topic=topic,
        uri=uri,
        format="JSON",
        api_version=context.api_version,
        created_at=now,
        updated_at=now,
    )
    context.shop_state.subscriptions[subscription.id] = subscription
    return {"webhookSubscription": subscription, "userErrors": []}


def webhook_subscription_delete(_: Any, info: Info, id: str) -> dict[str, Any]:  # noqa: A002
    context = context_of(info)
    number = parse_gid(id, "WebhookSubscription")
    subscription = context.shop_state.subscriptions.get(number or -1)
    if subscription is None or subscription.client_id != context.client_id:
        return {
            "deletedWebhookSubscriptionId": None,
            "userErrors": [{"field": ["id"], "message": "Webhook subscription does not exist"}],
        }
    del context.shop_state.subscriptions[subscription.id]
    return {
        "deletedWebhookSubscriptionId": gid("WebhookSubscription", subscription.id),
        "userErrors": [],
    }


def _count(total: int, limit: int | None) -> dict[str, Any]:
    """Shopify's Count: capped at `limit` (default 10,000) with precision AT_LEAST beyond it."""
    if limit is not None and total > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": total, "precision": "EXACT"}


def counter(scope: str, size: Callable[[Any], int]) -> Callable[..., dict[str, Any]]:
    def count(_: Any, info: Info, limit: int | None = 10_000, **_args: Any) -> dict[str, Any]:
        return _count(size(require_scope(info, scope).catalog), limit)

    return count


QUERY_RESOLVERS: dict[str, Callable[..., Any]] = {
    "productsCount": counter("read_products", lambda c: len(c.products)),
    "productVariantsCount": counter("read_products", lambda c: len(c.variants)),
    "locationsCount": counter("read_locations", lambda c: len(c.locations)),
    "shop": lambda _, info: context_of(info).catalog,
    "products": products,
    "product": product,
    "productVariants": product_variants,
    "productVariant": product_variant,
    "inventoryItems": inventory_items,
    "inventoryItem": inventory_item,
    "locations": locations,
    "location": location,
    "webhookSubscriptions": webhook_subscriptions,
    "currentBulkOperation": current_bulk_operation,
}
MUTATION_RESOLVERS: dict[str, Callable[..., Any]] = {
    "webhookSubscriptionCreate": webhook_subscription_create,
    "webhookSubscriptionDelete": webhook_subscription_delete,
    "bulkOperationRunQuery": lambda _, info, query: run_query_mutation(context_of(info), query),
}
