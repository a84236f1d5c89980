"""Enqueueing sync jobs. The partial unique index `uq_sync_job_one_live_per_source` guarantees at
most one queued-or-running sync per source, in the database; enqueueing twice returns the live job.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from closient_app.models import InventorySource, JobKind, JobStatus, SyncJob

# Workers LISTEN here; PostgreSQL delivers the NOTIFY when the enqueueing transaction commits.
JOBS_CHANNEL = "closient_jobs"


def enqueue_sync(*, session: Session, source: InventorySource, kind: JobKind) -> SyncJob:
    """Queue a sync for `source`, or return the one already queued or running."""
    job = SyncJob(organization_id=source.organization_id, source_id=source.id, kind=kind)
    values = job.model_dump(exclude_none=True)
    inserted = session.execute(
        insert(SyncJob)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=["source_id"],
            index_where=SyncJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
        .returning(SyncJob.id)
    ).scalar_one_or_none()
    job_id = inserted or live_job_id(session=session, source_id=source.id)
    if inserted:
        notify_workers(session=session)
    return session.get(SyncJob, job_id)


def notify_workers(*, session: Session) -> None:
    """Wake idle workers at commit instead of at their next poll."""
    session.execute(text(f"NOTIFY {JOBS_CHANNEL}"))


def live_job_id(*, session: Session, source_id: str) -> str | None:
    return session.exec(
        select(SyncJob.id).where(
            SyncJob.source_id == source_id,
            SyncJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
    ).first()
