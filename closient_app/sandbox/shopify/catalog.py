"""The catalog of one sandbox shop: locations, products, variants and per-location quantities.

Every variant has one inventory item (ids assigned in the same order) and one inventory level
at every location; `Variant.available[i]` is the quantity at `Catalog.locations[i]`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(slots=True, eq=False)
class Location:
    id: int
    name: str
    address1: str
    address2: str | None
    city: str
    zip: str
    province: str
    province_code: str
    country_code: str
    country_name: str
    phone: str
    latitude: float | None
    longitude: float | None
    created_at: str
    updated_at: str
    is_active: bool = True


@dataclass(slots=True, eq=False)
class Product:
    id: int
    title: str
    handle: str
    vendor: str
    product_type: str
    status: str
    created_at: str
    updated_at: str
    variants: list[Variant] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Variant:
    id: int
    product: Product
    title: str
    position: int
    sku: str
    barcode: str | None
    price: str  # Shopify Money: a decimal string such as "12.99"
    inventory_item_id: int
    tracked: bool
    updated_at: str
    available: list[int]
    # Per location index, set only once a level changes after generation.
    level_updated_at: dict[int, str] | None = None

    def level_timestamp(self, location_index: int) -> str:
        if self.level_updated_at and location_index in self.level_updated_at:
            return self.level_updated_at[location_index]
        return self.updated_at


@dataclass(frozen=True)
class ShopSize:
    """Either a product count or a total variant count decides how big the catalog is."""

    products: int | None
    variants: int | None
    max_variants_per_product: int
    locations: int


class Catalog:
    """Sorted lists for cursor pagination plus id indexes for lookups, kept in step."""

    def __init__(self, *, shop: str, name: str, shop_id: int, seed: int, size: ShopSize) -> None:
        self.shop = shop
        self.name = name
        self.shop_id = shop_id
        self.seed = seed
        self.size = size
        self.created_at = ""
        self.locations: list[Location] = []
        self.products: list[Product] = []
        self.product_ids: list[int] = []
        # Variants and inventory items share one order: item ids grow with variant ids.
        self.variants: list[Variant] = []
        self.variant_ids: list[int] = []
        self.item_ids: list[int] = []
        self.product_by_id: dict[int, Product] = {}
        self.variant_by_id: dict[int, Variant] = {}
        self.variant_by_item_id: dict[int, Variant] = {}
        self.location_index_by_id: dict[int, int] = {}
        self.next_product_id = 0
        self.next_variant_id = 0
        self.next_item_id = 0

    def add_location(self, location: Location) -> None:
        self.location_index_by_id[location.id] = len(self.locations)
        self.locations.append(location)

    def add_product(self, product: Product) -> None:
        """Append a product; ids only grow, so appending keeps every list sorted."""
        self.products.append(product)
        self.product_ids.append(product.id)
        self.product_by_id[product.id] = product
        for variant in product.variants:
            self.variants.append(variant)
            self.variant_ids.append(variant.id)
            self.item_ids.append(variant.inventory_item_id)
            self.variant_by_id[variant.id] = variant
            self.variant_by_item_id[variant.inventory_item_id] = variant
        self.next_product_id = max(self.next_product_id, product.id + 1)
        if product.variants:
            self.next_variant_id = max(self.next_variant_id, product.variants[-1].id + 1)
            self.next_item_id = max(self.next_item_id, product.variants[-1].inventory_item_id + 1)

    def remove_product(self, product_id: int) -> Product | None:
        product = self.product_by_id.pop(product_id, None)
        if product is None:
            return None
        del self.products[bisect.bisect_left(self.product_ids, product_id)]
        self.product_ids.remove(product_id)
        for variant in product.variants:
            index = bisect.bisect_left(self.variant_ids, variant.id)
            del self.variants[index], self.variant_ids[index], self.item_ids[index]
            del self.variant_by_id[variant.id], self.variant_by_item_id[variant.inventory_item_id]
        return product

    def location(self, location_id: int) -> Location | None:
        index = self.location_index_by_id.get(location_id)
        return None if index is None else self.locations[index]

    def counts(self) -> dict[str, int]:
        levels = len(self.variants) * len(self.locations)
        tracked = [v for v in self.variants if v.tracked]
        return {
            "products": len(self.products),
            "variants": len(self.variants),
            "locations": len(self.locations),
            "inventory_levels": levels,
            "total_available": sum(sum(v.available) for v in self.variants),
            "total_available_tracked": sum(sum(v.available) for v in tracked),
            "untracked_variants": len(self.variants) - len(tracked),
            "missing_barcodes": sum(1 for v in self.variants if v.barcode is None),
        }
