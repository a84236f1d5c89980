"""Operator commands for accounts: create-user, create-org, create-api-key.

Each prints what it made; a generated password and every API key are printed once, here, and
never stored in the clear. Rules are the services' own (password length, unique email, scopes).
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from datetime import timedelta

from closient_app import clock
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.models import Organization, Role
from closient_app.schemas.common import check_country
from closient_app.services import accounts


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated?): the flag, else a prompt on a terminal, else a generated one."""
    if args.password:
        return args.password, False
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            _fail("the passwords differ")
        return first, False
    return secrets.token_urlsafe(15), True


def cmd_create_user(args: argparse.Namespace) -> None:
    password, generated = _password(args)
    with session_scope() as session:
        user = accounts.sign_up(
            session=session, email=args.email, password=password, name=args.name
        )
        print(f"Created user {user.email} (id {user.id})")
    if generated:
        print(f"Password (shown once): {password}")


def cmd_create_org(args: argparse.Namespace) -> None:
    try:
        country = check_country(args.country)
    except ValueError as exc:
        _fail(f"--country {exc}")
    with session_scope() as session:
        owner = accounts.find_user_by_email(session=session, email=args.owner_email)
        if owner is None:
            _fail(f"no user {args.owner_email}; run create-user first")
        org = accounts.create_organization(
            session=session, name=args.name, country=country, owner=owner
        )
        print(f"Created organization {org.name} ({org.country}, id {org.id}); OWNER {owner.email}")


def cmd_create_api_key(args: argparse.Namespace) -> None:
    scopes = tuple(s.strip() for s in args.scopes.split(",") if s.strip())
    unknown = sorted(set(scopes) - set(accounts.ALL_SCOPES))
    if unknown or not scopes:
        _fail(f"unknown scopes {unknown}; choose from {', '.join(accounts.ALL_SCOPES)}")
    expires = (
        clock.utcnow() + timedelta(days=args.expires_in_days) if args.expires_in_days else None
    )
    with session_scope() as session:
        if session.get(Organization, args.org) is None:
            _fail(f"no organization with id {args.org}")
        issued = accounts.issue_api_key(
            session=session,
            organization_id=args.org,
            name=args.name,
            role=Role(args.role),
            scopes=scopes,
            expires_at=expires,
            rate_limit_per_minute=args.per_minute,
            rate_limit_per_day=args.per_day,
        )
        record = issued.record
        print(f"Created API key {record.name!r} (id {record.id}) for organization {args.org}")
        print(f"  role {record.role.value}; scopes {' '.join(record.scopes)}")
        print(
            f"  expires {record.expires_at.isoformat() if record.expires_at else 'never'}; "
            f"limits {args.per_minute or 'default'}/minute, {args.per_day or 'default'}/day"
        )
    print(f"API key (shown once, store it now): {issued.key}")


def _run(command):
    def run(args: argparse.Namespace) -> None:
        try:
            command(args)
        except ApiError as exc:
            details = "; ".join(f"{d['field']}: {d['message']}" for d in exc.details)
            _fail(f"{exc.message} {details}".strip())

    return run


def add_account_commands(sub) -> None:
    user = sub.add_parser("create-user", help="create a user (prints a generated password once)")
    user.add_argument("--email", required=True)
    user.add_argument("--password", help="omit to be prompted (or get a generated one)")
    user.add_argument("--name", default="")
    user.set_defaults(func=_run(cmd_create_user))

    org = sub.add_parser("create-org", help="create an organization with an existing OWNER")
    org.add_argument("--name", required=True)
    org.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. US")
    org.add_argument("--owner-email", required=True)
    org.set_defaults(func=_run(cmd_create_org))

    key = sub.add_parser("create-api-key", help="create an organization API key (printed once)")
    key.add_argument("--org", required=True, help="organization id")
    key.add_argument("--name", required=True)
    key.add_argument("--role", default="MANAGER", choices=[r.value for r in Role])
    key.add_argument("--scopes", default=",".join(accounts.ALL_SCOPES), help="comma-separated")
    key.add_argument("--expires-in-days", type=int)
    key.add_argument("--per-minute", type=int, help="override the default rate limit")
    key.add_argument("--per-day", type=int, help="override the default rate limit")
    key.set_defaults(func=_run(cmd_create_api_key))
