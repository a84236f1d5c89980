"""Headless POS connect: the agent's two JSON endpoints and the retailer's verification page.

Every answer returns normally (errors included), so `SessionDep` commits what it did (a poll's
time, a wrong code's count) before the response is sent.

`POST /integrations/api/v1/pos-connections/device-code` -> codes for the agent and retailer.
`POST /integrations/api/v1/pos-connections/device-token` -> poll until connected.
`GET /integrations/connect/device` -> sign in, enter the code, confirm, then 303 to the POS
consent screen with a state cookie, exactly as the browser install route does; the POS comes
back to the usual callback (routes/integrations_connect.py), which reports to the grant.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from closient_app import clock
from closient_app.agents import device_connect_pages as pages
from closient_app.agents.code_entry import CodeRejected, grant_for_code
from closient_app.agents.schemas import (
    DeviceCodeOut,
    DeviceCodeRequest,
    DeviceConnected,
    DeviceTokenRequest,
    PollErrorBody,
)
from closient_app.api.apps import app_router
from closient_app.api.browser_sessions import html_page, log_in_from_form, signed_in_session
from closient_app.api.deps import WRITE_ROLES, Access, SessionDep, require
from closient_app.api.routes.integrations_connect import CALLBACK_PATH, STATE_COOKIE
from closient_app.config import get_settings
from closient_app.connectors.registry import live_connector
from closient_app.services import connect, sessions
from closient_app.services import pos_device_connect as device_connect

router = app_router("integrations")
page_router = APIRouter(prefix=pages.PAGE_PATH, tags=["integrations"], include_in_schema=False)
Writer = Annotated[Access, Depends(require("integrations:write"))]
Reader = Annotated[Access, Depends(require("integrations:read"))]
FormText = Annotated[str, Form()]
POLL_ERRORS = {400: {"model": PollErrorBody, "description": "Not connected (yet): see code"}}
ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
SHOP_TAKEN = {409: {"description": "Another organization owns the shop", "content": ERROR_BODY}}


@router.post("/pos-connections/device-code", response_model=DeviceCodeOut, responses=SHOP_TAKEN)
def start_device_connect(body: DeviceCodeRequest, session: SessionDep, access: Writer):
    """Start a headless POS connect: show `user_code` and `verification_uri` to the retailer,
    then poll device-token every `interval` seconds with `device_code`."""
    access.check_org(body.organization_id, roles=WRITE_ROLES)
    issued = device_connect.start(
        session=session,
        organization_id=body.organization_id,
        provider=body.provider,
        shop=body.shop,
        requested_by=access.caller.rate_limit_key,
        now=clock.utcnow(),
    )
    return DeviceCodeOut(**issued.__dict__)


@router.post("/pos-connections/device-token", response_model=DeviceConnected, responses=POLL_ERRORS)
def poll_device_connect(body: DeviceTokenRequest, session: SessionDep, access: Reader):
    """`{"status": "connected", "source_id", "job_id"}`, or a 400 whose `error.code` is
    authorization_pending, slow_down, expired_token, access_denied, connect_failed or
    invalid_grant (RFC 8628 3.5 polling rules; `error.interval` is the current interval)."""
    grant = device_connect.find_for_poll(session=session, device_code=body.device_code)
    if grant is None or access.role_in(grant.organization_id) is None:
        return _poll_error(
            device_connect.DeviceFlowError(
                "invalid_grant",
                "Unknown device code, or one for an organization you cannot see.",
                next_step=device_connect.RESTART,
                interval=device_connect.INTERVAL_S,
            )
        )
    access.check_org(grant.organization_id)
    try:
        grant = device_connect.poll(grant=grant, now=clock.utcnow())
    except device_connect.DeviceFlowError as answer:
        return _poll_error(answer)
    return DeviceConnected(
        status="connected",
        organization_id=grant.organization_id,
        provider=grant.provider,
        shop=grant.shop_domain,
        source_id=grant.source_id,
        job_id=grant.job_id,
        next_step=f"Follow the first sync: GET /integrations/api/v1/jobs/{grant.job_id} "
        "every 5 seconds or more.",
    )


def _poll_error(answer: device_connect.DeviceFlowError) -> JSONResponse:
    error = {
        "code": answer.code,
        "message": answer.message,
        "status": 400,
        "details": [],
        "next_step": answer.next_step,
        "interval": answer.interval,
    }
    return JSONResponse({"error": error}, status_code=400, headers={"Cache-Control": "no-store"})


# The retailer's side: HTML for a person, so errors are pages too.


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@page_router.get("")
def verification_page(request: Request, session: SessionDep, user_code: str = "") -> Response:
    record = signed_in_session(request, session)
    if record is None:
        return html_page(pages.login_page(user_code))
    if not user_code:
        return html_page(pages.code_entry_page())
    try:
        grant, organization = grant_for_code(
            session=session,
            raw_code=user_code,
            user_id=record.user_id,
            client_ip=_client_ip(request),
            now=clock.utcnow(),
        )
    except CodeRejected as rejected:
        return html_page(pages.code_entry_page(user_code, error=rejected.message), rejected.status)
    csrf = sessions.csrf_token(record)
    confirm = pages.confirm_page(
        user_code=user_code, grant=grant, organization=organization, csrf_token=csrf
    )
    return html_page(confirm)


@page_router.post("/login")
def log_in(session: SessionDep, email: FormText, password: FormText, user_code: FormText = ""):
    return log_in_from_form(
        session,
        email=email,
        password=password,
        user_code=user_code,
        page_path=pages.PAGE_PATH,
        login_page=pages.login_page,
    )


@page_router.post("/decision")
def decide(
    request: Request,
    session: SessionDep,
    user_code: FormText,
    decision: FormText,
    csrf_token: FormText,
) -> Response:
    """Approve: the code is used up and the browser goes to the POS consent screen."""
    record = signed_in_session(request, session)
    if record is None:
        return html_page(pages.login_page(user_code, error="Sign in first."), 401)
    if not sessions.check_csrf(record, csrf_token):
        return html_page(
            pages.code_entry_page(user_code, error="The form expired; try again."), 403
        )
    now = clock.utcnow()
    try:
        grant, _ = grant_for_code(
            session=session,
            raw_code=user_code,
            user_id=record.user_id,
            client_ip=_client_ip(request),
            now=now,
        )
    except CodeRejected as rejected:
        return html_page(pages.code_entry_page(user_code, error=rejected.message), rejected.status)
    if decision != "approve":
        device_connect.deny(session=session, grant=grant, user_id=record.user_id, now=now)
        return html_page(pages.denied_page())
    nonce = device_connect.confirm(session=session, grant=grant, user_id=record.user_id, now=now)
    return _to_consent_screen(grant.provider, grant.shop_domain, nonce)


def _to_consent_screen(provider: str, shop: str, nonce: str) -> RedirectResponse:
    """The same trip the browser install route starts, with the same state cookie."""
    settings = get_settings()
    authorize = live_connector(provider).authorize_url(
        shop, nonce, redirect_uri=settings.base_url + CALLBACK_PATH
    )
    response = RedirectResponse(authorize, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        nonce,
        max_age=int(connect.STATE_TTL.total_seconds()),
        path=CALLBACK_PATH,
        httponly=True,
        secure=settings.base_url.startswith("https://"),
        samesite="lax",
    )
    return response
