"""Search session requests and responses, field for field as the API contract gives them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from closient_app.schemas.common import RadiusKm
from closient_app.schemas.locations import AddressOut

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
QUERY_DOC = "Words to match (all must match), or `gtin:<8-14 digits>` for one exact product"


class SearchRequest(BaseModel):
    model_config = STRICT

    query: str = Field(min_length=1, max_length=200, description=QUERY_DOC)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_km: RadiusKm = Field(10.0, description="More than 0, at most 50; the edge counts")
    in_stock: bool = Field(True, description="false also returns out-of-stock offers")


class RefineRequest(BaseModel):
    model_config = STRICT

    query: str | None = Field(None, min_length=1, max_length=200, description=QUERY_DOC)
    radius_km: RadiusKm | None = None
    in_stock: bool | None = None


class ProductOut(BaseModel):
    id: str
    gtin: str | None
    name: str
    brand: str


class StoreOut(BaseModel):
    id: str
    organization_id: str
    name: str
    address: AddressOut
    distance_km: float
    url: str


class Price(BaseModel):
    amount: int = Field(description="Minor units, e.g. cents")
    currency: str = Field(description="ISO 4217")


class OfferOut(BaseModel):
    id: str
    price: Price
    stock_status: str
    quantity_on_hand: int | None
    last_checked_at: datetime | None
    inventory_confidence: str = Field(description="confirmed | likely | uncertain | stale")


class Hit(BaseModel):
    product: ProductOut
    store: StoreOut
    offer: OfferOut


class SearchResponse(BaseModel):
    session_id: str
    query: str
    latitude: float
    longitude: float
    radius_km: float
    in_stock: bool
    hits: list[Hit]
    expires_at: datetime
