"""Connecting Shopify: install links for agents (JSON), then the browser's install and callback.

`POST /integrations/api/v1/shopify/install-links` -> a link for the retailer's browser.
`GET /integrations/shopify/install` -> 302 to the consent screen, with a fresh `state` that is
also set as a cookie scoped to the callback, so the callback only completes in the browser
that started the trip. `GET /integrations/shopify/callback` -> a page saying what happened.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from closient_app.api.apps import app_router
from closient_app.api.connect_pages import failure_page, success_page
from closient_app.api.deps import WRITE_ROLES, Access, SessionDep, require
from closient_app.clock import utcnow
from closient_app.config import get_settings
from closient_app.connectors.interface import InvalidShop
from closient_app.connectors.registry import live_connector
from closient_app.connectors.shopify.domain import normalize_shop_domain
from closient_app.errors import ApiError
from closient_app.models import Membership
from closient_app.schemas.integrations import InstallLinkCreate, InstallLinkOut
from closient_app.services import connect
from closient_app.services import pos_device_connect as device_connect
from closient_app.services.authn import resolve_caller
from closient_app.services.connect import ConnectFailure, ConnectRefused
from closient_app.services.connect_callback import complete_connect
from closient_app.services.sessions import COOKIE_NAME

router = app_router("integrations")
pages = APIRouter(prefix="/integrations/shopify", tags=["integrations"], include_in_schema=False)
Writer = Annotated[Access, Depends(require("integrations:write"))]

STATE_COOKIE = "closient_shopify_state"
CALLBACK_PATH = "/integrations/shopify/callback"


@router.post(
    "/shopify/install-links", status_code=status.HTTP_201_CREATED, response_model=InstallLinkOut
)
def create_install_link(body: InstallLinkCreate, session: SessionDep, access: Writer):
    """A single-use link, valid 30 minutes, that connects `shop` to the organization when the
    retailer opens it and approves at Shopify. It carries no credential of the caller."""
    access.check_org(body.organization_id, roles=WRITE_ROLES)
    issued = connect.create_install_link(
        session=session, organization_id=body.organization_id, shop=body.shop, now=utcnow()
    )
    # SessionDep commits after the response is sent; the link must exist before the agent
    # can hand it on.
    session.commit()
    return InstallLinkOut(install_url=issued.install_url, expires_at=issued.expires_at)


@pages.get("/install")
def start_install(
    request: Request,
    session: SessionDep,
    shop: str = "",
    link: str | None = None,
    organization_id: str | None = None,
) -> Response:
    """302 to the shop's consent screen. Needs an install link, or a signed-in OWNER/MANAGER."""
    try:
        shop_domain = normalize_shop_domain(shop)
    except InvalidShop:
        return failure_page(ConnectFailure.INVALID_SHOP)
    now = utcnow()
    try:
        if link:
            redeemed = connect.redeem_install_link(
                session=session, token=link, shop=shop_domain, now=now
            )
            org_id, link_id = redeemed.organization_id, redeemed.id
        else:
            org_id, link_id = _signed_in_organization(request, session, organization_id), None
            if org_id is None:
                raise ConnectRefused(ConnectFailure.NEED_LINK, shop=shop_domain)
        nonce = connect.issue_state(
            session=session,
            organization_id=org_id,
            shop=shop_domain,
            now=now,
            install_link_id=link_id,
        )
    except ConnectRefused as refused:
        session.rollback()
        return _refused_page(refused)
    session.commit()  # before the redirect: the callback may arrive within milliseconds
    settings = get_settings()
    authorize = live_connector("shopify").authorize_url(
        shop_domain, nonce, redirect_uri=settings.base_url + CALLBACK_PATH
    )
    response = RedirectResponse(authorize, status_code=status.HTTP_302_FOUND)
    response.set_cookie(
        STATE_COOKIE,
        nonce,
        max_age=int(connect.STATE_TTL.total_seconds()),
        path=CALLBACK_PATH,
        httponly=True,
        secure=settings.base_url.startswith("https://"),
        samesite="lax",  # sent on the top-level redirect back from Shopify
    )
    return response


@pages.get("/callback")
async def finish_connect(request: Request) -> HTMLResponse:
    """Shopify's redirect after the merchant approved (or declined); ends on a page."""
    params = {key: value for key, value in request.query_params.items()}
    nonce = request.cookies.get(STATE_COOKIE)
    try:
        connected = await complete_connect(
            params=params,
            browser_nonce=nonce,
            connector=live_connector("shopify"),
            now=utcnow(),
        )
    except ConnectRefused as refused:
        # If a headless (device-code) connect started this trip, its agent polls for the end.
        await device_connect.report_callback(params, nonce, failure=refused.failure)
        return _refused_page(refused)
    await device_connect.report_callback(
        params, nonce, source_id=connected.source_id, job_id=connected.job_id
    )
    page = success_page(shop=connected.shop, endpoint_count=connected.endpoint_count)
    page.delete_cookie(STATE_COOKIE, path=CALLBACK_PATH)
    return page


def _refused_page(refused: ConnectRefused) -> HTMLResponse:
    return failure_page(
        refused.failure,
        shop=refused.shop,
        organization_id=refused.organization_id,
        detail=refused.detail,
    )


def _signed_in_organization(
    request: Request, session: Session, organization_id: str | None
) -> str | None:
    """The organization a signed-in OWNER/MANAGER is connecting: the one named, else their
    only one. None when the browser is not signed in or it is ambiguous."""
    cookie = request.cookies.get(COOKIE_NAME)
    if not cookie:
        return None
    try:
        caller = resolve_caller(session, api_key=None, session_cookie=cookie)
    except ApiError:
        return None
    if caller.user_id is None:
        return None
    writable = session.exec(
        select(Membership.organization_id).where(
            Membership.user_id == caller.user_id, Membership.role.in_(WRITE_ROLES)
        )
    ).all()
    if organization_id:
        return organization_id if organization_id in writable else None
    return writable[0] if len(writable) == 1 else None
