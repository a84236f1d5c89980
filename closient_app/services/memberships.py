"""Members of an organization and their roles, with the last-OWNER rule.

An organization always keeps at least one OWNER. Only an OWNER may grant the OWNER role or
change or remove another OWNER; OWNERs and MANAGERs manage everyone else. The OWNER rows are
locked while deciding, so two concurrent demotions cannot leave an organization without one.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from closient_app.errors import Conflict, Forbidden, ValidationFailed
from closient_app.models import Membership, Role, User
from closient_app.services import accounts
from closient_app.services.ownership import get_owned

LAST_OWNER = "An organization must keep at least one OWNER; this change would leave it with none."


def members_query(organization_id: str):
    """Members with their users, oldest first (a statement, for pagination)."""
    return (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == organization_id)
        .order_by(Membership.created, Membership.id)
    )


def get_member(*, session: Session, organization_id: str, member_id: str) -> Membership:
    return get_owned(
        session,
        Membership,
        member_id,
        organization_id,
        missing_message="No such member in this organization.",
    )


def _only_owner_may(acting_role: Role, *roles: Role) -> None:
    if Role.OWNER in roles and acting_role != Role.OWNER:
        raise Forbidden(
            "Only an OWNER can grant the OWNER role or change an OWNER.",
            next_step="Ask an OWNER of the organization to make this change.",
        )


def _keeps_an_owner(session: Session, member: Membership) -> None:
    owners = session.exec(
        select(Membership.id)
        .where(Membership.organization_id == member.organization_id)
        .where(Membership.role == Role.OWNER)
        .with_for_update()
    ).all()
    if member.role == Role.OWNER and len(owners) <= 1:
        raise Conflict(LAST_OWNER, next_step="Make another member an OWNER first.")


def add_member(
    *, session: Session, organization_id: str, email: str, role: Role, acting_role: Role
) -> Membership:
    _only_owner_may(acting_role, role)
    user = accounts.find_user_by_email(session=session, email=email)
    if user is None:
        raise ValidationFailed(
            "No user has this email.",
            details=[{"field": "email", "message": "No account with this email."}],
            next_step="Ask them to sign up first, then add them.",
        )
    member = Membership(organization_id=organization_id, user_id=user.id, role=role)
    try:
        with session.begin_nested():
            session.add(member)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "This user is already a member.", next_step="Change their role with PUT instead."
        ) from None
    return member


def change_role(
    *, session: Session, member: Membership, role: Role, acting_role: Role
) -> Membership:
    _only_owner_may(acting_role, role, member.role)
    if role != Role.OWNER:
        _keeps_an_owner(session, member)
    member.role = role
    session.add(member)
    session.flush()
    return member


def remove_member(*, session: Session, member: Membership, acting_role: Role) -> None:
    _only_owner_may(acting_role, member.role)
    _keeps_an_owner(session, member)
    session.delete(member)
    session.flush()
