"""In-store offers and sync jobs as the API contract names them (`physical_store_id` is our
Location id; money is integer minor units plus an ISO 4217 code)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from closient_app.models import JobKind, JobStatus, OfferSource, StockStatus

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
CURRENCY = {"pattern": r"^[A-Z]{3}$", "description": "ISO 4217, e.g. USD"}
PRICE = {"ge": 0, "le": 10**10, "description": "Minor units: 1099 is 10.99 USD"}
QUANTITY = {"ge": 0, "le": 10**9, "description": "Units on hand; null when not counted"}
STATUS = {"description": "Stock status; derived from quantity_on_hand when omitted"}


class OfferCreate(BaseModel):
    model_config = STRICT

    product_id: str = Field(min_length=1, max_length=22)
    physical_store_id: str = Field(min_length=1, max_length=22, description="A Location id")
    sku: str = Field(max_length=255)
    price_amount: int = Field(**PRICE)
    price_currency: str = Field(**CURRENCY)
    quantity_on_hand: int | None = Field(None, **QUANTITY)
    status: StockStatus | None = Field(None, **STATUS)


class OfferUpdate(BaseModel):
    """Fields of a manual offer to change; the product and store stay (delete and create to
    move it)."""

    model_config = STRICT

    sku: str | None = Field(None, max_length=255)
    price_amount: int | None = Field(None, **PRICE)
    price_currency: str | None = Field(None, **CURRENCY)
    quantity_on_hand: int | None = Field(None, **QUANTITY)
    status: StockStatus | None = Field(None, **STATUS)


class OfferOut(BaseModel):
    id: str
    product_id: str
    gtin: str | None = Field(description="GTIN-14; null for a product private to the retailer")
    physical_store_id: str
    sku: str
    price_amount: int
    price_currency: str
    quantity_on_hand: int | None
    status: StockStatus
    source: OfferSource = Field(description="pos_sync (kept by the POS) or manual")
    last_inventory_sync: datetime | None = Field(description="When the stock was last confirmed")
    inventory_confidence: str = Field(
        description="confirmed < 1 h, likely < 24 h, uncertain < 48 h, stale"
    )
    created: datetime
    updated: datetime


class JobProgress(BaseModel):
    done: int
    total: int | None = Field(description="Null until the catalog size is known")
    unit: str


class JobOut(BaseModel):
    id: str
    kind: JobKind
    source_id: str
    status: JobStatus
    progress: JobProgress
    offers_upserted: int = Field(description="Offers written so far (inserted or updated)")
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
