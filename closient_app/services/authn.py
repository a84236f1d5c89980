"""Who is calling: resolve an API key, a bearer token or a browser session into a `Caller`.

A malformed key or a bad checksum is refused before any database lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.errors import Unauthorized
from closient_app.models import ApiKey, Membership, Role
from closient_app.services import api_keys


@dataclass(frozen=True)
class Caller:
    kind: str  # "api_key" | "token" | "session"
    scopes: frozenset[str]
    user_id: str | None = None
    api_key_id: str | None = None
    key_organization_id: str | None = None  # an API key acts only inside its own organization
    key_role: Role | None = None

    @property
    def rate_limit_key(self) -> str:
        return f"key:{self.api_key_id}" if self.api_key_id else f"user:{self.user_id}"

    def role_in(self, session: Session, organization_id: str) -> Role | None:
        if self.kind == "api_key":
            return self.key_role if organization_id == self.key_organization_id else None
        membership = session.exec(
            select(Membership).where(
                Membership.organization_id == organization_id, Membership.user_id == self.user_id
            )
        ).first()
        return membership.role if membership else None


INVALID_KEY = "The API key is not valid."


def caller_from_api_key(session: Session, key: str) -> Caller:
    if not api_keys.is_well_formed(key):
        raise Unauthorized(INVALID_KEY, next_step="Check the X-API-Key header for typos.")
    record = session.exec(select(ApiKey).where(ApiKey.key_hash == api_keys.hash_key(key))).first()
    now = utcnow()
    if record is None or not record.is_active or (record.expires_at and record.expires_at <= now):
        raise Unauthorized(
            "The API key is unknown, revoked or expired.",
            next_step="Create a new key: POST /account/api/v1/organizations/{org_id}/api-keys.",
        )
    record.last_used = now
    session.add(record)
    return Caller(
        kind="api_key",
        scopes=frozenset(record.scopes),
        api_key_id=record.id,
        key_organization_id=record.organization_id,
        key_role=record.role,
    )


def resolve_caller(session: Session, *, api_key: str | None) -> Caller:
    """Resolve the credentials a request carried; no credential at all is a 401."""
    if api_key:
        return caller_from_api_key(session, api_key.strip())
    raise Unauthorized(
        "Authentication required.",
        next_step="Send an X-API-Key header or an Authorization: Bearer token.",
    )
