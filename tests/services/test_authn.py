"""Caller resolution: what is refused before the database, and what one look-up costs."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from closient_app.db import get_engine
from closient_app.errors import Unauthorized
from closient_app.models import ApiKey, Role
from closient_app.oauth.device import hash_user_code
from closient_app.services import api_keys, sessions
from closient_app.services.authn import resolve_caller
from tests.api.auth_support import cheap_password_hashing  # noqa: F401  (a fixture)
from tests.factories import make_api_key, make_org, make_user


@contextmanager
def counting_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(get_engine(), "before_cursor_execute", count)


def _corrupt_checksum(key: str) -> str:
    last = "0" if key[-1] != "0" else "1"
    return key[:-1] + last


@pytest.mark.parametrize(
    "key", ["csb_short_0000abcd", "CSB_" + "a" * 32 + "_00000000", "csb_" + "a" * 32 + "_zzzzzzzz"]
)
def test_a_malformed_key_is_refused_without_a_query(database_url, key) -> None:
    with Session(get_engine()) as session, counting_statements() as statements:
        with pytest.raises(Unauthorized, match="The API key is not valid."):
            resolve_caller(session, api_key=key)

    assert statements == []


def test_a_checksum_mismatch_is_refused_without_a_query(db) -> None:
    real = make_api_key(db, make_org(db)).key
    forged = _corrupt_checksum(real)
    assert api_keys.KEY_PATTERN.match(forged)  # the shape is right; only the CRC-32 is wrong

    with Session(get_engine()) as session, counting_statements() as statements:
        with pytest.raises(Unauthorized, match="The API key is not valid."):
            resolve_caller(session, api_key=forged)

    assert statements == []


def test_a_valid_key_costs_one_look_up_and_last_used_is_kept_to_the_minute(db) -> None:
    org = make_org(db)
    issued = make_api_key(db, org, role=Role.EDITOR)
    now = datetime(2031, 1, 1, 9, 0, tzinfo=UTC)

    with Session(get_engine()) as session, counting_statements() as statements:
        caller = resolve_caller(session, api_key=issued.key, now=now)
        session.commit()
        resolve_caller(session, api_key=issued.key, now=now + timedelta(seconds=30))
        session.commit()

    assert (caller.kind, caller.key_organization_id, caller.key_role) == (
        "api_key",
        org.id,
        Role.EDITOR,
    )
    selects = [s for s in statements if s.lstrip().startswith("SELECT")]
    updates = [s for s in statements if s.lstrip().startswith("UPDATE")]
    assert len(selects) == 2 and len(updates) == 1  # the second use, 30 s later, writes nothing
    db.expire_all()
    assert db.get(ApiKey, issued.record.id).last_used == now


def test_a_forged_session_cookie_is_refused_without_a_query(db) -> None:
    started = sessions.start_session(session=db, user=make_user(db))
    db.commit()
    session_id = started.cookie_value.partition(".")[0]

    with Session(get_engine()) as session, counting_statements() as statements:
        with pytest.raises(Unauthorized):
            resolve_caller(session, api_key=None, session_cookie=f"{session_id}.AAAA")

    assert statements == []


def test_an_authorization_header_that_is_not_bearer_is_refused(database_url) -> None:
    with Session(get_engine()) as session, pytest.raises(Unauthorized, match="Bearer"):
        resolve_caller(session, api_key=None, authorization="Basic dXNlcjpwdw==")


def test_an_expired_session_is_refused(db) -> None:
    now = datetime(2031, 1, 1, tzinfo=UTC)
    started = sessions.start_session(session=db, user=make_user(db), now=now)
    db.commit()

    later = now + timedelta(days=14, seconds=1)
    with pytest.raises(Unauthorized, match="Your session has ended."):
        resolve_caller(db, api_key=None, session_cookie=started.cookie_value, now=later)


def test_user_codes_ignore_case_spaces_and_dashes() -> None:
    assert hash_user_code("bcdf ghjk") == hash_user_code("BCDF-GHJK") == hash_user_code("BCDFGHJK")
    assert hash_user_code("BCDF-GHJX") != hash_user_code("BCDF-GHJK")
