"""Shopify: OAuth, Admin GraphQL reads, webhooks. `ShopifyConnector` is the entry point."""

from closient_app.connectors.shopify.connector import ShopifyConnector
from closient_app.connectors.shopify.domain import normalize_shop_domain

__all__ = ["ShopifyConnector", "normalize_shop_domain"]
