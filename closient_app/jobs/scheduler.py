"""APScheduler, started from a Reflex lifespan task, plus the app's own in-process worker.

The schedule lives in a Postgres job store (`scheduled_task`, APScheduler's SQLAlchemyJobStore
on our engine): next run times survive restarts, so frequent deploys neither postpone the
periodic tasks nor run them all again at every start (missed runs coalesce into one).

Exactly one process should run the scheduler: the app. Workers started with
`python -m closient_app worker` do not; every task is idempotent anyway, so a second scheduler
(two app processes) costs duplicate work, never wrong data.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from closient_app.config import Settings, get_settings
from closient_app.db import get_engine
from closient_app.jobs import periodic

log = logging.getLogger(__name__)

JOB_STORE_TABLE = "scheduled_task"
# (task, seconds between runs). Re-sync is checked every 10 min, per source, against
# RESYNC_INTERVAL_HOURS: sources connected at different times spread their syncs out.
PERIODIC_TASKS = (
    (periodic.poll_sync_jobs, 15),
    (periodic.enqueue_due_resyncs, 600),
    (periodic.refresh_pos_tokens, 300),
    (periodic.mark_stale_sources, 900),
    (periodic.deliver_forwards, 10),
    (periodic.purge_expired_records, 600),
)


def build_scheduler(settings: Settings | None = None) -> AsyncIOScheduler:
    settings = settings or get_settings()
    scheduler = AsyncIOScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine(), tablename=JOB_STORE_TABLE)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        timezone=UTC,
    )
    for task, seconds in PERIODIC_TASKS:
        scheduler.add_job(
            task, "interval", seconds=seconds, id=task.__name__, replace_existing=True
        )
    return scheduler


@contextlib.asynccontextmanager
async def background_work(settings: Settings | None = None) -> AsyncIterator[None]:
    """The Reflex lifespan task: the scheduler, and the in-process worker when configured."""
    settings = settings or get_settings()
    scheduler = build_scheduler(settings)
    scheduler.start()
    stop = asyncio.Event()
    worker = None
    if settings.worker_in_process:
        from closient_app.jobs.worker import Worker

        worker = asyncio.create_task(Worker(settings=settings).run(stop))
    try:
        yield
    finally:
        stop.set()
        if worker is not None:
            await asyncio.gather(worker, return_exceptions=True)
        scheduler.shutdown(wait=False)
