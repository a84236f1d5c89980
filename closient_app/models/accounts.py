"""Who can do what: organizations, people, their roles, and API keys."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from closient_app.models.base import enum_field, fk_field, id_field, timestamp_field


class Role(StrEnum):
    OWNER = "OWNER"
    MANAGER = "MANAGER"
    EDITOR = "EDITOR"
    BILLING = "BILLING"
    VIEWER = "VIEWER"


class Organization(SQLModel, table=True):
    id: str = id_field()
    name: str = Field(max_length=200)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    created: datetime = timestamp_field()
    updated: datetime = timestamp_field()


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # `user` is reserved in PostgreSQL

    id: str = id_field()
    email: str = Field(max_length=320, unique=True, description="Stored lowercased")
    password_hash: str = Field(max_length=255)
    name: str = Field(default="", max_length=200)
    is_active: bool = True
    created: datetime = timestamp_field()
    last_login: datetime | None = timestamp_field(nullable=True, now_default=False)


class Membership(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("organization_id", "user_id"),)

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    user_id: str = fk_field("app_user.id")
    role: Role = enum_field(Role)
    created: datetime = timestamp_field()


class ApiKey(SQLModel, table=True):
    """An organization key. Only the SHA-256 of the key is stored; the key is shown once."""

    __tablename__ = "api_key"

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    name: str = Field(max_length=200)
    key_hash: str = Field(max_length=64, unique=True)
    key_last4: str = Field(max_length=4)
    scopes: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(40)))
    role: Role = enum_field(Role)
    is_active: bool = True
    expires_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    last_used: datetime | None = timestamp_field(nullable=True, now_default=False)
    rate_limit_per_minute: int | None = None
    rate_limit_per_day: int | None = None
    created_by_user_id: str | None = fk_field("app_user.id", nullable=True, ondelete="SET NULL")
    created: datetime = timestamp_field()


class WebSession(SQLModel, table=True):
    """A browser login. The cookie holds a random id; only its SHA-256 is stored, so a
    database leak opens no session, and deleting or revoking the row logs the browser out."""

    __tablename__ = "web_session"

    id: str = id_field()
    user_id: str = fk_field("app_user.id")
    session_hash: str = Field(max_length=64, unique=True)
    created: datetime = timestamp_field()
    expires_at: datetime = timestamp_field(now_default=False)
    revoked_at: datetime | None = timestamp_field(nullable=True, now_default=False)


class RateLimitCounter(SQLModel, table=True):
    """Requests counted per caller bucket in one fixed window (epoch-aligned, like `limits`).

    Kept in Postgres so every app process shares one budget; one UPSERT bumps both windows.
    """

    __tablename__ = "rate_limit_counter"

    bucket: str = Field(primary_key=True, max_length=80, description="key:<id> user:<id> ip:<a>")
    window_seconds: int = Field(primary_key=True)
    window_start: int = Field(primary_key=True, description="Unix seconds, a window multiple")
    hits: int = 0
