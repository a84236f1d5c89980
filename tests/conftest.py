"""Test harness: a real PostGIS test database, truncated before every test.

The suite points DATABASE_URL at the test database before anything reads the settings, so the
app, the services and any server a test starts all use it. Truncation (not rolled-back
transactions) keeps isolation honest when the code under test commits, or runs in another process.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from closient_app.config import get_settings
from closient_app.db import get_engine

os.environ["DATABASE_URL"] = get_settings().test_database_url
os.environ["ENVIRONMENT"] = "test"
get_settings.cache_clear()
get_engine.cache_clear()

import closient_app.models  # noqa: E402,F401  (complete metadata for truncation)


@pytest.fixture(scope="session")
def database_url() -> str:
    """A test database built fresh for each pytest run, so no stale schema ever survives."""
    from closient_app.ops.database import drop_database, ensure_database, migrate_to_head

    url = get_settings().effective_database_url
    drop_database(url)
    ensure_database(url)
    migrate_to_head(url)
    return url


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with get_engine().begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(autouse=True)
def clean_database(database_url: str) -> None:
    from closient_app.services.search import forget_plan_choices

    _truncate_all()
    forget_plan_choices()  # remembered per process; a new test has a new catalog


@pytest.fixture
def db(database_url: str):
    """A session on the test database; tests commit freely (truncation cleans up)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def live_api(database_url: str):
    """The real API (with the sandbox mounted) served by uvicorn on a free port, over real HTTP.

    Yields its base URL. PUBLIC_BASE_URL points at it, so OAuth redirects, the sandbox's shop
    URLs and webhook deliveries all reach this server.
    """
    import socket
    import threading
    import time

    import uvicorn

    from closient_app.api.app import create_api
    from closient_app.connectors import registry

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    os.environ["PUBLIC_BASE_URL"] = base
    get_settings.cache_clear()
    registry.forget_live_connectors()
    config = uvicorn.Config(create_api(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live API did not start")
        time.sleep(0.02)
    yield base
    server.should_exit = True
    thread.join(timeout=10)
