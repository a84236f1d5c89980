"""Starting a POS connect: install links for agents, and the OAuth `state` of each consent trip.

Both are single use, short lived and bound to one organization and shop; only SHA-256 hashes
of their tokens are stored. Redeeming is one conditional UPDATE (`used_at IS NULL`), never a
read-then-write, so two browsers racing with the same link cannot both get through.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy import update
from sqlmodel import Session, select

from closient_app.config import get_settings
from closient_app.connectors.interface import InvalidShop
from closient_app.connectors.shopify.domain import normalize_shop_domain
from closient_app.errors import Conflict, ValidationFailed
from closient_app.models import InstallLink, InventorySource, PosOAuthState

INSTALL_LINK_TTL = timedelta(minutes=30)  # long enough to read a message and click
STATE_TTL = timedelta(minutes=10)  # one trip to the consent screen and back


class ConnectFailure(StrEnum):
    """Why a connect attempt stopped; each has a page saying what happened and what to do."""

    INVALID_SHOP = "invalid_shop"
    NEED_LINK = "need_link"
    UNKNOWN_LINK = "unknown_link"
    EXPIRED_LINK = "expired_link"
    USED_LINK = "used_link"
    SHOP_MISMATCH = "shop_mismatch"
    BAD_SIGNATURE = "bad_signature"
    STALE_CALLBACK = "stale_callback"
    OTHER_BROWSER = "other_browser"
    EXPIRED_STATE = "expired_state"
    USED_STATE = "used_state"
    DECLINED = "declined"
    OTHER_ORGANIZATION = "other_organization"
    MISSING_PERMISSIONS = "missing_permissions"
    SHOPIFY_ERROR = "shopify_error"
    SUBSCRIBE_FAILED = "subscribe_failed"


class ConnectRefused(Exception):
    """A connect attempt that must stop; `organization_id`/`shop` when known (for a retry)."""

    def __init__(
        self,
        failure: ConnectFailure,
        *,
        shop: str | None = None,
        organization_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(failure.value)
        self.failure, self.shop, self.organization_id = failure, shop, organization_id
        self.detail = detail


@dataclass(frozen=True)
class IssuedInstallLink:
    install_url: str
    expires_at: datetime
    shop: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def shop_or_422(raw: str) -> str:
    try:
        return normalize_shop_domain(raw)
    except InvalidShop as exc:
        raise ValidationFailed(
            "The shop is not a Shopify shop address.",
            details=[{"field": "shop", "message": exc.reason}],
        ) from exc


def owning_organization(*, session: Session, provider: str, shop: str) -> str | None:
    return session.exec(
        select(InventorySource.organization_id).where(
            InventorySource.provider == provider, InventorySource.shop_domain == shop
        )
    ).first()


def create_install_link(
    *, session: Session, organization_id: str, shop: str, now: datetime, provider: str = "shopify"
) -> IssuedInstallLink:
    """A link for the retailer's browser: it carries a one-time token, no agent credential."""
    shop = shop_or_422(shop)
    owner = owning_organization(session=session, provider=provider, shop=shop)
    if owner is not None and owner != organization_id:
        raise Conflict(
            "This shop is connected to another Closient organization.",
            next_step="An owner of that organization must disconnect it first.",
        )
    token = secrets.token_urlsafe(32)
    link = InstallLink(
        organization_id=organization_id,
        provider=provider,
        shop_domain=shop,
        token_hash=token_hash(token),
        expires_at=now + INSTALL_LINK_TTL,
    )
    session.add(link)
    session.flush()
    query = urlencode({"shop": shop, "link": token})
    url = f"{get_settings().base_url}/integrations/{provider}/install?{query}"
    return IssuedInstallLink(install_url=url, expires_at=link.expires_at, shop=shop)


def redeem_install_link(*, session: Session, token: str, shop: str, now: datetime) -> InstallLink:
    """Use a link once. The shop in the URL must be the one the link was made for."""
    link = session.exec(
        select(InstallLink).where(InstallLink.token_hash == token_hash(token))
    ).first()
    if link is None:
        raise ConnectRefused(ConnectFailure.UNKNOWN_LINK, shop=shop)
    known = {"shop": link.shop_domain, "organization_id": link.organization_id}
    if link.shop_domain != shop:
        raise ConnectRefused(ConnectFailure.SHOP_MISMATCH, **known)
    if link.expires_at <= now:
        raise ConnectRefused(ConnectFailure.EXPIRED_LINK, **known)
    used = session.execute(
        update(InstallLink)
        .where(InstallLink.id == link.id, InstallLink.used_at.is_(None))
        .values(used_at=now)
        .returning(InstallLink.id)
    ).first()
    if used is None:
        raise ConnectRefused(ConnectFailure.USED_LINK, **known)
    return link


def issue_state(
    *,
    session: Session,
    organization_id: str,
    shop: str,
    now: datetime,
    install_link_id: str | None = None,
    provider: str = "shopify",
) -> str:
    """A fresh nonce for the consent trip; the caller also sets it as a browser cookie."""
    nonce = secrets.token_urlsafe(32)
    session.add(
        PosOAuthState(
            organization_id=organization_id,
            provider=provider,
            shop_domain=shop,
            nonce_hash=token_hash(nonce),
            install_link_id=install_link_id,
            expires_at=now + STATE_TTL,
        )
    )
    session.flush()
    return nonce


def consume_state(*, session: Session, nonce: str, shop: str, now: datetime) -> PosOAuthState:
    """Use a state once; it must be unexpired and for this shop."""
    used = session.execute(
        update(PosOAuthState)
        .where(PosOAuthState.nonce_hash == token_hash(nonce), PosOAuthState.used_at.is_(None))
        .values(used_at=now)
        .returning(PosOAuthState.id)
    ).first()
    state = session.exec(
        select(PosOAuthState).where(PosOAuthState.nonce_hash == token_hash(nonce))
    ).first()
    if state is None:
        raise ConnectRefused(ConnectFailure.OTHER_BROWSER, shop=shop)
    known = {"shop": state.shop_domain, "organization_id": state.organization_id}
    if used is None:
        raise ConnectRefused(ConnectFailure.USED_STATE, **known)
    if state.expires_at <= now:
        raise ConnectRefused(ConnectFailure.EXPIRED_STATE, **known)
    if state.shop_domain != shop:
        raise ConnectRefused(ConnectFailure.SHOP_MISMATCH, **known)
    return state
