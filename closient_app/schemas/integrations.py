"""Integrations requests and responses, with the field names of the API contract."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from closient_app.models import SourceStatus

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class InstallLinkCreate(BaseModel):
    model_config = STRICT

    organization_id: str = Field(max_length=22, description="The retailer's organization")
    shop: str = Field(max_length=300, description="acme.myshopify.com (or just acme)")


class InstallLinkOut(BaseModel):
    install_url: str = Field(description="Open in the retailer's browser; works once")
    expires_at: datetime


class SourceOut(BaseModel):
    id: str
    provider: str
    shop: str
    status: SourceStatus
    last_sync_at: datetime | None
    last_error: str | None = Field(description="Why the source is not syncing, for the retailer")


class EndpointOut(BaseModel):
    id: str
    organization_id: str
    source_id: str
    provider: str
    topics: list[str]
    receive_url: str = Field(description="Where the POS delivers these topics")
    forward_url: str | None = Field(description="Where we forward normalized events, if set")
    is_active: bool = Field(description="False pauses forwarding")
    secret_last4: str
    created: datetime
    last_delivery_at: datetime | None = Field(
        description="When a verified POS delivery of these topics last arrived"
    )
    deliveries_ok: int = Field(description="Forwards the forward_url accepted (2xx)")
    deliveries_failed: int = Field(description="Forward attempts that failed (retried later)")


class EndpointDetail(EndpointOut):
    secret: str = Field(description="whsec_...: verifies X-Closient-Signature on forwards")


class RotatedEndpoint(EndpointDetail):
    previous_secret_expires_at: datetime = Field(
        description="Until then, forwards also carry a signature with the previous secret"
    )


class EndpointPatch(BaseModel):
    model_config = STRICT

    forward_url: str | None = Field(
        default=None, max_length=2048, description="https URL; null removes it"
    )
    is_active: bool | None = None
