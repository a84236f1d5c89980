"""Headless POS connect (RFC 8628 semantics): the agent polls, the retailer approves.

1. `start` (agent): a device code for the agent, a user code for the retailer, both hashed.
2. `confirm` (retailer, signed in on our verification page): the user code is used up, and a
   POS OAuth `state` is issued with services/connect.py and bound to the grant; the retailer
   goes to the POS consent screen and comes back to the usual callback.
3. `record_callback_outcome` (the callback): the grant learns the source and first sync job, or
   why the connect failed.
4. `poll` (agent): authorization_pending, slow_down, expired_token, access_denied,
   connect_failed, or connected with source_id and job_id (repeatable until it expires).
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from closient_app.agents import user_codes
from closient_app.config import get_settings
from closient_app.connectors.registry import UnknownProvider, get_provider
from closient_app.db import session_scope
from closient_app.errors import ApiError, Conflict, ValidationFailed
from closient_app.models import PosDeviceGrant, PosOAuthState
from closient_app.models import PosDeviceGrantStatus as Status
from closient_app.oauth.tokens import hash_token
from closient_app.services import connect
from closient_app.services.connect import ConnectFailure

INTERVAL_S = 5
SLOW_DOWN_STEP_S = 5  # RFC 8628 3.5
VERIFICATION_PATH = "/integrations/connect/device"
RESTART = "Start again: POST /integrations/api/v1/pos-connections/device-code."
# Callback refusals that end the attempt; the rest (a reloaded or forged callback) do not.
DECLINED = {ConnectFailure.DECLINED}
FAILED = {
    ConnectFailure.MISSING_PERMISSIONS: "Some POS permissions were not granted.",
    ConnectFailure.OTHER_ORGANIZATION: "This shop is connected to another organization.",
    ConnectFailure.SHOPIFY_ERROR: "The POS refused or failed to hand over access.",
    ConnectFailure.SUBSCRIBE_FAILED: "Subscribing to the shop's updates failed.",
    ConnectFailure.EXPIRED_STATE: "The retailer took more than 10 minutes at the POS.",
}


class DeviceFlowError(ApiError):
    """A poll answer other than `connected`: `code` is the RFC 8628 error name."""

    status = 400

    def __init__(self, code: str, message: str, *, next_step: str, interval: int) -> None:
        super().__init__(message, next_step=next_step)
        self.code, self.interval = code, interval


@dataclass(frozen=True)
class IssuedDeviceCode:
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int


def start(
    *,
    session: Session,
    organization_id: str,
    provider: str,
    shop: str,
    requested_by: str,
    now: datetime,
) -> IssuedDeviceCode:
    _check_live_provider(provider)
    shop = connect.shop_or_422(shop)
    owner = connect.owning_organization(session=session, provider=provider, shop=shop)
    if owner is not None and owner != organization_id:
        raise Conflict(
            "This shop is connected to another Closient organization.",
            next_step="An OWNER of that organization must disconnect it first "
            "(DELETE /integrations/api/v1/sources/{source_id}).",
        )
    device_code, expires_in = secrets.token_urlsafe(32), get_settings().device_code_ttl_s
    for _attempt in range(3):  # a user-code collision is astronomically rare; retry anyway
        user_code = user_codes.new_user_code()
        grant = PosDeviceGrant(
            organization_id=organization_id,
            provider=provider,
            shop_domain=shop,
            requested_by=requested_by,
            device_code_hash=hash_token(device_code),
            user_code_hash=user_codes.hash_user_code(user_codes.normalize_user_code(user_code)),
            interval=INTERVAL_S,
            expires_at=now + timedelta(seconds=expires_in),
        )
        try:
            with session.begin_nested():
                session.add(grant)
            break
        except IntegrityError:
            continue
    else:
        raise RuntimeError("three user-code collisions in a row: the code space is exhausted")
    uri = get_settings().base_url + VERIFICATION_PATH
    return IssuedDeviceCode(
        device_code=device_code,
        user_code=user_code,
        verification_uri=uri,
        verification_uri_complete=f"{uri}?user_code={user_code}",
        expires_in=expires_in,
        interval=INTERVAL_S,
    )


def _check_live_provider(key: str) -> None:
    try:
        provider = get_provider(key)
    except UnknownProvider:
        provider = None
    if provider is None or not provider.is_live:
        raise ValidationFailed(
            f"POS provider {key!r} cannot be connected yet; Shopify can.",
            details=[{"field": "provider", "message": "supported: shopify"}],
            next_step="Use provider shopify. For Square, Clover or Lightspeed, the retailer can "
            "ask for it in the onboarding wizard (/onboarding).",
        )


def find_for_poll(*, session: Session, device_code: str) -> PosDeviceGrant | None:
    return session.exec(
        select(PosDeviceGrant)
        .where(PosDeviceGrant.device_code_hash == hash_token(device_code))
        .with_for_update()
    ).first()


def poll(*, grant: PosDeviceGrant, now: datetime) -> PosDeviceGrant:
    """The grant when connected; otherwise raises DeviceFlowError. The caller must still
    commit: a poll records its time and may lengthen the interval."""
    if grant.status == Status.CONNECTED:
        return grant
    if grant.status == Status.DENIED:
        locked = grant.failure == "too_many_attempts"
        why = "Too many wrong people entered the code" if locked else "The retailer said no"
        raise _answer(grant, "access_denied", f"{why}; nothing was connected.", RESTART)
    if grant.status == Status.FAILED:
        reason = FAILED.get(ConnectFailure(grant.failure), "The POS connect failed.")
        raise _answer(grant, "connect_failed", reason, RESTART)
    if grant.expires_at <= now:
        raise _answer(grant, "expired_token", "The device code expired.", RESTART)
    too_soon = grant.last_polled_at is not None and (
        now - grant.last_polled_at < timedelta(seconds=grant.interval)
    )
    grant.last_polled_at = now
    if too_soon:
        grant.interval += SLOW_DOWN_STEP_S
        raise _answer(
            grant,
            "slow_down",
            "Polling too fast.",
            f"Wait {grant.interval} seconds between polls from now on.",
        )
    waiting = (
        "The retailer has not entered the code yet."
        if grant.status == Status.PENDING
        else "The retailer confirmed the code and is approving at the POS."
    )
    raise _answer(
        grant, "authorization_pending", waiting, f"Poll again in {grant.interval} seconds."
    )


def _answer(grant: PosDeviceGrant, code: str, message: str, next_step: str) -> DeviceFlowError:
    return DeviceFlowError(code, message, next_step=next_step, interval=grant.interval)


def confirm(*, session: Session, grant: PosDeviceGrant, user_id: str, now: datetime) -> str:
    """The retailer confirmed: use the code up and return the POS `state` for the consent trip."""
    nonce = connect.issue_state(
        session=session,
        organization_id=grant.organization_id,
        shop=grant.shop_domain,
        now=now,
        provider=grant.provider,
    )
    state = session.exec(
        select(PosOAuthState).where(PosOAuthState.nonce_hash == connect.token_hash(nonce))
    ).one()
    grant.status, grant.pos_state_id = Status.AUTHORIZING, state.id
    grant.confirmed_by_user_id, grant.confirmed_at = user_id, now
    # The trip to the POS may start just before the code expires: let the agent see it end.
    grant.expires_at = max(grant.expires_at, state.expires_at + timedelta(minutes=5))
    session.add(grant)
    session.flush()
    return nonce


def deny(*, session: Session, grant: PosDeviceGrant, user_id: str, now: datetime) -> None:
    grant.status, grant.confirmed_by_user_id, grant.confirmed_at = Status.DENIED, user_id, now
    session.add(grant)
    session.flush()


def record_callback_outcome(
    *,
    state: str | None,
    browser_nonce: str | None,
    source_id: str | None = None,
    job_id: str | None = None,
    failure: ConnectFailure | None = None,
) -> None:
    """Called by the POS OAuth callback. Only for the browser that started the trip (its state
    cookie matches), and only for a grant still waiting for it."""
    if not (state and browser_nonce and hmac.compare_digest(state, browser_nonce)):
        return
    if failure is not None and failure not in DECLINED and failure not in FAILED:
        return
    with session_scope() as session:
        grant = session.exec(
            select(PosDeviceGrant)
            .join(PosOAuthState, PosOAuthState.id == PosDeviceGrant.pos_state_id)
            .where(PosOAuthState.nonce_hash == connect.token_hash(state))
            .with_for_update(of=PosDeviceGrant)
        ).first()
        if grant is None or grant.status != Status.AUTHORIZING:
            return
        if failure is None:
            grant.status, grant.source_id, grant.job_id = Status.CONNECTED, source_id, job_id
        else:
            grant.status = Status.DENIED if failure in DECLINED else Status.FAILED
            grant.failure = failure.value
        session.add(grant)


async def report_callback(params: dict[str, str], browser_nonce: str | None, **outcome) -> None:
    """The async callback route's one call: `record_callback_outcome` in a worker thread."""
    await asyncio.to_thread(
        record_callback_outcome, state=params.get("state"), browser_nonce=browser_nonce, **outcome
    )
