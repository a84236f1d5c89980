"""The first sync as the wizard shows it: progress, the offer count, errors in plain words,
and "retry now". The sync itself (jobs/, services/sync*.py) knows nothing about the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.errors import Conflict
from closient_app.jobs.queue import enqueue_sync, notify_workers
from closient_app.models import (
    InStoreOffer,
    InventorySource,
    JobKind,
    JobStatus,
    SourceStatus,
    SyncJob,
)

# Technical error text (from the connector or the worker) -> what a retailer can act on.
ERROR_WORDS = (
    (
        ("reconnect", "tokenrejected", "access"),
        "Shopify no longer accepts our access to your store. Connect it again to resume syncing.",
    ),
    (
        ("throttl", "rate limit", "429"),
        "Shopify asked us to slow down. We will continue shortly; nothing is lost.",
    ),
    (
        ("500", "502", "503", "internal", "unavailable", "timeout", "connect"),
        "Shopify had a temporary problem answering us. Nothing is lost.",
    ),
)
UNKNOWN_ERROR = "Something went wrong while reading your catalog. Nothing is lost: try again."


@dataclass(frozen=True)
class SyncProgress:
    job_id: str | None
    status: str  # none | queued | running | succeeded | failed | cancelled
    done: int
    total: int | None
    unit: str
    offers: int
    attempts: int
    problem: str  # in words, "" when none
    retry_at: datetime | None  # when a failed attempt will be retried by itself
    last_sync_at: datetime | None

    @property
    def percent(self) -> int:
        if self.status == "succeeded":
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))


def error_in_words(error: str | None) -> str:
    if not error:
        return ""
    text = error.lower()
    for needles, words in ERROR_WORDS:
        if any(needle in text for needle in needles):
            return words
    return UNKNOWN_ERROR


def latest_job(*, session: Session, source_id: str) -> SyncJob | None:
    return session.exec(
        select(SyncJob).where(SyncJob.source_id == source_id).order_by(SyncJob.created.desc())
    ).first()


def sync_progress(*, session: Session, source: InventorySource) -> SyncProgress:
    job = latest_job(session=session, source_id=source.id)
    offers = session.exec(select(func.count()).where(InStoreOffer.source_id == source.id)).one()
    if job is None:
        return SyncProgress(None, "none", 0, None, "variants", offers, 0, "", None, None)
    waiting = job.status == JobStatus.QUEUED and job.error
    return SyncProgress(
        job_id=job.id,
        status=job.status.value,
        done=job.progress_done,
        total=job.progress_total,
        unit=job.progress_unit,
        offers=offers,
        attempts=job.attempts,
        problem=error_in_words(job.error) if job.status != JobStatus.SUCCEEDED else "",
        retry_at=job.run_after if waiting else None,
        last_sync_at=source.last_sync_at,
    )


def sync_now(*, session: Session, source: InventorySource) -> SyncJob:
    """Start a sync, or pull a waiting retry forward to now (one live job per source)."""
    if source.status in (SourceStatus.DISCONNECTED, SourceStatus.PENDING):
        raise Conflict("Your store is not connected, so there is nothing to sync.")
    session.execute(
        update(SyncJob)
        .where(SyncJob.source_id == source.id, SyncJob.status == JobStatus.QUEUED)
        .values(run_after=utcnow())
    )
    job = enqueue_sync(session=session, source=source, kind=JobKind.RESYNC)
    notify_workers(session=session)
    return job
