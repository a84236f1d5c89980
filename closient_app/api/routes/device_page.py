"""The device verification page at /oauth/device, where a person approves an agent.

A person, not an agent, reads these answers, so they are HTML (errors included), and each form
posts back here. Logging in or signing up on this page starts the same browser session as the
rest of the site.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from closient_app import clock
from closient_app.api.browser_sessions import (
    back_to_page_signed_in,
    html_page,
    log_in_from_form,
    signed_in_session,
)
from closient_app.api.deps import SessionDep
from closient_app.errors import ApiError
from closient_app.models import WebSession
from closient_app.oauth import device, pages
from closient_app.services import accounts, sessions

router = APIRouter(tags=["oauth"], include_in_schema=False)
FormText = Annotated[str, Form()]
PAGE_PATH = "/oauth/device"


def _confirm(session: Session, record: WebSession, user_code: str, error: str = "") -> Response:
    try:
        grant = device.find_pending_by_user_code(session, user_code, clock.utcnow())
    except ApiError as exc:
        return html_page(pages.code_entry_page(user_code, error=exc.message), exc.status)
    organizations = accounts.organizations_of(session=session, user_id=record.user_id)
    csrf = sessions.csrf_token(record)
    page = pages.confirm_page(
        user_code=user_code, grant=grant, organizations=organizations, csrf_token=csrf, error=error
    )
    return html_page(page, 422 if error else 200)


@router.get(PAGE_PATH)
def verification_page(request: Request, session: SessionDep, user_code: str = "") -> Response:
    record = signed_in_session(request, session)
    if record is None:
        return html_page(pages.login_page(user_code))
    if not user_code:
        return html_page(pages.code_entry_page())
    return _confirm(session, record, user_code)


@router.post(PAGE_PATH + "/login")
def log_in(
    session: SessionDep, email: FormText, password: FormText, user_code: FormText = ""
) -> Response:
    return log_in_from_form(
        session,
        email=email,
        password=password,
        user_code=user_code,
        page_path=PAGE_PATH,
        login_page=pages.login_page,
    )


@router.post(PAGE_PATH + "/signup")
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
        return html_page(pages.login_page(user_code, error=problems), exc.status)
    return back_to_page_signed_in(session, user, page_path=PAGE_PATH, user_code=user_code)


@router.post(PAGE_PATH + "/decision")
def decide(
    request: Request,
    session: SessionDep,
    user_code: FormText,
    decision: FormText,
    csrf_token: FormText,
    organization_id: FormText = "",
) -> Response:
    record = signed_in_session(request, session)
    if record is None:
        return html_page(pages.login_page(user_code, error="Log in first."), 401)
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
    return html_page(pages.done_page(decision == "approve"))
