"""Who is using the browser UI: the user behind the session cookie, and their role in an org.

The Reflex pages never see the cookie's value in the browser (it is HttpOnly); the server reads
it from the websocket's handshake headers and resolves it here on every event that needs it.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from sqlmodel import Session, select

from closient_app.models import Membership, Role, User
from closient_app.services import sessions

# Who may change onboarding data (the API contract: every onboarding write is OWNER or MANAGER).
MANAGING_ROLES = frozenset({Role.OWNER, Role.MANAGER})


def session_cookie(cookie_header: str) -> str | None:
    """Our session cookie's value from a raw `Cookie:` header."""
    try:
        jar = SimpleCookie(cookie_header or "")
    except CookieError:
        return None
    morsel = jar.get(sessions.COOKIE_NAME)
    return morsel.value if morsel else None


def signed_in_user(*, session: Session, cookie_header: str) -> User | None:
    """The active user of a live (unexpired, unrevoked) session, or None."""
    value = session_cookie(cookie_header)
    record = sessions.find_live_session(session=session, cookie_value=value) if value else None
    user = session.get(User, record.user_id) if record else None
    return user if user is not None and user.is_active else None


def role_in(*, session: Session, user_id: str, organization_id: str) -> Role | None:
    return session.exec(
        select(Membership.role).where(
            Membership.user_id == user_id, Membership.organization_id == organization_id
        )
    ).first()
