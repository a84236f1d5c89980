"""Physical stores. `geog` is a PostGIS geography point; ST_* queries live in closient_app/geo."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geography
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from closient_app.models.base import enum_field, fk_field, id_field, timestamp_field


class LocationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class GeocodeSource(StrEnum):
    MANUAL = "manual"  # the retailer placed or confirmed the pin: wins over everything
    POS = "pos"  # approximate coordinates imported from the POS
    POSTAL_CODE = "postal_code"  # offline postal-code centroid
    CITY = "city"  # offline city centroid
    NOMINATIM = "nominatim"  # configured production geocoder


class Location(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("source_id", "external_id"),
        sa.Index(
            "ix_location_published_org",
            "organization_id",
            postgresql_where=sa.text("status = 'published'"),
        ),
    )

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    source_id: str | None = fk_field("inventory_source.id", nullable=True, ondelete="SET NULL")
    external_id: str | None = Field(default=None, max_length=255, description="POS location id")
    name: str = Field(max_length=200)
    line1: str = Field(default="", max_length=255)
    line2: str = Field(default="", max_length=255)
    city: str = Field(default="", max_length=120)
    region: str = Field(default="", max_length=120)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(max_length=2)
    phone: str = Field(default="", max_length=32)
    website: str = Field(default="", max_length=2048)
    timezone: str = Field(default="UTC", max_length=64)
    hours: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    # Nullable: a draft imported from the POS may have no coordinates yet; publishing needs them.
    geog: Any = Field(
        default=None,
        sa_column=sa.Column(
            Geography(geometry_type="POINT", srid=4326, spatial_index=True), nullable=True
        ),
    )
    geocode_source: GeocodeSource | None = enum_field(GeocodeSource, None, nullable=True)
    geocode_accuracy_m: int | None = Field(default=None, description="Rough radius of uncertainty")
    coordinates_confirmed: bool = False
    status: LocationStatus = enum_field(LocationStatus, LocationStatus.DRAFT)
    published_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()
    updated: datetime = timestamp_field()
