"""The periodic work: re-syncs come due, stuck jobs are reaped, stale inventory is flagged, and
the scheduler keeps its schedule in Postgres. Time is injected; nothing waits on a clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from closient_app.clock import utcnow
from closient_app.jobs import periodic
from closient_app.jobs.scheduler import PERIODIC_TASKS, background_work
from closient_app.models import InventorySource, JobKind, JobStatus, SourceStatus, SyncJob
from tests.factories import make_org
from tests.sync.conftest import fast_settings


def source_synced(db, *, hours_ago: float | None, status=SourceStatus.CONNECTED, shop="a"):
    source = InventorySource(
        organization_id=make_org(db).id,
        provider="shopify",
        shop_domain=f"{shop}.myshopify.com",
        status=status,
        last_sync_at=None if hours_ago is None else utcnow() - timedelta(hours=hours_ago),
    )
    db.add(source)
    db.commit()
    return source


def jobs_of(db, source) -> list[SyncJob]:
    db.expire_all()
    return list(db.exec(select(SyncJob).where(SyncJob.source_id == source.id)).all())


def test_sources_not_synced_within_the_interval_get_one_resync(db):
    due = source_synced(db, hours_ago=7, shop="due")
    fresh = source_synced(db, hours_ago=1, shop="fresh")
    never = source_synced(db, hours_ago=None, shop="never")
    gone = source_synced(db, hours_ago=30, status=SourceStatus.DISCONNECTED, shop="gone")

    asyncio.run(periodic.enqueue_due_resyncs())
    asyncio.run(periodic.enqueue_due_resyncs())  # twice: still one job each

    assert [(j.kind, j.status) for j in jobs_of(db, due)] == [(JobKind.RESYNC, JobStatus.QUEUED)]
    assert len(jobs_of(db, never)) == 1
    assert jobs_of(db, fresh) == jobs_of(db, gone) == []


def test_a_job_whose_worker_died_is_requeued_then_failed_when_out_of_attempts(db):
    source = source_synced(db, hours_ago=None)
    now = utcnow()
    job = SyncJob(
        organization_id=source.organization_id,
        source_id=source.id,
        kind=JobKind.INITIAL_SYNC,
        status=JobStatus.RUNNING,
        locked_by="dead-worker",
        attempts=1,
        heartbeat_at=now - timedelta(minutes=5),
        checkpoint={"cursor": "abc"},
    )
    db.add(job)
    db.commit()

    asyncio.run(periodic.poll_sync_jobs(clock=lambda: now))
    [requeued] = jobs_of(db, source)
    assert (requeued.status, requeued.locked_by, requeued.checkpoint) == (
        JobStatus.QUEUED,
        None,
        {"cursor": "abc"},  # the next worker resumes from here
    )

    requeued.status, requeued.attempts = JobStatus.RUNNING, 5
    requeued.heartbeat_at = now - timedelta(minutes=5)
    db.add(requeued)
    db.commit()
    asyncio.run(periodic.poll_sync_jobs(clock=lambda: now))
    [failed] = jobs_of(db, source)
    assert failed.status == JobStatus.FAILED and "5 times" in failed.error


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(db):
    source = source_synced(db, hours_ago=None)
    now = utcnow()
    db.add(
        SyncJob(
            organization_id=source.organization_id,
            source_id=source.id,
            kind=JobKind.RESYNC,
            status=JobStatus.RUNNING,
            locked_by="busy-worker",
            attempts=1,
            heartbeat_at=now - timedelta(seconds=5),
        )
    )
    db.commit()

    asyncio.run(periodic.poll_sync_jobs(clock=lambda: now))

    assert [(j.status, j.locked_by) for j in jobs_of(db, source)] == [
        (JobStatus.RUNNING, "busy-worker")
    ]


def test_inventory_unconfirmed_for_48_hours_is_flagged_until_a_sync_succeeds(db):
    stale = source_synced(db, hours_ago=49, shop="stale")
    recent = source_synced(db, hours_ago=47, shop="recent")

    flagged = asyncio.run(periodic.mark_stale_sources())

    db.expire_all()
    assert flagged == 1
    assert "rank as stale" in db.get(InventorySource, stale.id).last_error
    assert db.get(InventorySource, recent.id).last_error is None


def test_the_scheduler_keeps_its_schedule_in_postgres(db):
    async def start_and_stop() -> None:
        async with background_work(fast_settings(worker_in_process=True)):
            await asyncio.sleep(0)

    asyncio.run(start_and_stop())

    stored = db.execute(text("SELECT id, next_run_time FROM scheduled_task")).all()
    assert {row.id for row in stored} == {task.__name__ for task, _ in PERIODIC_TASKS}
    assert all(row.next_run_time is not None for row in stored)
