"""Access and refresh tokens: opaque random strings, stored only as SHA-256 hashes.

Each issuance is one row; refreshing makes a new row in the same family and marks the old one
rotated. Presenting a rotated refresh token again means it leaked (or the client misbehaves), so
the whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from closient_app.config import get_settings
from closient_app.models import OAuthToken

ACCESS_PREFIX = "cat_"  # Closient access token
REFRESH_PREFIX = "crt_"  # Closient refresh token


def hash_token(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_access_token() -> str:
    return ACCESS_PREFIX + secrets.token_urlsafe(32)


def new_refresh_token() -> str:
    return REFRESH_PREFIX + secrets.token_urlsafe(32)


def store(
    *,
    session: Session,
    token: dict,
    client_id: str,
    user_id: str,
    organization_id: str | None,
    family_id: str,
    now: datetime,
) -> OAuthToken:
    """Persist a token response Authlib generated (hashes only)."""
    refresh = token.get("refresh_token")
    record = OAuthToken(
        family_id=family_id,
        client_id=client_id,
        user_id=user_id,
        organization_id=organization_id,
        scopes=token.get("scope", "").split(),
        access_token_hash=hash_token(token["access_token"]),
        refresh_token_hash=hash_token(refresh) if refresh else None,
        access_expires_at=now + timedelta(seconds=token["expires_in"]),
        refresh_expires_at=(
            now + timedelta(seconds=get_settings().refresh_token_ttl_s) if refresh else None
        ),
        created=now,
    )
    session.add(record)
    session.flush()
    return record


def find_by_refresh_token(session: Session, value: str) -> OAuthToken | None:
    """Locked, so two concurrent refreshes with one token cannot both rotate it."""
    return session.exec(
        select(OAuthToken)
        .where(OAuthToken.refresh_token_hash == hash_token(value))
        .with_for_update()
    ).first()


def find_by_access_token(session: Session, value: str) -> OAuthToken | None:
    return session.exec(
        select(OAuthToken).where(OAuthToken.access_token_hash == hash_token(value))
    ).first()


def revoke_family(session: Session, family_id: str, now: datetime) -> int:
    """Revoke every token of the grant; returns how many were still live."""
    result = session.execute(
        update(OAuthToken)
        .where(col(OAuthToken.family_id) == family_id, col(OAuthToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount
