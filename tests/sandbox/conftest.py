"""Fixtures for the Shopify sandbox tests. No database needed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from closient_app.sandbox import SandboxConfig, create_sandbox_app

from .helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_CLIENT_ID,
    OTHER_SECRET,
    FakeClock,
    Sandbox,
    TestClient,
    WebhookReceiver,
    serve_in_thread,
)


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """The sandbox touches no database: replace the suite-wide truncation (and its DB setup)."""
    return None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sandbox(clock: FakeClock) -> Iterator[Any]:
    """Factory: `make_sandbox(**config_overrides)` -> a running Sandbox."""
    stack: list[TestClient] = []

    def make(**overrides: Any) -> Sandbox:
        config = SandboxConfig(
            apps={CLIENT_ID: CLIENT_SECRET, OTHER_CLIENT_ID: OTHER_SECRET},
            clock=clock,
            **overrides,
        )
        client = TestClient(create_sandbox_app(config))
        client.__enter__()  # keeps one event loop alive for background deliveries
        stack.append(client)
        return Sandbox(client, clock)

    yield make
    for client in stack:
        client.__exit__(None, None, None)


@pytest.fixture
def sandbox(make_sandbox: Any) -> Sandbox:
    return make_sandbox()


@pytest.fixture
def token(sandbox: Sandbox) -> str:
    return str(sandbox.install()["access_token"])


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    server, thread, port = serve_in_thread(hook)
    hook.url = f"http://127.0.0.1:{port}/webhooks/shopify"
    yield hook
    server.should_exit = True
    thread.join(timeout=10)
