"""Webhook bodies in Shopify's REST shape (snake_case, numeric ids, `admin_graphql_api_id`)."""

from __future__ import annotations

from typing import Any

from .catalog import Catalog, Location, Product, Variant
from .ids import gid


def inventory_level(variant: Variant, location: Location, index: int) -> dict[str, Any]:
    return {
        "inventory_item_id": variant.inventory_item_id,
        "location_id": location.id,
        "available": variant.available[index],
        "updated_at": variant.level_timestamp(index),
        "admin_graphql_api_id": gid(
            "InventoryLevel", location.id, inventory_item_id=variant.inventory_item_id
        ),
    }


def product(item: Product) -> dict[str, Any]:
    return {
        "admin_graphql_api_id": gid("Product", item.id),
        "id": item.id,
        "title": item.title,
        "handle": item.handle,
        "vendor": item.vendor,
        "product_type": item.product_type,
        "status": item.status.lower(),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "variants": [variant(v) for v in item.variants],
    }


def variant(item: Variant) -> dict[str, Any]:
    return {
        "admin_graphql_api_id": gid("ProductVariant", item.id),
        "id": item.id,
        "product_id": item.product.id,
        "title": item.title,
        "position": item.position,
        "sku": item.sku,
        "barcode": item.barcode,
        "price": item.price,
        "inventory_item_id": item.inventory_item_id,
        "inventory_quantity": sum(item.available),
        "updated_at": item.updated_at,
    }


def product_deleted(product_id: int) -> dict[str, Any]:
    return {"id": product_id}


def location(item: Location) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "address1": item.address1,
        "address2": item.address2,
        "city": item.city,
        "zip": item.zip,
        "province": item.province,
        "country": item.country_code,
        "phone": item.phone,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "country_code": item.country_code,
        "country_name": item.country_name,
        "province_code": item.province_code,
        "legacy": False,
        "active": item.is_active,
        "admin_graphql_api_id": gid("Location", item.id),
    }


def shop(catalog: Catalog) -> dict[str, Any]:
    """The Shop resource, the body of app/uninstalled."""
    return {
        "id": catalog.shop_id,
        "name": catalog.name,
        "email": f"owner@{catalog.shop}",
        "domain": catalog.shop,
        "myshopify_domain": catalog.shop,
        "currency": "USD",
        "iana_timezone": "Etc/UTC",
        "created_at": catalog.created_at,
    }


def customers_data_request(catalog: Catalog, customer_id: int) -> dict[str, Any]:
    return {
        "shop_id": catalog.shop_id,
        "shop_domain": catalog.shop,
        "orders_requested": [],
        "customer": {
            "id": customer_id,
            "email": f"customer{customer_id}@example.com",
            "phone": None,
        },
        "data_request": {"id": customer_id + 1},
    }


def customers_redact(catalog: Catalog, customer_id: int) -> dict[str, Any]:
    return {
        "shop_id": catalog.shop_id,
        "shop_domain": catalog.shop,
        "customer": {
            "id": customer_id,
            "email": f"customer{customer_id}@example.com",
            "phone": None,
        },
        "orders_to_redact": [],
    }


def shop_redact(catalog: Catalog) -> dict[str, Any]:
    return {"shop_id": catalog.shop_id, "shop_domain": catalog.shop}
