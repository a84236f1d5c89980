"""Shared by the account, OAuth, rate-limit and route-sweep tests: clients, credentials, a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from closient_app import clock as clock_module
from closient_app.api.app import create_api
from closient_app.ids import new_short_id
from closient_app.models import Membership, Role
from closient_app.oauth import tokens
from closient_app.oauth.clients import AGENT_CLIENT_ID, find_client
from closient_app.services import accounts, passwords, sessions
from tests.factories import make_api_key, make_user

NO_CREDENTIAL = {
    "error": {
        "code": "UNAUTHORIZED",
        "message": "Authentication required.",
        "status": 401,
        "details": [],
        "next_step": "Send an X-API-Key header or an Authorization: Bearer token.",
    }
}
INVALID_KEY = {
    "error": {
        "code": "UNAUTHORIZED",
        "message": "The API key is not valid.",
        "status": 401,
        "details": [],
        "next_step": "Check the X-API-Key header for typos.",
    }
}
DEAD_KEY = {
    "error": {
        "code": "UNAUTHORIZED",
        "message": "The API key is unknown, revoked or expired.",
        "status": 401,
        "details": [],
        "next_step": "Create a new key: POST /account/api/v1/organizations/{org_id}/api-keys.",
    }
}
NOT_FOUND = {
    "error": {
        "code": "NOT_FOUND",
        "message": "No such organization or resource.",
        "status": 404,
        "details": [],
    }
}


def missing_scope(scope: str) -> dict:
    return {
        "error": {
            "code": "FORBIDDEN",
            "message": f"This credential lacks the `{scope}` scope.",
            "status": 403,
            "details": [],
            "next_step": "Use an API key or token that was granted this scope.",
        }
    }


def rate_limited(limit: int, seconds: int, retry_after: int) -> dict:
    return {
        "error": {
            "code": "RATE_LIMITED",
            "message": f"Rate limit exceeded: {limit} requests per {seconds} seconds.",
            "status": 429,
            "details": [],
            "next_step": f"Wait {retry_after} seconds (Retry-After) before retrying.",
        }
    }


def role_cannot(role: str, needed: str = "MANAGER or OWNER") -> dict:
    return {
        "error": {
            "code": "FORBIDDEN",
            "message": f"Your role {role} cannot do this; it needs {needed}.",
            "status": 403,
            "details": [],
            "next_step": "Ask an OWNER of the organization to change your role.",
        }
    }


class FakeClock:
    """Stands in for `closient_app.clock.utcnow`; tests move it forward by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    # Start 10 s into a minute, so a test's minute window is predictable.
    fake = FakeClock(datetime(2031, 5, 6, 12, 0, 10, tzinfo=UTC))
    monkeypatch.setattr(clock_module, "utcnow", fake)
    return fake


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch) -> None:
    """argon2's real cost is ~0.1-0.4 s a hash here; these tests are about access, not hashing.
    (Autouse wherever it is imported; any parameters verify, they are stored in the hash.)"""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def client():
    with TestClient(create_api(), raise_server_exceptions=False) as test_client:
        yield test_client


def key_headers(db, org, *, role: Role = Role.MANAGER, scopes=accounts.ALL_SCOPES) -> dict:
    return {"X-API-Key": make_api_key(db, org, role=role, scopes=scopes).key}


def bearer_headers(db, user, *, scopes=accounts.ALL_SCOPES, organization_id=None) -> dict:
    """A live access token for `user`, as the device flow would have issued it."""
    find_client(db, AGENT_CLIENT_ID)
    access = tokens.new_access_token()
    tokens.store(
        session=db,
        token={"access_token": access, "expires_in": 900, "scope": " ".join(scopes)},
        client_id=AGENT_CLIENT_ID,
        user_id=user.id,
        organization_id=organization_id,
        family_id=new_short_id(),
        now=clock_module.utcnow(),
    )
    db.commit()
    return {"Authorization": f"Bearer {access}"}


def session_cookie(db, user) -> dict:
    started = sessions.start_session(session=db, user=user)
    db.commit()
    return {sessions.COOKIE_NAME: started.cookie_value}


def member(db, org, role: Role):
    """A new user with `role` in `org`."""
    user = make_user(db)
    db.add(Membership(organization_id=org.id, user_id=user.id, role=role))
    db.commit()
    return user
