"""Organizations, users, memberships and API keys."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

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
    )
    session.add(record)
    session.flush()
    return IssuedKey(record=record, key=key)
