"""The operator commands: each prints what it made, and a secret exactly once."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from closient_app.cli import main
from closient_app.models import ApiKey, Membership, Organization, Role, User
from closient_app.services import api_keys
from closient_app.services.passwords import verify_password
from tests.api.auth_support import cheap_password_hashing  # noqa: F401  (a fixture)


def test_create_user_with_a_generated_password_prints_it_once(db, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    main(["create-user", "--email", "Ann@Example.test"])

    out = capsys.readouterr().out
    user = db.exec(select(User)).one()
    assert f"Created user ann@example.test (id {user.id})" in out
    password = re.search(r"Password \(shown once\): (\S+)", out).group(1)
    assert verify_password(user.password_hash, password)
    assert password not in user.password_hash


def test_create_org_and_key_print_what_they_made(db, capsys) -> None:
    main(["create-user", "--email", "ann@example.test", "--password", "long enough pw"])
    main(
        [
            "create-org",
            "--name",
            "Corner Hardware",
            "--country",
            "us",
            "--owner-email",
            "ann@example.test",
        ]
    )
    org = db.exec(select(Organization)).one()
    main(
        [
            "create-api-key",
            "--org",
            org.id,
            "--name",
            "sync",
            "--role",
            "EDITOR",
            "--scopes",
            "offers:read,offers:write",
            "--per-minute",
            "1000",
        ]
    )

    out = capsys.readouterr().out
    assert f"Created organization Corner Hardware (US, id {org.id}); OWNER ann@example.test" in out
    assert db.exec(select(Membership.role)).one() == Role.OWNER
    key = re.search(r"API key \(shown once, store it now\): (\S+)", out).group(1)
    record = db.exec(select(ApiKey)).one()
    assert record.key_hash == api_keys.hash_key(key)
    assert (record.role, record.scopes, record.rate_limit_per_minute) == (
        Role.EDITOR,
        ["offers:read", "offers:write"],
        1000,
    )
    assert out.count(key) == 1
    assert "role EDITOR; scopes offers:read offers:write" in out


def test_create_org_for_an_unknown_owner_fails_and_makes_nothing(db, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["create-org", "--name", "X", "--country", "US", "--owner-email", "nobody@x.test"])

    assert exit_info.value.code == 1
    assert "run create-user first" in capsys.readouterr().err
    assert db.exec(select(Organization)).all() == []


def test_create_user_twice_fails_with_the_services_message(db, capsys) -> None:
    main(["create-user", "--email", "ann@example.test", "--password", "long enough pw"])

    with pytest.raises(SystemExit):
        main(["create-user", "--email", "ann@example.test", "--password", "long enough pw"])

    assert "An account with this email already exists." in capsys.readouterr().err
    assert len(db.exec(select(User)).all()) == 1
