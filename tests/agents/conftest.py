"""Fixtures for the agent tests: the live API, an agent clock, and the server's sync worker."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from closient_app import clock as clock_module
from closient_app.config import get_settings
from closient_app.jobs.worker import Worker


class AgentClock:
    """Real time plus whatever the agent "slept": sleeping moves the clock, not the test.

    Installed as `closient_app.clock.utcnow`, so the server measures poll intervals on the same
    clock the agent sleeps on. `sleep` yields the CPU for a moment (so the server's worker
    thread makes progress) but never waits out the interval itself.
    """

    YIELD_S = 0.2

    def __init__(self) -> None:
        self.offset = timedelta()
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.offset += timedelta(seconds=seconds)
        time.sleep(self.YIELD_S)


@pytest.fixture
def agent_clock(monkeypatch) -> AgentClock:
    fake = AgentClock()
    monkeypatch.setattr(clock_module, "utcnow", fake)
    return fake


@pytest.fixture
def base(live_api: str) -> str:
    return live_api


@pytest.fixture
def sync_worker(live_api: str):
    """The server's job worker (the app runs one in its lifespan; the bare API does not)."""
    stop_loop: list = []

    def run() -> None:
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        stop_loop.append((loop, stop))
        settings = get_settings().model_copy(
            update={"worker_poll_s": 0.2, "job_heartbeat_s": 0.5, "job_stale_after_s": 30.0}
        )
        worker = Worker(name="agent-test-worker", settings=settings)
        loop.run_until_complete(worker.run(stop))
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    while not stop_loop:
        time.sleep(0.01)
    yield
    loop, stop = stop_loop[0]
    loop.call_soon_threadsafe(stop.set)
    thread.join(timeout=30)
