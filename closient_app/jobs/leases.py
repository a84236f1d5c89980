"""Who runs which sync job: claims, heartbeats, checkpoints and the stuck-job reaper.

A worker claims the oldest due job with `FOR UPDATE SKIP LOCKED`, so any number of workers,
on any machines, take different jobs and never wait on each other. The claim is a lease:
`locked_by` names the worker and `heartbeat_at` proves it is alive. Every write a worker makes
for a job (checkpoint, outcome) is conditional on still holding the lease, in the same
transaction as the batch it records; a worker presumed dead whose job was requeued and
claimed by another therefore cannot write anything more (its batch rolls back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from closient_app.db import session_scope
from closient_app.models import JobKind, JobStatus


class LeaseLost(Exception):
    """The job was requeued (heartbeat too old) or finished elsewhere: stop working on it."""


@dataclass(frozen=True)
class ClaimedJob:
    id: str
    organization_id: str
    source_id: str
    kind: JobKind
    attempts: int
    checkpoint: dict[str, Any]
    worker: str


CLAIM = text(
    """
    UPDATE sync_job SET status = 'running', locked_by = :worker, heartbeat_at = :now,
        started_at = coalesce(started_at, :now), attempts = attempts + 1, error = NULL
    WHERE id = (
        SELECT id FROM sync_job WHERE status = 'queued' AND run_after <= :now
        ORDER BY run_after, created LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, organization_id, source_id, kind, attempts, checkpoint
    """
)
HOLDS_LEASE = "id = :job_id AND status = 'running' AND locked_by = :worker"
HEARTBEAT = text(f"UPDATE sync_job SET heartbeat_at = :now WHERE {HOLDS_LEASE}")  # noqa: S608
CHECKPOINT = text(
    f"""
    UPDATE sync_job SET checkpoint = CAST(:checkpoint AS jsonb), progress_done = :done,
        progress_total = :total, offers_upserted = offers_upserted + :upserted,
        heartbeat_at = :now
    WHERE {HOLDS_LEASE}
    """  # noqa: S608
)
RESTART_OFFER_COUNT = text(f"UPDATE sync_job SET offers_upserted = 0 WHERE {HOLDS_LEASE}")  # noqa: S608
FINISH = text(
    f"""
    UPDATE sync_job SET status = :status, error = :error, finished_at = :now, locked_by = NULL
    WHERE {HOLDS_LEASE}
    """  # noqa: S608
)
RETRY_LATER = text(
    f"""
    UPDATE sync_job SET status = 'queued', error = :error, run_after = :run_after,
        locked_by = NULL
    WHERE {HOLDS_LEASE}
    """  # noqa: S608
)
# A job that keeps killing its workers must not loop forever: out of attempts, it fails.
REAP = text(
    """
    UPDATE sync_job SET
        status = CASE WHEN attempts >= :max_attempts THEN 'failed' ELSE 'queued' END,
        error = CASE WHEN attempts >= :max_attempts
                     THEN 'its worker stopped responding ' || attempts || ' times'
                     ELSE 'resumed after its worker stopped responding' END,
        finished_at = CASE WHEN attempts >= :max_attempts THEN :now END,
        locked_by = NULL, run_after = :now
    WHERE status = 'running' AND heartbeat_at < :stale_before
    RETURNING id
    """
)


def claim_next_job(*, worker: str, now: datetime) -> ClaimedJob | None:
    with session_scope() as session:
        row = session.execute(CLAIM, {"worker": worker, "now": now}).mappings().first()
    if row is None:
        return None
    return ClaimedJob(
        id=row["id"],
        organization_id=row["organization_id"],
        source_id=row["source_id"],
        kind=JobKind(row["kind"]),
        attempts=row["attempts"],
        checkpoint=dict(row["checkpoint"] or {}),
        worker=worker,
    )


def _lease(job: ClaimedJob) -> dict[str, str]:
    return {"job_id": job.id, "worker": job.worker}


def heartbeat(job: ClaimedJob, *, now: datetime) -> bool:
    """True while the lease holds."""
    with session_scope() as session:
        return session.execute(HEARTBEAT, {**_lease(job), "now": now}).rowcount == 1


def save_checkpoint(
    session: Session,
    job: ClaimedJob,
    *,
    checkpoint: str,
    done: int,
    total: int | None,
    upserted: int,
    now: datetime,
) -> None:
    """Record progress in the caller's transaction; raises LeaseLost (roll it back) if the
    job is no longer ours."""
    params = {**_lease(job), "checkpoint": checkpoint, "done": done, "total": total}
    if session.execute(CHECKPOINT, {**params, "upserted": upserted, "now": now}).rowcount != 1:
        raise LeaseLost(job.id)


def restart_offer_count(session: Session, job: ClaimedJob) -> None:
    """The job writes its catalog again from the start (a new bulk export): count anew.
    Raises LeaseLost like `save_checkpoint`."""
    if session.execute(RESTART_OFFER_COUNT, _lease(job)).rowcount != 1:
        raise LeaseLost(job.id)


def finish_job(
    session: Session, job: ClaimedJob, *, status: JobStatus, now: datetime, error: str | None = None
) -> None:
    params = {**_lease(job), "status": status.value, "error": error, "now": now}
    if session.execute(FINISH, params).rowcount != 1:
        raise LeaseLost(job.id)


def retry_later(job: ClaimedJob, *, error: str, run_after: datetime) -> None:
    with session_scope() as session:
        session.execute(RETRY_LATER, {**_lease(job), "error": error, "run_after": run_after})


def requeue_stale_jobs(*, now: datetime, stale_before: datetime, max_attempts: int) -> list[str]:
    """Jobs whose worker died (no heartbeat since `stale_before`) go back to the queue; their
    checkpoint stays, so the next worker resumes where the dead one last committed."""
    with session_scope() as session:
        params = {"now": now, "stale_before": stale_before, "max_attempts": max_attempts}
        return list(session.execute(REAP, params).scalars())
