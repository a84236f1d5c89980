"""Rate limits: exact counts, headers, overrides, which paths count, and one budget shared by
two real server processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx

from closient_app.config import get_settings
from closient_app.models import Role
from tests.api.auth_support import key_headers, rate_limited
from tests.factories import make_api_key, make_org

WHOAMI = "/account/api/v1/whoami"
POLICY = "300;w=60, 10000;w=86400"


def test_exactly_300_a_minute_then_429_with_retry_after(client, clock, db) -> None:
    headers = key_headers(db, make_org(db))

    remaining = []
    for _ in range(300):
        response = client.get(WHOAMI, headers=headers)
        assert response.status_code == 200
        assert response.headers["RateLimit-Policy"] == POLICY
        assert response.headers["RateLimit-Limit"] == "300"
        assert response.headers["RateLimit-Reset"] == "50"  # the clock stands at hh:mm:10
        remaining.append(int(response.headers["RateLimit-Remaining"]))
    refused = client.get(WHOAMI, headers=headers)

    assert remaining == list(range(299, -1, -1))  # counts down by one, to zero
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "50"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.json() == rate_limited(300, 60, retry_after=50)


def test_the_next_minute_starts_a_fresh_minute_budget(client, clock, db) -> None:
    headers = key_headers(db, make_org(db), role=Role.VIEWER)
    for _ in range(301):
        client.get(WHOAMI, headers=headers)

    clock.advance(50)
    response = client.get(WHOAMI, headers=headers)

    assert response.status_code == 200
    assert response.headers["RateLimit-Remaining"] == "299"
    assert response.headers["RateLimit-Reset"] == "60"


def test_a_keys_own_limits_apply_and_show_in_the_policy(client, clock, db) -> None:
    org = make_org(db)
    issued = make_api_key(db, org)
    issued.record.rate_limit_per_minute, issued.record.rate_limit_per_day = 5, 7
    db.add(issued.record)
    db.commit()
    headers = {"X-API-Key": issued.key}

    statuses = [client.get(WHOAMI, headers=headers).status_code for _ in range(6)]
    clock.advance(60)
    next_minute = [client.get(WHOAMI, headers=headers) for _ in range(2)]

    assert statuses == [200] * 5 + [429]
    assert next_minute[0].headers["RateLimit-Policy"] == "5;w=60, 7;w=86400"
    # The day window (7) is now the most restrictive: the 7th request is the last one allowed.
    assert next_minute[0].status_code == 200
    assert next_minute[0].headers["RateLimit-Limit"] == "7"
    assert next_minute[0].headers["RateLimit-Remaining"] == "0"
    assert next_minute[1].status_code == 429
    seconds_to_midnight = 86400 - (12 * 3600 + 70)
    assert next_minute[1].headers["Retry-After"] == str(seconds_to_midnight)


def test_anonymous_callers_are_counted_per_ip(client, clock, db) -> None:
    first = client.get("/.well-known/api-catalog")
    second = client.get("/.well-known/api-catalog")

    assert first.headers["RateLimit-Remaining"] == "299"
    assert second.headers["RateLimit-Remaining"] == "298"


def test_errors_carry_the_headers_too(client, clock, db) -> None:
    unauthenticated = client.get(WHOAMI)
    unknown_api_path = client.get("/account/api/v1/no-such-thing")

    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["RateLimit-Policy"] == POLICY
    assert unknown_api_path.status_code == 404
    assert unknown_api_path.headers["RateLimit-Remaining"] == "298"


def test_pages_health_and_the_sandbox_are_not_limited(client, clock, db) -> None:
    for path in ("/healthz", "/sandbox/shopify/admin/oauth/authorize", "/"):
        assert "RateLimit-Policy" not in client.get(path).headers


# --- two real server processes, one database, one budget ---


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _servers(count: int):
    env = {
        **os.environ,
        "DATABASE_URL": get_settings().effective_database_url,
        "ENVIRONMENT": "test",
    }
    ports = [_free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "closient_app.api.app:create_api",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            _wait_until_up(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"server at {url} did not start")


def _wait_for_an_early_second() -> None:
    """Start early in a minute so the 301 requests stay inside one fixed window."""
    second = datetime.now(UTC).second
    if second > 40:
        time.sleep(61 - second)


def test_two_server_processes_share_one_budget(db) -> None:
    headers = key_headers(db, make_org(db))
    with _servers(2) as (first, second), httpx.Client(headers=headers) as http:
        _wait_for_an_early_second()
        responses = [http.get(f"{(first, second)[i % 2]}{WHOAMI}") for i in range(301)]

    assert [r.status_code for r in responses[:300]] == [200] * 300
    remaining = [int(r.headers["RateLimit-Remaining"]) for r in responses[:300]]
    assert remaining == list(range(299, -1, -1))  # one count, whichever process answered
    assert responses[300].status_code == 429
    assert int(responses[300].headers["Retry-After"]) > 0
