"""The worker: runs sync jobs and applies webhook receipts, in any number of processes.

One worker process has `concurrency` job slots and one receipt loop. Slots claim jobs with
SKIP LOCKED (jobs/leases.py), keep a heartbeat while running them, and also reap jobs whose
worker stopped heartbeating, so a killed worker's job resumes from its checkpoint in whichever
worker polls next. LISTEN/NOTIFY wakes idle loops at once; a poll covers missed notifications.

The app runs one worker in its own event loop (WORKER_IN_PROCESS); `python -m closient_app
worker` runs more anywhere that reaches the database. Database work runs in threads, so a
worker inside the app never blocks its web requests.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from closient_app.clock import utcnow
from closient_app.config import Settings, get_settings
from closient_app.connectors.interface import PosConnector, PosError
from closient_app.jobs import leases
from closient_app.jobs.listener import Wakeups, listen, wait_for
from closient_app.models import JobStatus
from closient_app.services import receipts, sync, sync_run
from closient_app.services.pos_locations import warm_up_geocoder

log = logging.getLogger(__name__)

RECEIPT_BATCH = 200
RETRY_BASE = timedelta(seconds=30)  # then doubling: 30 s, 1 min, 2 min, 4 min


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(
        self,
        *,
        name: str | None = None,
        concurrency: int | None = None,
        settings: Settings | None = None,
        clock: Callable[[], datetime] = utcnow,
        connector: PosConnector | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.name = name or worker_name()
        self.concurrency = max(1, concurrency or self.settings.worker_concurrency)
        self.clock, self.connector = clock, connector
        self.wakeups = Wakeups()

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set; a job in progress goes back to the queue and resumes."""
        log.info("worker %s started with %d job slot(s)", self.name, self.concurrency)
        warm_up = asyncio.create_task(asyncio.to_thread(warm_up_geocoder))
        loops = [self.job_slot(slot, stop) for slot in range(self.concurrency)]
        tasks = [asyncio.create_task(c) for c in (*loops, self.receipt_loop(stop))]
        tasks += [asyncio.create_task(listen(self.wakeups)), warm_up]
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            log.info("worker %s stopped", self.name)

    async def job_slot(self, slot: int, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                if slot == 0:
                    await asyncio.to_thread(self.reap)
                job = await asyncio.to_thread(
                    leases.claim_next_job, worker=self.name, now=self.clock()
                )
            except Exception:  # the database is unreachable: try again after a poll interval
                log.exception("claiming a job failed")
                job = None
            if job is None:
                await wait_for(self.wakeups.jobs, self.settings.worker_poll_s)
                continue
            await self.run_job(job)

    def reap(self) -> None:
        now = self.clock()
        stale_before = now - timedelta(seconds=self.settings.job_stale_after_s)
        requeued = leases.requeue_stale_jobs(
            now=now, stale_before=stale_before, max_attempts=self.settings.job_max_attempts
        )
        if requeued:
            log.warning("requeued jobs whose worker stopped responding: %s", requeued)

    async def receipt_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                applied = await asyncio.to_thread(
                    receipts.apply_queued_receipts, limit=RECEIPT_BATCH, clock=self.clock
                )
            except Exception:  # a database hiccup: log, back off, carry on
                log.exception("applying receipts failed")
                applied = 0
            if applied < RECEIPT_BATCH:
                await wait_for(self.wakeups.receipts, self.settings.worker_poll_s)

    async def run_job(self, job: leases.ClaimedJob) -> None:
        log.info("worker %s running job %s (attempt %d)", self.name, job.id, job.attempts)
        heartbeat = asyncio.create_task(self.keep_alive(job))
        try:
            await sync.run_sync_job(
                job, clock=self.clock, connector=self.connector, settings=self.settings
            )
        except leases.LeaseLost:
            log.warning("job %s was taken over after a missed heartbeat; dropping it", job.id)
        except asyncio.CancelledError:  # shutting down: hand the job back now, not at reaping
            leases.retry_later(job, error="its worker stopped; resuming", run_after=self.clock())
            raise
        except Exception as exc:  # noqa: BLE001 - every outcome is recorded on the job
            await asyncio.to_thread(self.record_failure, job, exc)
        finally:
            heartbeat.cancel()

    async def keep_alive(self, job: leases.ClaimedJob) -> None:
        while True:
            await asyncio.sleep(self.settings.job_heartbeat_s)
            if not await asyncio.to_thread(leases.heartbeat, job, now=self.clock()):
                return

    def record_failure(self, job: leases.ClaimedJob, exc: Exception) -> None:
        """Retry what can heal (network, 5xx, rate limit) with backoff; fail the rest."""
        error = f"{type(exc).__name__}: {exc}"[:1000]
        try:
            if isinstance(exc, sync_run.SourceNotSyncable):
                sync_run.end_unsuccessfully(
                    job, status=JobStatus.CANCELLED, error=str(exc), now=self.clock()
                )
            elif _retryable(exc) and job.attempts < self.settings.job_max_attempts:
                delay = RETRY_BASE * 2 ** (job.attempts - 1)
                log.warning("job %s failed, retrying in %s: %s", job.id, delay, error)
                leases.retry_later(job, error=error, run_after=self.clock() + delay)
            else:
                log.error("job %s failed: %s", job.id, error, exc_info=exc)
                sync_run.end_unsuccessfully(
                    job, status=JobStatus.FAILED, error=error, now=self.clock()
                )
        except leases.LeaseLost:
            log.warning("job %s was taken over before its failure was recorded", job.id)


def _retryable(exc: Exception) -> bool:
    return (isinstance(exc, PosError) and exc.retryable) or isinstance(exc, OSError)


async def run_worker(*, concurrency: int | None = None) -> None:
    """The `worker` command: until SIGINT or SIGTERM."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await Worker(concurrency=concurrency).run(stop)
