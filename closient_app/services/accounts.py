"""Organizations, users, memberships and API keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from closient_app.errors import Conflict, ValidationFailed
from closient_app.models import ApiKey, Membership, Organization, Role, User
from closient_app.services import api_keys
from closient_app.services.passwords import hash_password

ALL_SCOPES = (
    "integrations:read",
    "integrations:write",
    "offers:read",
    "offers:write",
    "locations:read",
    "locations:write",
    "org:read",
    "org:write",
)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(*, session: Session, email: str, password: str, name: str = "") -> User:
    user = User(email=normalize_email(email), password_hash=hash_password(password), name=name)
    session.add(user)
    session.flush()
    return user


MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def sign_up(*, session: Session, email: str, password: str, name: str = "") -> User:
    """A new user; 422 for a bad email or short password, 409 when the email is taken."""
    problems = []
    if not _EMAIL.match(email.strip()):
        problems.append({"field": "email", "message": "Enter an email address like a@b.com."})
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"Use at least {MIN_PASSWORD_LENGTH} characters."
        problems.append({"field": "password", "message": message})
    if problems:
        raise ValidationFailed("The sign-up details are not valid: see details.", details=problems)
    try:
        with session.begin_nested():  # the unique email decides, not a racy look-up first
            return create_user(session=session, email=email, password=password, name=name)
    except IntegrityError:
        raise Conflict(
            "An account with this email already exists.", next_step="Log in instead."
        ) from None


def find_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def create_organization(*, session: Session, name: str, country: str, owner: User) -> Organization:
    """The creator becomes the organization's OWNER."""
    org = Organization(name=name, country=country.upper())
    session.add(org)
    session.flush()
    session.add(Membership(organization_id=org.id, user_id=owner.id, role=Role.OWNER))
    session.flush()
    return org


@dataclass(frozen=True)
class IssuedKey:
    record: ApiKey
    key: str  # shown once, never stored


def issue_api_key(
    *,
    session: Session,
    organization_id: str,
    name: str,
    role: Role = Role.MANAGER,
    scopes: tuple[str, ...] = ALL_SCOPES,
    created_by_user_id: str | None = None,
    key: str | None = None,
    expires_at: datetime | None = None,
    rate_limit_per_minute: int | None = None,
    rate_limit_per_day: int | None = None,
) -> IssuedKey:
    """Create a key (or register a given well-formed one, e.g. DEMO_API_KEY)."""
    key = key or api_keys.generate_key()
    if not api_keys.is_well_formed(key):
        raise ValueError("API key must look like csb_<32 alphanumerics>_<crc32 hex>")
    record = ApiKey(
        organization_id=organization_id,
        name=name,
        key_hash=api_keys.hash_key(key),
        key_last4=key[-4:],
        scopes=list(scopes),
        role=role,
        created_by_user_id=created_by_user_id,
        expires_at=expires_at,
        rate_limit_per_minute=rate_limit_per_minute,
        rate_limit_per_day=rate_limit_per_day,
    )
    session.add(record)
    session.flush()
    return IssuedKey(record=record, key=key)


def organizations_of(*, session: Session, user_id: str) -> list[tuple[Organization, Role]]:
    """Every organization the user belongs to, with their role there, oldest first."""
    rows = session.exec(
        select(Organization, Membership.role)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user_id)
        .order_by(Organization.created, Organization.id)
    ).all()
    return [(org, role) for org, role in rows]
