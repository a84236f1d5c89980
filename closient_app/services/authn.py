"""Who is calling: resolve an API key, a bearer token or a browser session into a `Caller`.

A malformed key or a bad checksum is refused before any database lookup, and so is a session
cookie with a bad signature. Each valid credential costs one indexed look-up by hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from closient_app import clock
from closient_app.errors import Unauthorized
from closient_app.models import ApiKey, Membership, OAuthToken, Role, User, WebSession
from closient_app.oauth.tokens import hash_token
from closient_app.services import api_keys, sessions
from closient_app.services.accounts import ALL_SCOPES

# `last_used` is kept to the minute: writing it on every request would cost a write each time.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Caller:
    kind: str  # "api_key" | "token" | "session"
    scopes: frozenset[str]
    user_id: str | None = None
    api_key_id: str | None = None
    key_organization_id: str | None = None  # an API key acts only inside its own organization
    key_role: Role | None = None
    token_id: str | None = None
    token_organization_id: str | None = None  # a token the user bound to one organization
    session_id: str | None = None
    rate_limit_per_minute: int | None = None  # per-key overrides; None means the defaults
    rate_limit_per_day: int | None = None

    @property
    def rate_limit_key(self) -> str:
        # Tokens and sessions share their user's budget, so minting tokens buys no extra calls.
        return f"key:{self.api_key_id}" if self.api_key_id else f"user:{self.user_id}"

    @property
    def bound_organization_id(self) -> str | None:
        """The one organization this credential may act in, if it is bound to one."""
        return self.key_organization_id or self.token_organization_id

    def role_in(self, session: Session, organization_id: str) -> Role | None:
        if self.kind == "api_key":
            return self.key_role if organization_id == self.key_organization_id else None
        if self.token_organization_id and organization_id != self.token_organization_id:
            return None
        membership = session.exec(
            select(Membership).where(
                Membership.organization_id == organization_id, Membership.user_id == self.user_id
            )
        ).first()
        return membership.role if membership else None


INVALID_KEY = "The API key is not valid."
BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="closient"'}


def caller_from_api_key(session: Session, key: str, now: datetime | None = None) -> Caller:
    if not api_keys.is_well_formed(key):
        raise Unauthorized(INVALID_KEY, next_step="Check the X-API-Key header for typos.")
    record = session.exec(select(ApiKey).where(ApiKey.key_hash == api_keys.hash_key(key))).first()
    now = now or clock.utcnow()
    if record is None or not record.is_active or (record.expires_at and record.expires_at <= now):
        raise Unauthorized(
            "The API key is unknown, revoked or expired.",
            next_step="Create a new key: POST /account/api/v1/organizations/{org_id}/api-keys.",
        )
    if record.last_used is None or now - record.last_used >= LAST_USED_RESOLUTION:
        record.last_used = now
        session.add(record)
    return Caller(
        kind="api_key",
        scopes=frozenset(record.scopes),
        api_key_id=record.id,
        key_organization_id=record.organization_id,
        key_role=record.role,
        rate_limit_per_minute=record.rate_limit_per_minute,
        rate_limit_per_day=record.rate_limit_per_day,
    )


def caller_from_bearer(session: Session, token: str, now: datetime | None = None) -> Caller:
    row = session.exec(
        select(OAuthToken, User.is_active)
        .join(User, User.id == OAuthToken.user_id)
        .where(OAuthToken.access_token_hash == hash_token(token))
    ).first()
    now = now or clock.utcnow()
    record, user_active = row if row else (None, False)
    if record is None or record.revoked_at or record.access_expires_at <= now or not user_active:
        raise Unauthorized(
            "The access token is unknown, expired or revoked.",
            next_step="Refresh it at POST /oauth/token with grant_type=refresh_token, "
            "or start the device flow again at POST /oauth/device_authorization.",
            headers={"WWW-Authenticate": 'Bearer realm="closient", error="invalid_token"'},
        )
    return Caller(
        kind="token",
        scopes=frozenset(record.scopes),
        user_id=record.user_id,
        token_id=record.id,
        token_organization_id=record.organization_id,
    )


def caller_from_session_cookie(
    session: Session, cookie_value: str, now: datetime | None = None
) -> Caller:
    record: WebSession | None = sessions.find_live_session(
        session=session, cookie_value=cookie_value, now=now
    )
    user = session.get(User, record.user_id) if record else None
    if record is None or user is None or not user.is_active:
        raise Unauthorized("Your session has ended.", next_step="Log in again.")
    # A person in their own browser holds every scope; their role still decides what they can do.
    return Caller(
        kind="session", scopes=frozenset(ALL_SCOPES), user_id=user.id, session_id=record.id
    )


def _bearer_token(authorization: str) -> str:
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "The Authorization header must be `Bearer <access token>`.",
            next_step="Get a token with the device flow: POST /oauth/device_authorization.",
            headers=BEARER_CHALLENGE,
        )
    return token.strip()


def resolve_caller(
    session: Session,
    *,
    api_key: str | None,
    authorization: str | None = None,
    session_cookie: str | None = None,
    now: datetime | None = None,
) -> Caller:
    """Resolve the credentials a request carried (key, then bearer token, then session cookie);
    no credential at all is a 401."""
    if api_key:
        return caller_from_api_key(session, api_key.strip(), now)
    if authorization:
        return caller_from_bearer(session, _bearer_token(authorization), now)
    if session_cookie:
        return caller_from_session_cookie(session, session_cookie, now)
    raise Unauthorized(
        "Authentication required.",
        next_step="Send an X-API-Key header or an Authorization: Bearer token.",
        headers=BEARER_CHALLENGE,
    )
