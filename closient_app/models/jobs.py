"""The Postgres job queue: claimed with FOR UPDATE SKIP LOCKED by any number of workers."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from closient_app.models.base import enum_field, fk_field, id_field, timestamp_field


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobKind(StrEnum):
    INITIAL_SYNC = "initial_sync"
    RESYNC = "resync"


class SyncJob(SQLModel, table=True):
    __tablename__ = "sync_job"
    __table_args__ = (
        # At most one live sync per source, enforced by the database rather than a process lock.
        sa.Index(
            "uq_sync_job_one_live_per_source",
            "source_id",
            unique=True,
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        ),
        sa.Index(
            "ix_sync_job_claimable", "run_after", postgresql_where=sa.text("status = 'queued'")
        ),
    )

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    source_id: str = fk_field("inventory_source.id", index=False)
    kind: JobKind = enum_field(JobKind)
    status: JobStatus = enum_field(JobStatus, JobStatus.QUEUED)
    progress_done: int = 0
    progress_total: int | None = None
    progress_unit: str = Field(default="variants", max_length=32)
    offers_upserted: int = 0
    checkpoint: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    attempts: int = 0
    error: str | None = Field(default=None, sa_type=sa.Text)
    run_after: datetime = timestamp_field()
    locked_by: str | None = Field(default=None, max_length=120)
    heartbeat_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    started_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    finished_at: datetime | None = timestamp_field(nullable=True, now_default=False)
    created: datetime = timestamp_field()


class ScheduledTask(SQLModel, table=True):
    """APScheduler's job store, in the layout its SQLAlchemyJobStore expects (it only creates
    the table when missing). Periodic tasks keep their next run time across restarts, so a
    deploy every few hours does not postpone the 6-hourly re-sync forever."""

    __tablename__ = "scheduled_task"

    id: str = Field(sa_column=sa.Column(sa.Unicode(191), primary_key=True))
    next_run_time: float | None = Field(default=None, sa_column=sa.Column(sa.Float(25), index=True))
    job_state: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
