"""Fixtures for the sync tests: the live API with its sandbox, and an in-process worker."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session

from closient_app.config import Settings, get_settings
from closient_app.db import get_engine
from closient_app.jobs.worker import Worker
from closient_app.models import JobStatus, SyncJob
from tests.sync.processes import WorkerProcess

FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


def fast_settings(**changes: object) -> Settings:
    """Test timings: short polls and heartbeats, so nothing waits on a production interval."""
    defaults = {"worker_poll_s": 0.2, "job_heartbeat_s": 0.5, "job_stale_after_s": 30.0}
    return get_settings().model_copy(update={**defaults, **changes})


def job_state(job_id: str) -> SyncJob:
    with Session(get_engine(), expire_on_commit=False) as session:
        return session.get(SyncJob, job_id)


async def _work_until(predicate, worker: Worker, seconds: float) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        async with asyncio.timeout(seconds):
            while True:  # polling the database: nothing in this process can signal it
                if await asyncio.to_thread(predicate):
                    break
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await running


def work_until(predicate, *, timeout: float = 120.0, **worker_options) -> None:
    """Run an in-process worker until `predicate()` (a database check) holds."""
    options = {"name": "test-worker", "settings": fast_settings(), **worker_options}
    asyncio.run(_work_until(predicate, Worker(**options), timeout))


def work_until_finished(job_id: str, *, timeout: float = 180.0, **worker_options) -> SyncJob:
    """Run an in-process worker until the job reaches an end state; returns the job."""
    work_until(lambda: job_state(job_id).status in FINISHED, timeout=timeout, **worker_options)
    return job_state(job_id)


@pytest.fixture
def base(live_api: str) -> str:
    return live_api


@pytest.fixture
def workers(tmp_path):
    """`workers(name, **env)` starts a real worker process; every one is stopped at the end."""
    started: list[WorkerProcess] = []

    def start(name: str, **env: str) -> WorkerProcess:
        worker = WorkerProcess(tmp_path / f"{name}.log", **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
