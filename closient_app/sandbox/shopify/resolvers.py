"""Field resolvers of the object types, and the binding of every resolver to the schema.

Model objects double as GraphQL sources: a `Variant` is both a ProductVariant and its
InventoryItem, a `Location` is also its LocationAddress, a `LevelRef` is an InventoryLevel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema

from .catalog import Catalog, Location, Product, Variant
from .context import context_of, require_scope
from .ids import gid, parse_gid
from .pagination import paginate
from .root_fields import MUTATION_RESOLVERS, QUERY_RESOLVERS
from .store import BulkOperation, WebhookSubscription

# Quantity names Shopify knows; the sandbox keeps everything but `available` at zero,
# so `on_hand` equals `available`.
QUANTITY_NAMES = (
    "available",
    "committed",
    "damaged",
    "incoming",
    "on_hand",
    "quality_control",
    "reserved",
    "safety_stock",
)


class LevelRef(NamedTuple):
    """The inventory level of one variant's item at one location (by location index)."""

    variant: Variant
    index: int
    location: Location


def levels_of(catalog: Catalog, variant: Variant) -> list[LevelRef]:
    return [LevelRef(variant, i, loc) for i, loc in enumerate(catalog.locations)]


def _variants(product: Product, info: Any, **args: Any) -> dict[str, Any]:
    return paginate(
        product.variants, [v.id for v in product.variants], args, unbounded=context_of(info).bulk
    )


def _inventory_levels(variant: Variant, info: Any, **args: Any) -> dict[str, Any]:
    context = require_scope(info, "read_inventory")
    levels = levels_of(context.catalog, variant)
    return paginate(levels, [level.location.id for level in levels], args, unbounded=context.bulk)


def _inventory_level(variant: Variant, info: Any, locationId: str) -> LevelRef | None:  # noqa: N803
    context = require_scope(info, "read_inventory")
    location_id = parse_gid(locationId, "Location")
    index = context.catalog.location_index_by_id.get(location_id or -1)
    return None if index is None else LevelRef(variant, index, context.catalog.locations[index])


def _quantities(level: LevelRef, info: Any, names: list[str]) -> list[dict[str, Any]]:
    unknown = [n for n in names if n not in QUANTITY_NAMES]
    if unknown:
        raise GraphQLError(
            f"Invalid quantity names: {', '.join(unknown)}. Valid names are: "
            f"{', '.join(QUANTITY_NAMES)}."
        )
    available = level.variant.available[level.index]
    item_id = level.variant.inventory_item_id
    return [
        {
            "id": f"gid://shopify/InventoryQuantity/{level.location.id}"
            f"?inventory_item_id={item_id}&name={name}",
            "name": name,
            "quantity": available if name in ("available", "on_hand") else 0,
            "updatedAt": level.variant.level_timestamp(level.index),
        }
        for name in names
    ]


def _attr(name: str) -> Callable[[Any, Any], Any]:
    return lambda source, _info: getattr(source, name)


TYPE_RESOLVERS: dict[str, dict[str, Callable[..., Any]]] = {
    "Shop": {
        "id": lambda c, _: gid("Shop", c.shop_id),
        "name": _attr("name"),
        "email": lambda c, _: f"owner@{c.shop}",
        "myshopifyDomain": _attr("shop"),
        "url": lambda c, _: f"https://{c.shop}",
        "currencyCode": lambda c, _: "USD",
        "ianaTimezone": lambda c, _: "Etc/UTC",
        "createdAt": _attr("created_at"),
    },
    "Product": {
        "id": lambda p, _: gid("Product", p.id),
        "title": _attr("title"),
        "handle": _attr("handle"),
        "vendor": _attr("vendor"),
        "productType": _attr("product_type"),
        "status": _attr("status"),
        "createdAt": _attr("created_at"),
        "updatedAt": _attr("updated_at"),
        "variants": _variants,
    },
    "ProductVariant": {
        "id": lambda v, _: gid("ProductVariant", v.id),
        "title": _attr("title"),
        "position": _attr("position"),
        "sku": _attr("sku"),
        "barcode": _attr("barcode"),
        "price": _attr("price"),
        "updatedAt": _attr("updated_at"),
        "product": _attr("product"),
        "inventoryItem": lambda v, _: v,
    },
    "InventoryItem": {
        "id": lambda v, _: gid("InventoryItem", v.inventory_item_id),
        "sku": _attr("sku"),
        "tracked": _attr("tracked"),
        "updatedAt": _attr("updated_at"),
        "variant": lambda v, _: v,
        "inventoryLevels": _inventory_levels,
        "inventoryLevel": _inventory_level,
    },
    "InventoryLevel": {
        "id": lambda lv, _: gid(
            "InventoryLevel", lv.location.id, inventory_item_id=lv.variant.inventory_item_id
        ),
        "location": lambda lv, _: lv.location,
        "item": lambda lv, _: lv.variant,
        "updatedAt": lambda lv, _: lv.variant.level_timestamp(lv.index),
        "quantities": _quantities,
    },
    "Location": {
        "id": lambda loc, _: gid("Location", loc.id),
        "name": _attr("name"),
        "isActive": _attr("is_active"),
        "createdAt": _attr("created_at"),
        "updatedAt": _attr("updated_at"),
        "address": lambda loc, _: loc,
    },
    "LocationAddress": {
        "address1": _attr("address1"),
        "address2": _attr("address2"),
        "city": _attr("city"),
        "zip": _attr("zip"),
        "province": _attr("province"),
        "provinceCode": _attr("province_code"),
        "country": _attr("country_name"),
        "countryCode": _attr("country_code"),
        "phone": _attr("phone"),
        "latitude": _attr("latitude"),
        "longitude": _attr("longitude"),
    },
    "WebhookSubscription": {
        "id": lambda s, _: webhook_subscription_gid(s),
        "topic": _attr("topic"),
        "uri": _attr("uri"),
        "format": _attr("format"),
        "apiVersion": lambda s, _: {"handle": s.api_version},
        "createdAt": _attr("created_at"),
        "updatedAt": _attr("updated_at"),
    },
    "BulkOperation": {
        "id": lambda op, _: bulk_operation_gid(op),
        "status": _attr("status"),
        "errorCode": _attr("error_code"),
        "type": lambda op, _: "QUERY",
        "query": _attr("query"),
        "objectCount": lambda op, _: str(op.object_count),
        "rootObjectCount": lambda op, _: str(op.root_object_count),
        "fileSize": lambda op, _: None if op.jsonl is None else str(len(op.jsonl)),
        "url": _attr("url"),
        "partialDataUrl": lambda op, _: None,
        "createdAt": _attr("created_at"),
        "completedAt": _attr("completed_at"),
    },
}


def webhook_subscription_gid(subscription: WebhookSubscription) -> str:
    return gid("WebhookSubscription", subscription.id)


def bulk_operation_gid(operation: BulkOperation) -> str:
    return gid("BulkOperation", operation.id)


def bind_resolvers(schema: GraphQLSchema) -> None:
    resolvers = {**TYPE_RESOLVERS, "QueryRoot": QUERY_RESOLVERS, "Mutation": MUTATION_RESOLVERS}
    for type_name, fields in resolvers.items():
        graphql_type = schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType)
        for field_name, resolve in fields.items():
            graphql_type.fields[field_name].resolve = resolve
