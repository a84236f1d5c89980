"""Managing an organization's API keys: list, create, update, delete.

A credential cannot mint a stronger one: a new or updated key's scopes must be among the
caller's, and only an OWNER may hold or hand out OWNER keys. Through the API a key's rate limits
can only be lowered below the defaults; raising them is an operator's decision (the CLI).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from closient_app import clock
from closient_app.config import get_settings
from closient_app.errors import Forbidden, ValidationFailed
from closient_app.models import ApiKey, Role
from closient_app.services import accounts
from closient_app.services.ownership import get_owned, owned_query


def keys_query(organization_id: str):
    return owned_query(ApiKey, organization_id)


def get_key(*, session: Session, organization_id: str, key_id: str) -> ApiKey:
    return get_owned(
        session,
        ApiKey,
        key_id,
        organization_id,
        missing_message="No such API key in this organization.",
    )


def check_grant(
    *,
    acting_role: Role,
    acting_scopes: frozenset[str],
    role: Role | None = None,
    scopes: list[str] | None = None,
    rate_limit_per_minute: int | None = None,
    rate_limit_per_day: int | None = None,
    expires_at: datetime | None = None,
) -> None:
    """Refuse anything the acting credential may not hand out, with the reason."""
    if role == Role.OWNER and acting_role != Role.OWNER:
        raise Forbidden("Only an OWNER can create or change OWNER keys.")
    if scopes is not None:
        unknown = sorted(set(scopes) - set(accounts.ALL_SCOPES))
        if unknown:
            raise ValidationFailed(
                "Unknown scope.",
                details=[{"field": "scopes", "message": f"Unknown: {', '.join(unknown)}"}],
                next_step=f"Use scopes from: {', '.join(accounts.ALL_SCOPES)}.",
            )
        beyond = sorted(set(scopes) - acting_scopes)
        if beyond:
            raise Forbidden(
                f"You cannot grant scopes you do not hold: {', '.join(beyond)}.",
                next_step="Use a credential that holds these scopes.",
            )
    _check_limits(rate_limit_per_minute, rate_limit_per_day)
    if expires_at is not None and expires_at <= clock.utcnow():
        raise ValidationFailed(
            "The expiry is in the past.",
            details=[{"field": "expires_at", "message": "Must be in the future."}],
        )


def _check_limits(per_minute: int | None, per_day: int | None) -> None:
    settings = get_settings()
    problems = []
    if per_minute is not None and per_minute > settings.rate_limit_per_minute:
        problems.append(("rate_limit_per_minute", settings.rate_limit_per_minute))
    if per_day is not None and per_day > settings.rate_limit_per_day:
        problems.append(("rate_limit_per_day", settings.rate_limit_per_day))
    if problems:
        raise ValidationFailed(
            "A key's rate limit can only be lowered through the API.",
            details=[{"field": f, "message": f"At most {limit}."} for f, limit in problems],
            next_step="Ask the operator to raise it (python -m closient_app create-api-key).",
        )


def update_key(*, session: Session, record: ApiKey, changes: dict[str, Any]) -> ApiKey:
    """Apply already-checked changes (name, scopes, role, is_active, expiry, limits)."""
    for name, value in changes.items():
        setattr(record, name, value)
    session.add(record)
    session.flush()
    return record


def delete_key(*, session: Session, record: ApiKey) -> None:
    session.delete(record)
    session.flush()
