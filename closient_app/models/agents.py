"""Headless POS connect for agents: one RFC 8628-style device grant per connect attempt.

The agent holds the device code and polls; the retailer enters the user code on our
verification page, confirms, and is sent to the POS consent screen with a `state` that is bound
to this grant. Codes are stored as SHA-256 hashes only.
"""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from closient_app.models.base import enum_field, fk_field, id_field, timestamp_field


class PosDeviceGrantStatus(StrEnum):
    PENDING = "pending"  # waiting for the retailer to enter and confirm the user code
    AUTHORIZING = "authorizing"  # code confirmed (used up); the retailer is at the POS consent
    CONNECTED = "connected"
    DENIED = "denied"  # the retailer said no (here or at the POS), or the code was locked
    FAILED = "failed"  # the POS connect itself failed; `failure` says why


class PosDeviceGrant(SQLModel, table=True):
    __tablename__ = "pos_device_grant"

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    provider: str = Field(max_length=32)
    shop_domain: str = Field(max_length=255)
    requested_by: str = Field(max_length=64, description="key:<id> or user:<id> of the agent")
    device_code_hash: str = Field(max_length=64, unique=True)
    user_code_hash: str = Field(max_length=64, unique=True)
    status: PosDeviceGrantStatus = enum_field(PosDeviceGrantStatus, PosDeviceGrantStatus.PENDING)
    interval: int = Field(default=5, description="Seconds the agent must wait between polls")
    expires_at: datetime = timestamp_field(now_default=False)
    last_polled_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    # Signed-in people who entered this code but may not connect for its organization.
    failed_confirmations: int = 0
    confirmed_by_user_id: str | None = fk_field("app_user.id", nullable=True, index=False)
    confirmed_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    pos_state_id: str | None = fk_field("pos_oauth_state.id", nullable=True, ondelete="SET NULL")
    source_id: str | None = fk_field("inventory_source.id", nullable=True, index=False)
    job_id: str | None = fk_field("sync_job.id", nullable=True, index=False, ondelete="SET NULL")
    failure: str | None = Field(default=None, max_length=64)
    created: datetime = timestamp_field()
