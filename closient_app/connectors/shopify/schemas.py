"""What Shopify sends in webhook bodies, per topic (REST-style JSON, numeric ids).

Only the fields we use are declared; everything else Shopify adds is ignored, so new fields in
a later API version never break parsing.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class ShopifyPayload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class InventoryLevelPayload(ShopifyPayload):
    """inventory_levels/update, inventory_levels/connect, inventory_levels/disconnect."""

    inventory_item_id: int
    location_id: int
    available: int | None = None
    updated_at: datetime | None = None


class InventoryItemPayload(ShopifyPayload):
    """inventory_items/update."""

    id: int
    sku: str | None = None
    tracked: bool | None = None
    updated_at: datetime | None = None


class VariantPayload(ShopifyPayload):
    id: int
    title: str | None = None
    sku: str | None = None
    barcode: str | None = None
    price: str
    inventory_item_id: int | None = None
    updated_at: datetime | None = None


class ProductPayload(ShopifyPayload):
    """products/create, products/update."""

    id: int
    title: str
    vendor: str | None = None
    status: str | None = None
    updated_at: datetime | None = None
    variants: list[VariantPayload] = []


class DeletedPayload(ShopifyPayload):
    """products/delete, locations/delete: only the id of what is gone."""

    id: int


class LocationPayload(ShopifyPayload):
    """locations/create, locations/update."""

    id: int
    name: str
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    province: str | None = None
    province_code: str | None = None
    country_code: str | None = None
    phone: str | None = None
    active: bool = True
    updated_at: datetime | None = None


class ShopPayload(ShopifyPayload):
    """app/uninstalled: the Shop resource."""

    id: int
    name: str | None = None
    domain: str | None = None
    myshopify_domain: str | None = None


class PrivacyPayload(ShopifyPayload):
    """customers/data_request, customers/redact, shop/redact: kept whole for the audit trail."""

    model_config = ConfigDict(extra="allow", frozen=True)

    shop_id: int
    shop_domain: str
