"""The browser session over HTTP: its cookie, and the HTML pages a person signs in on.

The account app's JSON log-in and the two device verification pages (`/oauth/device`, where a
person approves an agent, and `/integrations/connect/device`, where they approve a POS connect)
all start the same session and set the same cookie. The cookie is HttpOnly (no script can read
it), SameSite=Lax (other sites cannot make the browser send it with a POST) and Secure whenever
the public URL is https.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from closient_app.config import get_settings
from closient_app.errors import ApiError
from closient_app.models import User, WebSession
from closient_app.services import sessions

# A verification page's log-in form: `login_page(user_code, error=...)` -> HTML.
LoginPage = Callable[..., str]


def set_session_cookie(response: Response, cookie_value: str) -> None:
    settings = get_settings()
    response.set_cookie(
        sessions.COOKIE_NAME,
        cookie_value,
        max_age=settings.session_ttl_s,
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
        path="/",
    )


def html_page(body: str, status: int = 200) -> HTMLResponse:
    """A page for a person; never cached, since it shows codes and who is signed in."""
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def signed_in_session(request: Request, session: Session) -> WebSession | None:
    """The browser's live session, if its user is still active."""
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    record = sessions.find_live_session(session=session, cookie_value=cookie) if cookie else None
    user = session.get(User, record.user_id) if record else None
    return record if user is not None and user.is_active else None


def back_to_page_signed_in(
    session: Session, user: User, *, page_path: str, user_code: str
) -> RedirectResponse:
    """Start a session for `user` and send the browser back to the page with its code (303)."""
    started = sessions.start_session(session=session, user=user)
    response = RedirectResponse(f"{page_path}?user_code={quote(user_code)}", status_code=303)
    set_session_cookie(response, started.cookie_value)
    return response


def log_in_from_form(
    session: Session,
    *,
    email: str,
    password: str,
    user_code: str,
    page_path: str,
    login_page: LoginPage,
) -> Response:
    """A verification page's log-in form: back to the page signed in, or the form again with
    the reason (and the status of the refusal)."""
    try:
        user = sessions.authenticate(session=session, email=email, password=password)
    except ApiError as exc:
        return html_page(login_page(user_code, error=exc.message), exc.status)
    return back_to_page_signed_in(session, user, page_path=page_path, user_code=user_code)
