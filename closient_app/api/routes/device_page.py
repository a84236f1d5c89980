"""The device verification page at /oauth/device, where a person approves an agent.

A person, not an agent, reads these answers, so they are HTML (errors included), and each form
posts back here. Logging in or signing up on this page starts the same browser session as the
rest of the site.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from closient_app import clock
from closient_app.api.deps import SessionDep
from closient_app.api.routes.account_sessions import set_session_cookie
from closient_app.errors import ApiError
from closient_app.models import User, WebSession
from closient_app.oauth import device, pages
from closient_app.services import accounts, sessions

router = APIRouter(tags=["oauth"], include_in_schema=False)
FormText = Annotated[str, Form()]


def _browser_session(request: Request, session: Session) -> WebSession | None:
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    record = sessions.find_live_session(session=session, cookie_value=cookie) if cookie else None
    user = session.get(User, record.user_id) if record else None
    return record if user is not None and user.is_active else None


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _confirm(session: Session, record: WebSession, user_code: str, error: str = "") -> Response:
    try:
        grant = device.find_pending_by_user_code(session, user_code, clock.utcnow())
    except ApiError as exc:
        return _html(pages.code_entry_page(user_code, error=exc.message), exc.status)
    organizations = accounts.organizations_of(session=session, user_id=record.user_id)
    csrf = sessions.csrf_token(record)
    page = pages.confirm_page(
        user_code=user_code, grant=grant, organizations=organizations, csrf_token=csrf, error=error
    )
    return _html(page, 422 if error else 200)


@router.get("/oauth/device")
def verification_page(request: Request, session: SessionDep, user_code: str = "") -> Response:
    record = _browser_session(request, session)
    if record is None:
        return _html(pages.login_page(user_code))
    if not user_code:
        return _html(pages.code_entry_page())
    return _confirm(session, record, user_code)


def _logged_in_redirect(session: Session, user: User, user_code: str) -> Response:
    started = sessions.start_session(session=session, user=user)
    response = RedirectResponse(f"/oauth/device?user_code={quote(user_code)}", status_code=303)
    set_session_cookie(response, started.cookie_value)
    return response


@router.post("/oauth/device/login")
def log_in(
    session: SessionDep, email: FormText, password: FormText, user_code: FormText = ""
) -> Response:
    try:
        user = sessions.authenticate(session=session, email=email, password=password)
    except ApiError as exc:
        return _html(pages.login_page(user_code, error=exc.message), exc.status)
    return _logged_in_redirect(session, user, user_code)


@router.post("/oauth/device/signup")
def sign_up(
    session: SessionDep,
    email: FormText,
    password: FormText,
    name: FormText = "",
    user_code: FormText = "",
) -> Response:
    try:
        user = accounts.sign_up(session=session, email=email, password=password, name=name)
    except ApiError as exc:
        problems = "; ".join(d["message"] for d in exc.details) or exc.message
        return _html(pages.login_page(user_code, error=problems), exc.status)
    return _logged_in_redirect(session, user, user_code)


@router.post("/oauth/device/decision")
def decide(
    request: Request,
    session: SessionDep,
    user_code: FormText,
    decision: FormText,
    csrf_token: FormText,
    organization_id: FormText = "",
) -> Response:
    record = _browser_session(request, session)
    if record is None:
        return _html(pages.login_page(user_code, error="Log in first."), 401)
    if not sessions.check_csrf(record, csrf_token):
        return _confirm(session, record, user_code, error="The form expired; please try again.")
    try:
        grant = device.find_pending_by_user_code(session, user_code, clock.utcnow())
        device.decide(
            session=session,
            grant=grant,
            user_id=record.user_id,
            approved=decision == "approve",
            organization_id=organization_id or None,
            now=clock.utcnow(),
        )
    except ApiError as exc:
        return _confirm(session, record, user_code, error=exc.message)
    return _html(pages.done_page(decision == "approve"))
