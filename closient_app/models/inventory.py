"""What is on the shelf: products (global by GTIN, or private to an organization) and offers."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field, SQLModel

from closient_app.models.base import enum_field, fk_field, id_field, timestamp_field


class Product(SQLModel, table=True):
    """A GTIN-14 product shared by every retailer, or (no valid GTIN) one organization's own."""

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "pos_provider", "pos_product_ref"),
        sa.Index("ix_product_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: str = id_field()
    gtin: str | None = Field(default=None, max_length=14, unique=True)
    name: str = Field(max_length=500)
    brand: str = Field(default="", max_length=200)
    organization_id: str | None = fk_field("organization.id", nullable=True)
    pos_provider: str | None = Field(default=None, max_length=32)
    pos_product_ref: str | None = Field(default=None, max_length=255)
    search_vector: Any = Field(
        default=None,
        sa_column=sa.Column(
            TSVECTOR,
            sa.Computed(
                "to_tsvector('english', coalesce(name, '') || ' ' || coalesce(brand, ''))",
                persisted=True,
            ),
        ),
    )
    created: datetime = timestamp_field()
    updated: datetime = timestamp_field()


class StockStatus(StrEnum):
    IN_STOCK = "in_stock"
    LOW_STOCK = "low_stock"
    OUT_OF_STOCK = "out_of_stock"
    UNKNOWN = "unknown"


class OfferSource(StrEnum):
    POS_SYNC = "pos_sync"
    MANUAL = "manual"


class InStoreOffer(SQLModel, table=True):
    __tablename__ = "in_store_offer"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "location_id", "sku"),
        sa.Index("ix_in_store_offer_location_product", "location_id", "product_id"),
        sa.Index("ix_in_store_offer_source_item", "source_id", "external_inventory_item_id"),
        # products/update and products/delete name a POS product: find its offers without a scan.
        sa.Index("ix_in_store_offer_source_product", "source_id", "external_product_id"),
        # Most sync writes only touch quantity/status/timestamps: room on the page keeps them HOT.
        {"postgresql_with": {"fillfactor": 70}},
    )

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    product_id: str = fk_field("product.id", index=False)
    location_id: str = fk_field("location.id", index=False)
    source_id: str | None = fk_field(
        "inventory_source.id", nullable=True, index=False, ondelete="SET NULL"
    )
    source: OfferSource = enum_field(OfferSource)
    sku: str = Field(default="", max_length=255)
    external_product_id: str | None = Field(default=None, max_length=255)
    external_variant_id: str | None = Field(default=None, max_length=255)
    external_inventory_item_id: str | None = Field(default=None, max_length=255)
    price_amount: int = Field(ge=0)
    price_currency: str = Field(max_length=3)
    quantity_on_hand: int | None = None
    # False when the POS keeps no count for the item: its status stays `unknown` whatever the
    # level webhooks say.
    stock_tracked: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    status: StockStatus = enum_field(StockStatus)
    last_inventory_sync: datetime | None = timestamp_field(nullable=True, now_default=False)
    # The POS's own timestamp of the level we hold: older deliveries never overwrite newer data.
    pos_updated_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    # The same for the variant's own fields (price, sku, tracking): a product edit and a sale
    # are ordered independently, so each keeps its own version.
    pos_variant_updated_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()
    updated: datetime = timestamp_field()
