"""Simulated store activity: each kind changes the shop's state first (so a later GraphQL read
agrees), then publishes the matching webhook topic to every subscribed app."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from . import payloads
from .catalog import Catalog, Location, Variant
from .deliveries import Delivery, rest_topic
from .generator import generate_product, iso
from .ids import parse_gid, stable_seed
from .store import SandboxStore, ShopState

DEFAULT_API_VERSION = "2026-07"
LOCATION_FIELDS = (
    "name",
    "address1",
    "address2",
    "city",
    "zip",
    "province",
    "province_code",
    "country_code",
    "country_name",
    "phone",
    "latitude",
    "longitude",
    "is_active",
)


class ActivityError(ValueError):
    """A simulation request that cannot apply to this shop (answered with HTTP 400)."""


def simulate(store: SandboxStore, shop: str, body: dict[str, Any]) -> dict[str, Any]:
    handler = HANDLERS.get(str(body.get("kind")))
    if handler is None:
        raise ActivityError(f"kind must be one of: {', '.join(HANDLERS)}")
    topic, payload, deliveries = handler(store, store.shop(shop), body)
    return {
        "kind": body["kind"],
        "topic": topic,
        "payload": payload,
        "deliveries": [
            {"webhook_id": d.webhook_id, "uri": d.uri, "client_id": d.client_id} for d in deliveries
        ],
    }


Outcome = tuple[str, dict[str, Any], list[Delivery]]


def _inventory_change(sign: int) -> Callable[[SandboxStore, ShopState, dict[str, Any]], Outcome]:
    def change(store: SandboxStore, state: ShopState, body: dict[str, Any]) -> Outcome:
        catalog = state.catalog
        variant, (index, location) = pick_variant(catalog, body), pick_location(catalog, body)
        quantity = int(body.get("quantity", 1))
        if quantity <= 0:
            raise ActivityError("quantity must be a positive integer")
        if not variant.tracked:  # Shopify does not count stock of untracked items
            raise ActivityError("that variant's inventory is not tracked; pick a tracked one")
        variant.available[index] += sign * quantity
        variant.level_updated_at = {**(variant.level_updated_at or {}), index: _now(store)}
        payload = payloads.inventory_level(variant, location, index)
        return (
            "inventory_levels/update",
            payload,
            store.webhooks.publish(catalog.shop, "INVENTORY_LEVELS_UPDATE", payload),
        )

    return change


def price_change(store: SandboxStore, state: ShopState, body: dict[str, Any]) -> Outcome:
    variant = pick_variant(state.catalog, body)
    try:
        price = Decimal(str(body["price"]))
    except (KeyError, InvalidOperation) as error:
        raise ActivityError('price must be a decimal string such as "12.99"') from error
    variant.price = f"{price:.2f}"
    variant.updated_at = variant.product.updated_at = _now(store)
    return _product_event(store, state, "PRODUCTS_UPDATE", payloads.product(variant.product))


def product_created(store: SandboxStore, state: ShopState, body: dict[str, Any]) -> Outcome:
    catalog = state.catalog
    rng = random.Random(stable_seed(catalog.seed, "created", catalog.next_product_id))  # noqa: S311
    count = int(body.get("variants") or rng.randint(1, catalog.size.max_variants_per_product))
    product = generate_product(rng, catalog, count, {p.handle for p in catalog.products})
    product.title = str(body.get("title") or product.title)
    product.created_at = product.updated_at = _now(store)
    for variant in product.variants:
        variant.updated_at = product.updated_at
    catalog.add_product(product)
    return _product_event(store, state, "PRODUCTS_CREATE", payloads.product(product))


def product_deleted(store: SandboxStore, state: ShopState, body: dict[str, Any]) -> Outcome:
    catalog = state.catalog
    if not catalog.products:
        raise ActivityError("the shop has no products left")
    product_id = parse_gid(body.get("product_id", catalog.product_ids[-1]), "Product")
    if product_id is None or catalog.remove_product(product_id) is None:
        raise ActivityError(f"no product {body.get('product_id')}")
    return _product_event(store, state, "PRODUCTS_DELETE", payloads.product_deleted(product_id))


def location_edited(store: SandboxStore, state: ShopState, body: dict[str, Any]) -> Outcome:
    _, location = pick_location(state.catalog, body)
    changes = body.get("changes") or {}
    unknown = set(changes) - set(LOCATION_FIELDS)
    if unknown:
        raise ActivityError(f"unknown location fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(location, name, value)
    location.updated_at = _now(store)
    payload = payloads.location(location)
    return (
        "locations/update",
        payload,
        store.webhooks.publish(state.catalog.shop, "LOCATIONS_UPDATE", payload),
    )


def app_uninstalled(store: SandboxStore, state: ShopState, body: dict[str, Any]) -> Outcome:
    shop = state.catalog.shop
    client_id = pick_app(store, shop, body)
    payload = payloads.shop(state.catalog)
    deliveries = store.webhooks.publish(shop, "APP_UNINSTALLED", payload, client_ids={client_id})
    # After the notice the app's access is gone, as are its subscriptions and bulk results.
    store.tokens.revoke(shop=shop, client_id=client_id)
    state.subscriptions = {k: s for k, s in state.subscriptions.items() if s.client_id != client_id}
    state.bulk_operations.pop(client_id, None)
    store.buckets.pop((shop, client_id), None)
    return "app/uninstalled", payload, deliveries


def _privacy(
    topic: str, build: Callable[[Catalog, int], dict[str, Any]]
) -> Callable[[SandboxStore, ShopState, dict[str, Any]], Outcome]:
    def send(store: SandboxStore, state: ShopState, body: dict[str, Any]) -> Outcome:
        if not body.get("uri"):
            raise ActivityError("privacy topics go to the app's compliance URI: give `uri`")
        client_id = pick_app(store, state.catalog.shop, body)
        payload = build(state.catalog, int(body.get("customer_id", 7_100_000_001)))
        delivery = store.webhooks.send(
            state.catalog.shop,
            topic,
            payload,
            uri=str(body["uri"]),
            client_id=client_id,
            api_version=str(body.get("api_version", DEFAULT_API_VERSION)),
        )
        return topic, payload, [delivery]

    return send


def _product_event(
    store: SandboxStore, state: ShopState, topic: str, payload: dict[str, Any]
) -> Outcome:
    return rest_topic(topic), payload, store.webhooks.publish(state.catalog.shop, topic, payload)


def pick_variant(catalog: Catalog, body: dict[str, Any]) -> Variant:
    if "variant_id" in body:
        variant = catalog.variant_by_id.get(parse_gid(body["variant_id"], "ProductVariant") or -1)
    elif "sku" in body:
        variant = next((v for v in catalog.variants if v.sku == body["sku"]), None)
    else:  # default: the first tracked variant, a stable choice for demos
        variant = next((v for v in catalog.variants if v.tracked), None)
    if variant is None:
        raise ActivityError("no such variant")
    return variant


def pick_location(catalog: Catalog, body: dict[str, Any]) -> tuple[int, Location]:
    if "location_id" not in body:
        return 0, catalog.locations[0]
    index = catalog.location_index_by_id.get(parse_gid(body["location_id"], "Location") or -1)
    if index is None:
        raise ActivityError("no such location")
    return index, catalog.locations[index]


def pick_app(store: SandboxStore, shop: str, body: dict[str, Any]) -> str:
    if body.get("client_id"):
        if body["client_id"] not in store.config.apps:
            raise ActivityError("unknown client_id")
        return str(body["client_id"])
    installed = store.tokens.installed_apps(shop) or set(store.config.apps)
    if len(installed) != 1:
        raise ActivityError("several apps could be meant: give `client_id`")
    return next(iter(installed))


def _now(store: SandboxStore) -> str:
    return iso(store.config.clock())


HANDLERS: dict[str, Callable[[SandboxStore, ShopState, dict[str, Any]], Outcome]] = {
    "sale": _inventory_change(-1),
    "restock": _inventory_change(+1),
    "price_change": price_change,
    "product_created": product_created,
    "product_deleted": product_deleted,
    "location_edited": location_edited,
    "app_uninstalled": app_uninstalled,
    "customers_data_request": _privacy("customers/data_request", payloads.customers_data_request),
    "customers_redact": _privacy("customers/redact", payloads.customers_redact),
    "shop_redact": _privacy("shop/redact", lambda catalog, _id: payloads.shop_redact(catalog)),
}
