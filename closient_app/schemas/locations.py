"""Location requests and responses, as the API contract names them.

Cross-field rules live in validators of the later field, so every error names a field
(`longitude`, `address.postal_code`) instead of the whole body.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from closient_app.models import GeocodeSource, LocationStatus
from closient_app.schemas.common import CountryCode, Phone, Website
from closient_app.schemas.hours import OpeningHours

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(BaseModel):
    model_config = STRICT

    line1: str = Field("", max_length=255)
    line2: str = Field("", max_length=255)
    city: str = Field("", max_length=120)
    region: str = Field("", max_length=120, description="State or province, e.g. MN")
    postal_code: str = Field("", max_length=20, validate_default=True)
    country: CountryCode = Field(description="ISO 3166-1 alpha-2, e.g. US")

    @field_validator("postal_code")
    @classmethod
    def _city_or_postal_code(cls, value: str, info: ValidationInfo) -> str:
        if not value and not info.data.get("city"):
            raise ValueError("an address needs a city or a postal_code")
        return value


class AddressOut(BaseModel):
    """An address as stored; POS-imported ones may be partial, so no input rules here."""

    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    """Both or neither, and never (0, 0): that is where missing data lands, not a store."""
    if (latitude is None) != (longitude is None):
        raise ValueError("latitude and longitude go together: send both or neither")
    if latitude == 0 and longitude == 0:
        raise ValueError("(0, 0) is not a store location; send the store's real coordinates")


class LocationCreate(BaseModel):
    model_config = STRICT

    organization_id: str = Field(min_length=1, max_length=22)
    name: str = Field(min_length=1, max_length=200)
    address: Address
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180, validate_default=True)
    phone: Phone = Field("", max_length=32)
    website: Website = Field("", max_length=2048)
    hours: OpeningHours | None = None
    status: LocationStatus = LocationStatus.DRAFT

    @field_validator("longitude")
    @classmethod
    def _coordinates(cls, value: float | None, info: ValidationInfo) -> float | None:
        if "latitude" in info.data:  # a bad latitude already has its own error
            check_coordinates(info.data["latitude"], value)
        return value


class LocationUpdate(BaseModel):
    """PATCH: only the fields sent change. Coordinates sent = a manually placed pin."""

    model_config = STRICT

    name: str | None = Field(None, min_length=1, max_length=200)
    address: Address | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180, validate_default=True)
    phone: Phone | None = Field(None, max_length=32)
    website: Website | None = Field(None, max_length=2048)
    hours: OpeningHours | None = None
    coordinates_confirmed: bool | None = Field(
        None, description="true confirms the current pin (e.g. one imported from the POS)"
    )

    @field_validator("longitude")
    @classmethod
    def _coordinates(cls, value: float | None, info: ValidationInfo) -> float | None:
        if "latitude" in info.data:
            check_coordinates(info.data["latitude"], value)
        return value


class LocationOut(BaseModel):
    id: str
    organization_id: str
    name: str
    address: AddressOut
    latitude: float | None
    longitude: float | None
    geocode_source: GeocodeSource | None
    geocode_accuracy_m: int | None = Field(description="Rough radius of uncertainty, metres")
    coordinates_confirmed: bool
    phone: str
    website: str
    timezone: str
    hours: OpeningHours | None
    status: LocationStatus
    published_at: datetime | None
    url: str = Field(description="The public page of this store")
    created: datetime
    updated: datetime


class NearbyLocationOut(BaseModel):
    id: str
    organization_id: str
    name: str
    address: AddressOut
    latitude: float
    longitude: float
    distance_km: float = Field(description="Great-circle distance from the query point")
    url: str
