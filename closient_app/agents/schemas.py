"""Requests and answers of the headless POS connect, with RFC 8628's field names."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DeviceCodeRequest(BaseModel):
    model_config = STRICT

    organization_id: str = Field(min_length=1, max_length=22, description="The retailer's org")
    provider: str = Field("shopify", max_length=32, description="The POS; shopify today")
    shop: str = Field(min_length=1, max_length=300, description="acme.myshopify.com (or acme)")


class DeviceCodeOut(BaseModel):
    device_code: str = Field(description="Secret: only the agent holds it, to poll with")
    user_code: str = Field(description="Show it to the retailer, e.g. BCDF-GHJK")
    verification_uri: str = Field(description="Where the retailer enters the code")
    verification_uri_complete: str = Field(description="The same page with the code filled in")
    expires_in: int = Field(description="Seconds until the codes expire")
    interval: int = Field(description="Seconds to wait between polls")


class DeviceTokenRequest(BaseModel):
    model_config = STRICT

    device_code: str = Field(min_length=1, max_length=200)


class DeviceConnected(BaseModel):
    status: Literal["connected"]
    organization_id: str
    provider: str
    shop: str
    source_id: str = Field(description="The InventorySource: GET /integrations/api/v1/sources")
    job_id: str = Field(description="The first sync: GET /integrations/api/v1/jobs/{job_id}")
    next_step: str


class PollErrorDetail(BaseModel):
    """A poll answer (an RFC 8628 `code`, with `next_step` and `interval`), or a request the API
    could not read at all (then `code` is BAD_REQUEST, as everywhere)."""

    code: str = Field(
        description="authorization_pending, slow_down, expired_token, "
        "access_denied, connect_failed or invalid_grant (RFC 8628 names)"
    )
    message: str
    status: int
    details: list[dict[str, str]]
    next_step: str | None = Field(None, description="What to do now")
    interval: int | None = Field(None, description="Seconds to wait before the next poll")


class PollErrorBody(BaseModel):
    """The API's error envelope, with the RFC 8628 name as `code` and the current interval."""

    error: PollErrorDetail
