"""Browser sessions: log in, resolve the session cookie, log out.

The cookie value is `<random session id>.<HMAC-SHA256 of it under SECRET_KEY>`. The signature
lets us drop a forged or mangled cookie without touching the database; the row (holding only the
SHA-256 of the id) makes every session revocable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlmodel import Session, select

from closient_app import clock
from closient_app.config import get_settings
from closient_app.errors import Unauthorized
from closient_app.models import User, WebSession
from closient_app.services import accounts
from closient_app.services.passwords import hash_password, verify_password

COOKIE_NAME = "closient_session"
BAD_LOGIN = "The email or password is not right."


def _signature(session_id: str) -> str:
    key = get_settings().secret_key.encode()
    digest = hmac.new(key, session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def unsign_cookie(value: str) -> str | None:
    """The session id, or None when the cookie was not signed by us."""
    session_id, _, signature = value.partition(".")
    if not session_id or not hmac.compare_digest(signature, _signature(session_id)):
        return None
    return session_id


@dataclass(frozen=True)
class StartedSession:
    record: WebSession
    cookie_value: str  # goes into the Set-Cookie header, never stored


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def authenticate(*, session: Session, email: str, password: str) -> User:
    """The active user with this email and password, or 401 (same message either way)."""
    user = accounts.find_user_by_email(session=session, email=email)
    # An unknown email costs one hash check too, so timing does not tell which emails exist.
    password_hash = user.password_hash if user else _unknown_user_hash()
    if not verify_password(password_hash, password) or user is None or not user.is_active:
        raise Unauthorized(BAD_LOGIN, next_step="Check the email and password, or sign up.")
    return user


def start_session(*, session: Session, user: User, now: datetime | None = None) -> StartedSession:
    now = now or clock.utcnow()
    session_id = secrets.token_urlsafe(32)
    record = WebSession(
        user_id=user.id,
        session_hash=_hash(session_id),
        created=now,
        expires_at=now + timedelta(seconds=get_settings().session_ttl_s),
    )
    user.last_login = now
    session.add_all([record, user])
    session.flush()
    return StartedSession(record=record, cookie_value=f"{session_id}.{_signature(session_id)}")


def find_live_session(
    *, session: Session, cookie_value: str, now: datetime | None = None
) -> WebSession | None:
    """The unexpired, unrevoked session behind a cookie, if any."""
    session_id = unsign_cookie(cookie_value)
    if session_id is None:
        return None
    record = session.exec(
        select(WebSession).where(WebSession.session_hash == _hash(session_id))
    ).first()
    now = now or clock.utcnow()
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        return None
    return record


def end_session(*, session: Session, cookie_value: str, now: datetime | None = None) -> bool:
    """Revoke the session behind a cookie; False when there was none."""
    record = find_live_session(session=session, cookie_value=cookie_value, now=now)
    if record is None:
        return False
    record.revoked_at = now or clock.utcnow()
    session.add(record)
    return True


def csrf_token(record: WebSession) -> str:
    """A per-session token for forms, on top of SameSite=Lax (defence in depth)."""
    return _signature(f"csrf:{record.id}")


def check_csrf(record: WebSession, token: str) -> bool:
    return hmac.compare_digest(token, csrf_token(record))
