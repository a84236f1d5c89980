"""Requests retailers leave in the wizard: 'tell me when my POS is ready', or 'help me connect'."""

from __future__ import annotations

import re

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from closient_app.errors import ValidationFailed
from closient_app.models import PosInterestRequest, RequestedPos, SupportRequest

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_MESSAGE = 4000


def _check_email(email: str) -> list[dict[str, str]]:
    if _EMAIL.match(email.strip()):
        return []
    return [{"field": "contact_email", "message": "Enter an email address like you@store.com."}]


def request_pos_interest(
    *,
    session: Session,
    organization_id: str,
    user_id: str,
    provider: str,
    contact_email: str,
) -> None:
    """Remember that this retailer wants `provider`; asking again changes nothing."""
    try:
        wanted = RequestedPos(provider)
    except ValueError:
        raise ValidationFailed(
            "We only take requests for Square, Clover and Lightspeed here.",
            details=[{"field": "provider", "message": "Unknown POS."}],
        ) from None
    if problems := _check_email(contact_email):
        raise ValidationFailed("The contact email is not valid.", details=problems)
    # The unique (organization, user, provider) decides, not a racy look-up first.
    session.execute(
        insert(PosInterestRequest)
        .values(
            **PosInterestRequest(
                organization_id=organization_id,
                user_id=user_id,
                provider=wanted,
                contact_email=contact_email.strip(),
            ).model_dump()
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "user_id", "provider"])
    )


def requested_providers(*, session: Session, organization_id: str, user_id: str) -> set[str]:
    rows = session.exec(
        select(PosInterestRequest.provider).where(
            PosInterestRequest.organization_id == organization_id,
            PosInterestRequest.user_id == user_id,
        )
    ).all()
    return {str(provider) for provider in rows}


def file_support_request(
    *,
    session: Session,
    organization_id: str,
    user_id: str,
    pos_name: str,
    contact_email: str,
    message: str,
) -> SupportRequest:
    """Store a request for help with a POS we do not list; every field problem is named."""
    problems = _check_email(contact_email)
    if not pos_name.strip():
        problems.append({"field": "pos_name", "message": "Tell us which POS you use."})
    if len(message) > MAX_MESSAGE:
        problems.append({"field": "message", "message": f"Keep it under {MAX_MESSAGE} characters."})
    if problems:
        raise ValidationFailed("The request is not complete.", details=problems)
    request = SupportRequest(
        organization_id=organization_id,
        user_id=user_id,
        pos_name=pos_name.strip()[:120],
        contact_email=contact_email.strip(),
        message=message.strip(),
    )
    session.add(request)
    session.flush()
    return request
