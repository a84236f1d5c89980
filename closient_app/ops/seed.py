"""The demo organization and user, created idempotently on every `setup`."""

from __future__ import annotations

from sqlmodel import select

from closient_app.config import get_settings
from closient_app.db import session_scope
from closient_app.models import ApiKey, Membership, Organization
from closient_app.services import accounts, api_keys

DEMO_ORG_NAME = "Demo Hardware Co."


def seed_demo() -> None:
    settings = get_settings()
    with session_scope() as session:
        user = accounts.find_user_by_email(session=session, email=settings.demo_email)
        if user is None:
            user = accounts.create_user(
                session=session,
                email=settings.demo_email,
                password=settings.demo_password,
                name="Demo Retailer",
            )
        org = session.exec(
            select(Organization)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user.id, Organization.name == DEMO_ORG_NAME)
        ).first()
        if org is None:
            org = accounts.create_organization(
                session=session, name=DEMO_ORG_NAME, country="US", owner=user
            )
        print(f"Demo organization: {org.name} (id {org.id})")
        print(f"Demo login: {settings.demo_email} / {settings.demo_password}")
        _ensure_demo_key(session, org.id, user.id, settings.demo_api_key)


def _ensure_demo_key(session, org_id: str, user_id: str, wanted: str) -> None:
    if wanted:
        if not api_keys.is_well_formed(wanted):
            raise SystemExit("DEMO_API_KEY must look like csb_<32 alphanumerics>_<crc32 hex>")
        exists = session.exec(
            select(ApiKey).where(ApiKey.key_hash == api_keys.hash_key(wanted))
        ).first()
        if exists is None:
            accounts.issue_api_key(
                session=session,
                organization_id=org_id,
                name="Demo key",
                created_by_user_id=user_id,
                key=wanted,
            )
        print(f"Demo API key: {wanted}")
        return
    exists = session.exec(select(ApiKey).where(ApiKey.organization_id == org_id)).first()
    if exists is None:
        issued = accounts.issue_api_key(
            session=session, organization_id=org_id, name="Demo key", created_by_user_id=user_id
        )
        print(f"Demo API key (shown once; set DEMO_API_KEY to fix its value): {issued.key}")
    else:
        print(f"Demo API key: ...{exists.key_last4} (set DEMO_API_KEY to choose its value)")
