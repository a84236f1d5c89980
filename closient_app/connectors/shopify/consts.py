"""Shopify constants: the pinned API version, what we ask for, and which topics we subscribe."""

from __future__ import annotations

API_VERSION = "2026-07"
REAL_SHOP_BASE_URL = "https://{shop}"  # the sandbox swaps this for its own base URL

# read_locations is needed for the locations query and the locations/* webhooks.
REQUIRED_SCOPES = ("read_products", "read_inventory", "read_locations")

ACCESS_TOKEN_HEADER = "X-Shopify-Access-Token"  # noqa: S105 (a header name, not a secret)

# Shopify's own libraries accept 90 s (JS) to 24 h (Python). The redirect follows the approval
# within seconds; five minutes leaves room for clock skew. `state` (single use) stops replays.
CALLBACK_MAX_AGE_SECONDS = 300

# The largest requested cost a single query may have, and the standard plan's refill rate.
MAX_QUERY_COST = 1000
STANDARD_RESTORE_RATE = 100

# Webhook topic as delivered in the Topic header -> the GraphQL enum to subscribe it.
SUBSCRIBED_TOPICS: dict[str, str] = {
    "inventory_levels/update": "INVENTORY_LEVELS_UPDATE",
    "inventory_levels/connect": "INVENTORY_LEVELS_CONNECT",
    "inventory_levels/disconnect": "INVENTORY_LEVELS_DISCONNECT",
    "inventory_items/update": "INVENTORY_ITEMS_UPDATE",
    "products/create": "PRODUCTS_CREATE",
    "products/update": "PRODUCTS_UPDATE",
    "products/delete": "PRODUCTS_DELETE",
    "locations/create": "LOCATIONS_CREATE",
    "locations/update": "LOCATIONS_UPDATE",
    "locations/delete": "LOCATIONS_DELETE",
    "app/uninstalled": "APP_UNINSTALLED",
}

# Mandatory privacy topics: configured in the app's settings at Shopify, never via the API,
# but delivered to the same receiver and parsed like the others.
PRIVACY_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")
