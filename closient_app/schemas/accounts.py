"""Account requests and responses: sign-up, organizations, members, API keys, who am I."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from closient_app.models import ApiKey, Membership, Organization, Role, User
from closient_app.schemas.common import CountryCode

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignUp(BaseModel):
    model_config = STRICT

    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    name: str = Field("", max_length=200)


class LogIn(BaseModel):
    model_config = STRICT

    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class UserOut(BaseModel):
    id: str
    email: str
    name: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, email=user.email, name=user.name)


class OrganizationCreate(BaseModel):
    model_config = STRICT

    name: str = Field(min_length=1, max_length=200)
    country: CountryCode = Field(description="ISO 3166-1 alpha-2, e.g. US")


class OrganizationOut(BaseModel):
    id: str
    name: str
    country: str
    role: Role | None = Field(None, description="The caller's role in it")
    created: datetime

    @classmethod
    def of(cls, org: Organization, role: Role | None) -> OrganizationOut:
        return cls(id=org.id, name=org.name, country=org.country, role=role, created=org.created)


class MemberAdd(BaseModel):
    model_config = STRICT

    email: str = Field(max_length=320, description="An existing user's email")
    role: Role


class MemberUpdate(BaseModel):
    model_config = STRICT

    role: Role


class MemberOut(BaseModel):
    id: str = Field(description="The membership id (member_id in paths)")
    organization_id: str
    user: UserOut
    role: Role
    created: datetime

    @classmethod
    def of(cls, member: Membership, user: User) -> MemberOut:
        return cls(
            id=member.id,
            organization_id=member.organization_id,
            user=UserOut.of(user),
            role=member.role,
            created=member.created,
        )


class ApiKeyCreate(BaseModel):
    model_config = STRICT

    name: str = Field(min_length=1, max_length=200)
    role: Role = Field(Role.VIEWER, description="The key's role in its organization")
    scopes: list[str] = Field(min_length=1, description="e.g. ['offers:read', 'offers:write']")
    expires_at: datetime | None = Field(None, description="RFC 3339 with offset; none = never")
    rate_limit_per_minute: int | None = Field(None, ge=1, description="Lower than the default")
    rate_limit_per_day: int | None = Field(None, ge=1, description="Lower than the default")


class ApiKeyUpdate(BaseModel):
    model_config = STRICT

    name: str | None = Field(None, min_length=1, max_length=200)
    role: Role | None = None
    scopes: list[str] | None = Field(None, min_length=1)
    is_active: bool | None = Field(None, description="false revokes the key")
    expires_at: datetime | None = None
    rate_limit_per_minute: int | None = Field(None, ge=1)
    rate_limit_per_day: int | None = Field(None, ge=1)

    @field_validator("name", "role", "scopes", "is_active", mode="before")
    @classmethod
    def _not_null(cls, value):
        # null means "clear" for expiry and limits; these four always need a value.
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep it")
        return value


class ApiKeyOut(BaseModel):
    id: str
    organization_id: str
    name: str
    key_hint: str = Field(description="The key's last four characters, e.g. csb_...1f0c")
    role: Role
    scopes: list[str]
    is_active: bool
    expires_at: datetime | None
    last_used: datetime | None = Field(description="To the minute")
    rate_limit_per_minute: int | None
    rate_limit_per_day: int | None
    created: datetime

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        fields = key.model_dump(exclude={"key_hash", "key_last4", "created_by_user_id"})
        return cls(**fields, key_hint=f"csb_...{key.key_last4}")


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The API key itself. Shown this once; store it now.")


class WhoAmI(BaseModel):
    kind: str = Field(description="api_key | token | session")
    user: UserOut | None
    organizations: list[OrganizationOut]
    scopes: list[str]
    api_key_id: str | None = None
    bound_organization_id: str | None = Field(
        None, description="Set when the credential acts in this one organization only"
    )
