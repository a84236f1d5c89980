"""Products in the shared catalog, keyed by GTIN-14."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from closient_app.schemas.common import Gtin


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    gtin: Gtin = Field(description="GTIN-8, -12 (UPC), -13 (EAN) or -14; stored as GTIN-14")
    name: str = Field(min_length=1, max_length=500)
    brand: str = Field("", max_length=200)


class ProductDetail(BaseModel):
    id: str
    gtin: str
    name: str
    brand: str
    created: datetime
    updated: datetime
