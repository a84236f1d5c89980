"""What the admin routes answer about a shop, and how they read a requested shop size."""

from __future__ import annotations

from typing import Any

from .catalog import Catalog, ShopSize
from .ids import gid
from .store import SandboxStore

MAX_VARIANTS = 1_000_000
MAX_LOCATIONS = 200


def requested_size(store: SandboxStore, body: dict[str, Any]) -> ShopSize:
    default = store.default_size()
    variants = body.get("variants")
    products = None if variants is not None else body.get("products", default.products)
    size = ShopSize(
        products=None if products is None else int(products),
        variants=None if variants is None else int(variants),
        max_variants_per_product=int(
            body.get("variants_per_product", default.max_variants_per_product)
        ),
        locations=int(body.get("locations", default.locations)),
    )
    total = (
        size.variants
        if size.variants is not None
        else (size.products or 0) * size.max_variants_per_product
    )
    if (
        not 0 <= total <= MAX_VARIANTS
        or not 1 <= size.locations <= MAX_LOCATIONS
        or size.max_variants_per_product < 1
    ):
        raise ValueError(
            f"sizes out of range (variants <= {MAX_VARIANTS}, 1 <= locations <= {MAX_LOCATIONS})"
        )
    return size


def expected_catalog(catalog: Catalog) -> dict[str, Any]:
    """What a correct sync of this shop must end up with, variant by variant."""
    location_gids = [gid("Location", loc.id) for loc in catalog.locations]
    return {
        "locations": [
            {
                "id": gid("Location", loc.id),
                "name": loc.name,
                "address1": loc.address1,
                "address2": loc.address2,
                "city": loc.city,
                "zip": loc.zip,
                "province": loc.province,
                "province_code": loc.province_code,
                "country_code": loc.country_code,
                "phone": loc.phone,
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "is_active": loc.is_active,
            }
            for loc in catalog.locations
        ],
        "variants": [
            {
                "variant_id": gid("ProductVariant", v.id),
                "product_id": gid("Product", v.product.id),
                "inventory_item_id": gid("InventoryItem", v.inventory_item_id),
                "title": v.title,
                "product_title": v.product.title,
                "vendor": v.product.vendor,
                "status": v.product.status,
                "sku": v.sku,
                "barcode": v.barcode,
                "price": v.price,
                "tracked": v.tracked,
                "available": dict(zip(location_gids, v.available, strict=True)),
            }
            for v in catalog.variants
        ],
    }


def describe_shop(
    store: SandboxStore, domain: str, *, with_catalog: bool = False
) -> dict[str, Any]:
    """Sizes, counts, installs, subscriptions and bulk exports of a shop; optionally its
    expected catalog."""
    state = store.shop(domain)
    catalog = state.catalog
    summary: dict[str, Any] = {
        "shop": catalog.shop,
        "name": catalog.name,
        "size": catalog.size.__dict__,
        "counts": catalog.counts(),
        "installed_apps": sorted(store.tokens.installed_apps(catalog.shop)),
        "subscriptions": [
            {
                "id": gid("WebhookSubscription", s.id),
                "topic": s.topic,
                "uri": s.uri,
                "client_id": s.client_id,
            }
            for s in state.subscriptions.values()
        ],
        # Every bulk export run on this shop, oldest first (a client's retries show here).
        "bulk_operations": [
            {
                "id": gid("BulkOperation", op.id),
                "client_id": op.client_id,
                "status": op.status,
                "created_at": op.created_at,
                "completed_at": op.completed_at,
            }
            for op in sorted(store.bulk_by_key.values(), key=lambda op: op.id)
            if op.shop == catalog.shop
        ],
    }
    if with_catalog:
        summary["catalog"] = expected_catalog(catalog)
    return summary
