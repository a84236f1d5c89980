"""Device authorizations (RFC 8628): created for the agent, decided by the user.

Both codes are stored as hashes. The user code is normalised before hashing (case, spaces and
dashes do not matter), so "bcdf ghjk" finds the grant shown as "BCDF-GHJK".
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlmodel import Session, select

from closient_app.errors import NotFound, ValidationFailed
from closient_app.models import DeviceGrant, DeviceGrantStatus, Membership
from closient_app.oauth.tokens import hash_token

INTERVAL_STEP_S = 5  # RFC 8628 3.5: slow_down adds 5 seconds to the polling interval


def hash_user_code(user_code: str) -> str:
    normalised = "".join(ch for ch in user_code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def create_grant(
    *,
    session: Session,
    client_id: str,
    scopes: list[str],
    device_code: str,
    user_code: str,
    expires_in: int,
    interval: int,
    now: datetime,
) -> DeviceGrant:
    grant = DeviceGrant(
        client_id=client_id,
        device_code_hash=hash_token(device_code),
        user_code_hash=hash_user_code(user_code),
        scopes=scopes,
        interval=interval,
        expires_at=now + timedelta(seconds=expires_in),
        created=now,
    )
    session.add(grant)
    session.flush()
    return grant


def find_by_device_code(session: Session, device_code: str) -> DeviceGrant | None:
    """The grant an agent polls for; a consumed one is gone (its tokens were issued)."""
    grant = session.exec(
        select(DeviceGrant)
        .where(DeviceGrant.device_code_hash == hash_token(device_code))
        .with_for_update()
    ).first()
    return None if grant is None or grant.status == DeviceGrantStatus.CONSUMED else grant


def record_poll(grant: DeviceGrant, now: datetime) -> bool:
    """Note this poll; True when it came sooner than the interval allows (then slow down)."""
    too_soon = grant.last_polled_at is not None and (
        now - grant.last_polled_at < timedelta(seconds=grant.interval)
    )
    grant.last_polled_at = now
    return too_soon


def find_pending_by_user_code(session: Session, user_code: str, now: datetime) -> DeviceGrant:
    """The grant a user is about to decide; 404 in words a person understands otherwise."""
    grant = session.exec(
        select(DeviceGrant)
        .where(DeviceGrant.user_code_hash == hash_user_code(user_code))
        .with_for_update()
    ).first()
    if grant is None:
        raise NotFound("That code is not right. Check it against the one your agent showed you.")
    if grant.status != DeviceGrantStatus.PENDING:
        raise NotFound("That code was already used. Ask your agent for a new one.")
    if grant.expires_at <= now:
        raise NotFound("That code has expired. Ask your agent for a new one.")
    return grant


def decide(
    *,
    session: Session,
    grant: DeviceGrant,
    user_id: str,
    approved: bool,
    organization_id: str | None,
    now: datetime,
) -> DeviceGrant:
    """Record the user's answer; an approval may bind the tokens to one of their organizations."""
    if approved and organization_id:
        member = session.exec(
            select(Membership.id).where(
                Membership.organization_id == organization_id, Membership.user_id == user_id
            )
        ).first()
        if member is None:
            raise ValidationFailed(
                "You are not a member of that organization.",
                details=[{"field": "organization_id", "message": "Not one of yours."}],
            )
    grant.status = DeviceGrantStatus.APPROVED if approved else DeviceGrantStatus.DENIED
    grant.user_id = user_id
    grant.organization_id = organization_id if approved else None
    grant.decided_at = now
    session.add(grant)
    session.flush()
    return grant
