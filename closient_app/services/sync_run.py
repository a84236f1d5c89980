"""The database side of one sync job: start, a batch with its checkpoint, and the finish.

Each batch commits its offers and the job's checkpoint (cursor, counts) in one transaction,
under the job's lease. A worker killed at any moment therefore leaves either the batch and its
checkpoint, or neither; the next worker resumes from the checkpoint, and because every write
is an idempotent upsert, the end state equals a clean run's.

Deletions: a full sync confirms (sets `last_inventory_sync` on) every offer the POS still sells.
When it finishes, this source's POS offers that it did not confirm are deleted: their variant,
product or level is gone, their product is no longer active, or their store stopped selling.
Manual offers are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from sqlalchemy import delete, or_, text
from sqlmodel import Session

from closient_app.connectors.interface import PosLocation, PosOffer
from closient_app.db import session_scope
from closient_app.jobs.leases import (
    ClaimedJob,
    finish_job,
    restart_offer_count,
    save_checkpoint,
)
from closient_app.models import (
    InStoreOffer,
    InventorySource,
    JobStatus,
    OfferSource,
    Organization,
    SourceStatus,
)
from closient_app.services.pos_locations import retire_missing_locations, upsert_pos_locations
from closient_app.services.sync_writer import SyncTarget, write_catalog_rows

LIVE = (SourceStatus.CONNECTED, SourceStatus.SYNCING, SourceStatus.ERROR)
# A batch lost in a database crash takes its checkpoint with it (same transaction), so the
# resumed job simply reads it again: no fsync per batch needed. Visibility is unchanged.
ASYNC_COMMIT = text("SET LOCAL synchronous_commit = off")


class SourceNotSyncable(Exception):
    """The source was disconnected or deleted: the job is cancelled, not failed."""


@dataclass
class Checkpoint:
    """What a resumed job needs: when the sync began (for the deletion rule), how it reads
    the catalog, where it stopped, and counts (the query cost feeds the benchmarks)."""

    started_at: str
    mode: str | None = None  # "pages" or "bulk", fixed on the first attempt
    cursor: str | None = None
    bulk_export: str | None = None  # the POS export the bulk rows come from (re-attached)
    catalog_complete: bool = False  # every row read and committed; only the finish is left
    variants_done: int = 0
    variants_total: int | None = None
    pages: int = 0
    query_cost: float = 0.0
    read_s: float = 0.0  # waiting on the POS (including rate-limit pacing)
    write_s: float = 0.0  # writing batches to the database
    resumed_at: list[int] = field(default_factory=list)  # variants_done at each resume

    @classmethod
    def load(cls, stored: dict, now: datetime) -> Checkpoint:
        if not stored:
            return cls(started_at=now.isoformat())
        known = {name: value for name, value in stored.items() if name in cls.__dataclass_fields__}
        checkpoint = cls(**known)  # a checkpoint written by an older release still loads
        checkpoint.resumed_at.append(checkpoint.variants_done)
        return checkpoint

    def dump(self) -> str:
        return json.dumps(asdict(self))

    @property
    def started(self) -> datetime:
        return datetime.fromisoformat(self.started_at)


@dataclass
class SyncRun:
    job: ClaimedJob
    checkpoint: Checkpoint
    target: SyncTarget | None = None
    fallback_country: str = "US"


def begin(job: ClaimedJob, *, now: datetime, low_stock_below: int) -> SyncRun:
    """Load the source, mark it syncing and write the (possibly resumed) checkpoint."""
    with session_scope() as session:
        source = _live_source(session, job.source_id)
        source.status = SourceStatus.SYNCING
        session.add(source)
        organization = session.get(Organization, source.organization_id)
        run = SyncRun(job=job, checkpoint=Checkpoint.load(job.checkpoint, now))
        run.fallback_country = organization.country if organization else "US"
        run.target = SyncTarget(
            organization_id=source.organization_id,
            source_id=source.id,
            provider=source.provider,
            stores={},  # known once the POS locations are read
            low_stock_below=low_stock_below,
        )
        _save(session, run, upserted=0, now=now)
    return run


def record_locations(run: SyncRun, locations: list[PosLocation], *, now: datetime) -> None:
    """Upsert the stores; the target then knows which POS locations sell."""
    with session_scope() as session:
        source = _live_source(session, run.job.source_id)
        stores = upsert_pos_locations(
            session=session,
            source=source,
            locations=locations,
            fallback_country=run.fallback_country,
            now=now,
        )
        retire_missing_locations(
            session=session,
            source_id=source.id,
            present={loc.external_id for loc in locations},
            now=now,
        )
    run.target = replace(run.target, stores=stores)


def commit_batch(run: SyncRun, rows: Sequence[PosOffer], *, now: datetime) -> None:
    """The batch's offers and the checkpoint (already advanced by the caller), atomically."""
    with session_scope() as session:
        session.execute(ASYNC_COMMIT)
        source = _live_source(session, run.job.source_id)  # disconnected meanwhile: stop
        upserted = write_catalog_rows(
            session=session, target=run.target, rows=rows, confirmed_at=now
        )
        if rows and not source.currency:
            source.currency = rows[0].currency  # product webhooks need it to read prices
        _save(session, run, upserted=upserted, now=now)


def save_progress(run: SyncRun, *, now: datetime) -> None:
    with session_scope() as session:
        _save(session, run, upserted=0, now=now)


def record_export(run: SyncRun, *, recount: bool, now: datetime) -> None:
    """The checkpoint names the bulk export being read. `recount`: a new export, whose rows
    are all written again, so the job's count of offers written starts over (nothing is
    counted twice)."""
    with session_scope() as session:
        if recount:
            restart_offer_count(session, run.job)
        _save(session, run, upserted=0, now=now)


def finish(run: SyncRun, *, now: datetime) -> int:
    """Delete what the sync did not confirm, mark the source synced, the job succeeded."""
    with session_scope() as session:
        source = _live_source(session, run.job.source_id)
        removed = reconcile(session, source_id=source.id, confirmed_since=run.checkpoint.started)
        source.status, source.last_sync_at, source.last_error = SourceStatus.CONNECTED, now, None
        session.add(source)
        _save(session, run, upserted=0, now=now)
        finish_job(session, run.job, status=JobStatus.SUCCEEDED, now=now)
    return removed


def reconcile(session: Session, *, source_id: str, confirmed_since: datetime) -> int:
    """The deletion rule: POS offers of the source not confirmed since the sync began."""
    return session.execute(
        delete(InStoreOffer).where(
            InStoreOffer.source_id == source_id,
            InStoreOffer.source == OfferSource.POS_SYNC,
            or_(
                InStoreOffer.last_inventory_sync.is_(None),
                InStoreOffer.last_inventory_sync < confirmed_since,
            ),
        )
    ).rowcount


def end_unsuccessfully(job: ClaimedJob, *, status: JobStatus, error: str, now: datetime) -> None:
    """Failed or cancelled: the job says why; a still-live source goes back to connected with
    the reason (its earlier offers stay searchable)."""
    with session_scope() as session:
        source = session.get(InventorySource, job.source_id)
        if source is not None and source.status == SourceStatus.SYNCING:
            source.status, source.last_error = SourceStatus.CONNECTED, error
            session.add(source)
        finish_job(session, job, status=status, now=now, error=error)


def _live_source(session: Session, source_id: str) -> InventorySource:
    source = session.get(InventorySource, source_id)
    if source is None or source.status not in LIVE:
        raise SourceNotSyncable(f"source {source_id} is not connected")
    return source


def _save(session: Session, run: SyncRun, *, upserted: int, now: datetime) -> None:
    checkpoint = run.checkpoint
    save_checkpoint(
        session,
        run.job,
        checkpoint=checkpoint.dump(),
        done=checkpoint.variants_done,
        total=checkpoint.variants_total,
        upserted=upserted,
        now=now,
    )
