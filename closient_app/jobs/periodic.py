"""The periodic work the scheduler triggers. Each task is idempotent and safe to run twice
(two app processes, a missed run caught up): running it again finds nothing left to do."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, text
from sqlmodel import select

from closient_app.clock import utcnow
from closient_app.config import get_settings
from closient_app.db import session_scope
from closient_app.freshness import LEVELS
from closient_app.jobs.leases import requeue_stale_jobs
from closient_app.jobs.queue import enqueue_sync, notify_workers
from closient_app.models import InventorySource, JobKind, SourceStatus
from closient_app.services import retention
from closient_app.services.forwarding import deliver_pending_forwards
from closient_app.services.pos_access import refresh_expiring_tokens

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
STALE_AFTER = LEVELS[-1][1]  # 48 h: past the last confidence level, inventory counts as stale
TOKEN_REFRESH_WINDOW = timedelta(minutes=15)
DUE_JOBS = text(
    "SELECT EXISTS (SELECT 1 FROM sync_job WHERE status = 'queued' AND run_after <= :now)"
)


async def poll_sync_jobs(clock: Clock = utcnow) -> None:
    """Requeue jobs whose worker died, and wake every worker when jobs are due (retries whose
    backoff ended are not announced by anyone else)."""
    await asyncio.to_thread(_poll_sync_jobs, clock())


def _poll_sync_jobs(now: datetime) -> None:
    settings = get_settings()
    requeue_stale_jobs(
        now=now,
        stale_before=now - timedelta(seconds=settings.job_stale_after_s),
        max_attempts=settings.job_max_attempts,
    )
    with session_scope() as session:
        if session.execute(DUE_JOBS, {"now": now}).scalar():
            notify_workers(session=session)


async def enqueue_due_resyncs(clock: Clock = utcnow) -> int:
    """A re-sync for every connected source not synced within RESYNC_INTERVAL_HOURS: it
    reconciles drift (missed webhooks, deletions) and re-confirms freshness."""
    return await asyncio.to_thread(_enqueue_due_resyncs, clock())


def _enqueue_due_resyncs(now: datetime) -> int:
    due_before = now - timedelta(hours=get_settings().resync_interval_hours)
    with session_scope() as session:
        sources = session.exec(
            select(InventorySource).where(
                InventorySource.status == SourceStatus.CONNECTED,
                or_(
                    InventorySource.last_sync_at.is_(None),
                    InventorySource.last_sync_at < due_before,
                ),
            )
        ).all()
        for source in sources:
            enqueue_sync(session=session, source=source, kind=JobKind.RESYNC)
    return len(sources)


async def mark_stale_sources(clock: Clock = utcnow) -> int:
    """Tell the retailer (sources list, readiness) when no sync has confirmed their stock for
    48 h: their offers now rank as stale. A successful sync clears the message."""
    return await asyncio.to_thread(_mark_stale_sources, clock())


def _mark_stale_sources(now: datetime) -> int:
    stale_before = now - STALE_AFTER
    with session_scope() as session:
        sources = session.exec(
            select(InventorySource).where(
                InventorySource.status.in_([SourceStatus.CONNECTED, SourceStatus.SYNCING]),
                InventorySource.last_sync_at < stale_before,
                InventorySource.last_error.is_(None),
            )
        ).all()
        for source in sources:
            since = source.last_sync_at.strftime("%Y-%m-%d %H:%M")
            source.last_error = (
                f"No sync has confirmed this store's inventory since {since} UTC: its offers "
                "rank as stale until the next successful sync."
            )
            session.add(source)
    return len(sources)


async def refresh_pos_tokens(clock: Clock = utcnow) -> int:
    """Refresh access tokens before they expire (Shopify's expire after an hour)."""
    return await refresh_expiring_tokens(within=TOKEN_REFRESH_WINDOW, clock=clock)


async def deliver_forwards() -> int:
    """Send normalized events to retailers' forward URLs (retries included)."""
    return await deliver_pending_forwards(limit=100)


async def purge_expired_records(clock: Clock = utcnow) -> dict[str, int]:
    """Delete what is kept no longer, in small batches (services/retention.py): expired search
    sessions, finished webhook receipts and forwards past their retention, ended rate-limit
    windows, and codes, browser sessions and OAuth tokens a day after they ended."""
    purged = await asyncio.to_thread(retention.purge_expired, now=clock(), settings=get_settings())
    if any(purged.values()):
        log.info("purged %s", ", ".join(f"{n} {kind}" for kind, n in purged.items() if n))
    return purged
