"""Our OAuth 2 authorization server's records: clients, device authorizations, tokens.

Codes and tokens are stored as SHA-256 hashes only; the plain values exist in responses alone.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from closient_app.ids import SHORT_ID_LENGTH
from closient_app.models.base import enum_field, fk_field, id_field, timestamp_field


class OAuthClient(SQLModel, table=True):
    """A registered OAuth client. No secret hash means a public client (e.g. `closient-agent`)."""

    __tablename__ = "oauth_client"

    id: str = Field(primary_key=True, max_length=80, description="The OAuth client_id")
    name: str = Field(max_length=200)
    secret_hash: str | None = Field(default=None, max_length=64)
    grant_types: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(80)))
    scopes: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(40)))
    created: datetime = timestamp_field()


class DeviceGrantStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    CONSUMED = "consumed"  # tokens were issued; the device code cannot be used again


class DeviceGrant(SQLModel, table=True):
    """One RFC 8628 device authorization: the agent polls with the device code while the user
    confirms the user code on the verification page and picks the organization."""

    __tablename__ = "oauth_device_grant"

    id: str = id_field()
    client_id: str = Field(
        max_length=80, sa_column_args=[sa.ForeignKey("oauth_client.id", ondelete="CASCADE")]
    )
    device_code_hash: str = Field(max_length=64, unique=True)
    user_code_hash: str = Field(max_length=64, unique=True)
    scopes: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(40)))
    status: DeviceGrantStatus = enum_field(DeviceGrantStatus, DeviceGrantStatus.PENDING)
    interval: int = Field(default=5, description="Seconds the agent must wait between polls")
    expires_at: datetime = timestamp_field(now_default=False)
    last_polled_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    user_id: str | None = fk_field("app_user.id", nullable=True)
    organization_id: str | None = fk_field("organization.id", nullable=True)
    decided_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()


class OAuthToken(SQLModel, table=True):
    """An access token and its refresh token. Each refresh makes a new row in the same family;
    presenting an already-rotated refresh token revokes the whole family."""

    __tablename__ = "oauth_token"

    id: str = id_field()
    family_id: str = Field(max_length=SHORT_ID_LENGTH, index=True)
    client_id: str = Field(
        max_length=80, sa_column_args=[sa.ForeignKey("oauth_client.id", ondelete="CASCADE")]
    )
    user_id: str = fk_field("app_user.id")
    # Set when the user bound the token to one organization: it acts there only.
    organization_id: str | None = fk_field("organization.id", nullable=True)
    scopes: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(40)))
    access_token_hash: str = Field(max_length=64, unique=True)
    refresh_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    access_expires_at: datetime = timestamp_field(now_default=False)
    refresh_expires_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    rotated_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    revoked_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()
