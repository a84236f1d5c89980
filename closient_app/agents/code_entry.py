"""A signed-in retailer enters a user code on the verification page: find its grant, or refuse.

Three guards against guessing: wrong codes count against the IP and the person (locked out past
the limit, see user_codes.py); a code that exists but belongs to an organization the person is
not in looks exactly like a wrong code; and such mismatches also count against the grant, which
is burned after `MAX_FOREIGN_ENTRIES`, so a leaked code cannot be tried by account after account.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from closient_app.agents import user_codes
from closient_app.models import Membership, Organization, PosDeviceGrant, Role
from closient_app.models import PosDeviceGrantStatus as Status

MAX_FOREIGN_ENTRIES = 5
CONNECT_ROLES = frozenset({Role.OWNER, Role.MANAGER})
WRONG_CODE = "That code is not right. Check it against the one your assistant showed you."


class CodeRejected(Exception):
    """Why the page cannot go on with this code, in words for the person, with an HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def grant_for_code(
    *, session: Session, raw_code: str, user_id: str, client_ip: str, now: datetime
) -> tuple[PosDeviceGrant, Organization]:
    """The pending grant behind the code, for a person who may connect a POS for its
    organization. The caller commits even on CodeRejected: the misses must be remembered."""
    buckets = user_codes.miss_buckets(client_ip=client_ip, user_id=user_id)
    if user_codes.is_locked_out(session, buckets, now):
        raise CodeRejected("Too many wrong codes. Wait 15 minutes, then try again.", 429)
    letters = user_codes.normalize_user_code(raw_code)
    grant = None
    if letters is not None:
        grant = session.exec(
            select(PosDeviceGrant)
            .where(PosDeviceGrant.user_code_hash == user_codes.hash_user_code(letters))
            .with_for_update()
        ).first()
    role = _role(session, grant.organization_id, user_id) if grant else None
    if grant is None or role is None:
        if grant is not None:
            _count_foreign_entry(session, grant)
        user_codes.record_miss(session, buckets, now)
        raise CodeRejected(WRONG_CODE, 404)
    if grant.status != Status.PENDING:
        raise CodeRejected("That code was already used. Ask your assistant for a new one.", 410)
    if grant.expires_at <= now:
        raise CodeRejected("That code has expired. Ask your assistant for a new one.", 410)
    organization = session.get(Organization, grant.organization_id)
    if role not in CONNECT_ROLES:
        raise CodeRejected(
            f"Your role in {organization.name} is {role.value}; connecting a POS needs OWNER or "
            "MANAGER. Ask an owner of the organization to enter this code.",
            403,
        )
    return grant, organization


def _role(session: Session, organization_id: str, user_id: str) -> Role | None:
    return session.exec(
        select(Membership.role).where(
            Membership.organization_id == organization_id, Membership.user_id == user_id
        )
    ).first()


def _count_foreign_entry(session: Session, grant: PosDeviceGrant) -> None:
    grant.failed_confirmations += 1
    if grant.failed_confirmations >= MAX_FOREIGN_ENTRIES and grant.status == Status.PENDING:
        grant.status, grant.failure = Status.DENIED, "too_many_attempts"
    session.add(grant)
