"""POS connections: the InventorySource, its webhook endpoints, and every delivery we received."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from closient_app.models.base import enum_field, fk_field, id_field, timestamp_field


class SourceStatus(StrEnum):
    PENDING = "pending"
    CONNECTED = "connected"
    SYNCING = "syncing"
    ERROR = "error"
    DISCONNECTED = "disconnected"


class InventorySource(SQLModel, table=True):
    """One connected POS shop. Tokens are Fernet-encrypted (see services/crypto)."""

    __tablename__ = "inventory_source"
    # A shop belongs to one organization, so a webhook's shop domain names exactly one source.
    __table_args__ = (sa.UniqueConstraint("provider", "shop_domain"),)

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    provider: str = Field(max_length=32)
    shop_domain: str = Field(max_length=255)
    status: SourceStatus = enum_field(SourceStatus, SourceStatus.PENDING)
    access_token_encrypted: str | None = Field(default=None, sa_type=sa.Text)
    refresh_token_encrypted: str | None = Field(default=None, sa_type=sa.Text)
    access_token_expires_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    refresh_token_expires_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    granted_scopes: str = Field(default="", max_length=500)
    currency: str | None = Field(default=None, max_length=3)
    last_sync_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    connected_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()
    updated: datetime = timestamp_field()


class WebhookEndpoint(SQLModel, table=True):
    """Where a source's POS deliveries arrive, and where we forward normalized events.

    One per subscribed topic group of a source; a reconnect updates the same rows, so the
    secret and `forward_url` a retailer set up survive it.
    """

    __tablename__ = "webhook_endpoint"
    __table_args__ = (sa.UniqueConstraint("source_id", "topic_group"),)

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    source_id: str = fk_field("inventory_source.id")
    provider: str = Field(max_length=32)
    topic_group: str = Field(default="", max_length=32)
    topics: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(64)))
    # The POS's ids of our subscriptions for these topics, to unsubscribe on disconnect.
    pos_subscription_ids: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(255)))
    forward_url: str | None = Field(default=None, max_length=2048)
    is_active: bool = True
    secret_encrypted: str = Field(sa_type=sa.Text)
    previous_secret_encrypted: str | None = Field(default=None, sa_type=sa.Text)
    previous_secret_expires_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    last_delivery_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    deliveries_ok: int = 0
    deliveries_failed: int = 0
    created: datetime = timestamp_field()


class ReceiptStatus(StrEnum):
    QUEUED = "queued"
    APPLIED = "applied"
    IGNORED = "ignored"
    FAILED = "failed"


class WebhookReceipt(SQLModel, table=True):
    """A verified POS delivery. The unique webhook id makes duplicate deliveries a no-op."""

    __tablename__ = "webhook_receipt"
    __table_args__ = (
        sa.UniqueConstraint("provider", "webhook_id"),
        sa.Index(
            "ix_webhook_receipt_queued",
            "received_at",
            postgresql_where=sa.text("status = 'queued'"),
        ),
        # The retention purge finds old finished receipts without reading the whole table.
        sa.Index(
            "ix_webhook_receipt_finished",
            "received_at",
            postgresql_where=sa.text("status <> 'queued'"),
        ),
    )

    id: str = id_field()
    provider: str = Field(max_length=32)
    webhook_id: str = Field(max_length=255)
    source_id: str | None = fk_field("inventory_source.id", nullable=True, ondelete="SET NULL")
    shop_domain: str = Field(max_length=255)
    topic: str = Field(max_length=64)
    triggered_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    status: ReceiptStatus = enum_field(ReceiptStatus, ReceiptStatus.QUEUED)
    error: str | None = Field(default=None, sa_type=sa.Text)
    received_at: datetime = timestamp_field()
    processed_at: datetime | None = timestamp_field(nullable=True, now_default=False)


class ForwardStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    DEAD_LETTER = "DEAD_LETTER"


class ForwardDelivery(SQLModel, table=True):
    """The delivery log of normalized events forwarded to an endpoint's `forward_url`."""

    __tablename__ = "forward_delivery"
    __table_args__ = (
        # The sender only ever looks at deliveries still due: keep that scan small.
        sa.Index(
            "ix_forward_delivery_due",
            "next_attempt_at",
            postgresql_where=sa.text("status IN ('PENDING', 'FAILED')"),
        ),
        # The retention purge finds old finished deliveries without reading the whole table.
        sa.Index(
            "ix_forward_delivery_finished",
            "created",
            postgresql_where=sa.text("status IN ('DELIVERED', 'DEAD_LETTER')"),
        ),
    )

    id: str = id_field()
    endpoint_id: str = fk_field("webhook_endpoint.id")
    event_type: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    status: ForwardStatus = enum_field(ForwardStatus, ForwardStatus.PENDING)
    attempts: int = 0
    next_attempt_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    delivered_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()


class InstallLink(SQLModel, table=True):
    """A single-use, short-lived link an agent hands to a retailer to start a POS connect.

    Bound to one organization and shop. Only a SHA-256 hash of its token is stored, so a
    database reader cannot start a connect for someone else's organization.
    """

    __tablename__ = "install_link"

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    provider: str = Field(max_length=32)
    shop_domain: str = Field(max_length=255)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = timestamp_field(now_default=False)
    used_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()


class PosOAuthState(SQLModel, table=True):
    """The `state` of one trip to a POS consent screen: single use, short expiry, bound to the
    organization and shop it was issued for. Only a hash of the nonce is stored."""

    __tablename__ = "pos_oauth_state"

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    provider: str = Field(max_length=32)
    shop_domain: str = Field(max_length=255)
    nonce_hash: str = Field(max_length=64, unique=True)
    install_link_id: str | None = fk_field("install_link.id", nullable=True, ondelete="SET NULL")
    expires_at: datetime = timestamp_field(now_default=False)
    used_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()
