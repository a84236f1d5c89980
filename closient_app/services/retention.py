"""Retention: which rows the database stops keeping, and when.

The scheduler's `purge_expired_records` runs `purge_expired` every 10 minutes. Each kind of row
is deleted in batches of at most BATCH rows, each batch its own short transaction, skipping rows
another transaction has locked: a purge never waits on the app and never holds many locks for
long. A backlog (the first run on a database that grew for months) is worked off MAX_BATCHES
batches per kind and run.

Kept, always: queued webhook receipts (not applied yet) and forwards still to be sent. Codes,
browser sessions and OAuth tokens stay for ENDED_GRACE after they end, so a late poll or
refresh still gets "expired" rather than "unknown".
"""

# ruff: noqa: S608  (table names and conditions are constants of this module, never input)

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import TextClause, text

from closient_app.config import Settings
from closient_app.db import session_scope
from closient_app.models import ForwardStatus, ReceiptStatus
from closient_app.services.rate_limits import ENDED_WINDOWS

BATCH = 5000
MAX_BATCHES = 100  # per kind and run
ENDED_GRACE = timedelta(days=1)


def _pick(table: str, condition: str, key: Sequence[str] = ("id",)) -> str:
    """The keys of up to :batch rows to delete, locked (rows locked elsewhere are skipped)."""
    return (
        f"({', '.join(key)}) IN (SELECT {', '.join(key)} FROM {table} WHERE {condition} "
        "LIMIT :batch FOR UPDATE SKIP LOCKED)"
    )


def _batched_delete(table: str, condition: str, key: Sequence[str] = ("id",)) -> TextClause:
    return text(
        f"WITH gone AS (DELETE FROM {table} WHERE {_pick(table, condition, key)} RETURNING 1) "
        "SELECT count(*) FROM gone"
    )


# Finished receipts past their retention (the condition matches ix_webhook_receipt_finished).
# The newest one deleted per endpoint is carried over to `webhook_endpoint.last_delivery_at`, so
# an endpoint quiet for longer than the retention still says when its last delivery came.
OLD_RECEIPTS = _pick(
    "webhook_receipt", f"status <> '{ReceiptStatus.QUEUED}' AND received_at < :receipts_before"
)
RECEIPTS = text(
    f"""
    WITH gone AS (
        DELETE FROM webhook_receipt WHERE {OLD_RECEIPTS}
        RETURNING source_id, topic, received_at
    ), newest AS (
        SELECT e.id, max(g.received_at) AS received_at
        FROM gone g JOIN webhook_endpoint e
          ON e.source_id = g.source_id AND g.topic = ANY(e.topics)
        GROUP BY e.id
    ), carried AS (
        UPDATE webhook_endpoint e
        SET last_delivery_at = greatest(e.last_delivery_at, newest.received_at)
        FROM newest WHERE e.id = newest.id
    )
    SELECT count(*) FROM gone
    """
)
FINISHED_FORWARDS = f"status IN ('{ForwardStatus.DELIVERED}', '{ForwardStatus.DEAD_LETTER}')"
# A token family (one device-flow grant and its rotations) goes when none of its tokens is
# usable or recently ended: while one is, replaying a rotated refresh token of the family must
# still find that token and revoke the family.
OAUTH_FAMILY_ENDED = """NOT EXISTS (
    SELECT 1 FROM oauth_token f WHERE f.family_id = oauth_token.family_id
    AND (f.revoked_at IS NULL OR f.revoked_at >= :ended_before)
    AND coalesce(f.refresh_expires_at, f.access_expires_at) >= :ended_before)"""
ENDED = "expires_at < :ended_before"

# In this order: a device grant points at its POS state, a state at its install link.
PURGES: dict[str, TextClause] = {
    "search_session": _batched_delete("search_session", "expires_at <= :now"),
    "webhook_receipt": RECEIPTS,
    "forward_delivery": _batched_delete(
        "forward_delivery", f"{FINISHED_FORWARDS} AND created < :forwards_before"
    ),
    "rate_limit_counter": _batched_delete(
        "rate_limit_counter", ENDED_WINDOWS, key=("bucket", "window_seconds", "window_start")
    ),
    "pos_device_grant": _batched_delete("pos_device_grant", ENDED),
    "pos_oauth_state": _batched_delete("pos_oauth_state", ENDED),
    "install_link": _batched_delete("install_link", ENDED),
    "oauth_device_grant": _batched_delete("oauth_device_grant", ENDED),
    "oauth_token": _batched_delete("oauth_token", OAUTH_FAMILY_ENDED),
    "web_session": _batched_delete("web_session", f"{ENDED} OR revoked_at < :ended_before"),
}


def cutoffs(now: datetime, settings: Settings) -> dict[str, datetime | int]:
    return {
        "now": now,
        "now_s": int(now.timestamp()),
        "ended_before": now - ENDED_GRACE,
        "receipts_before": now - timedelta(days=settings.webhook_receipt_retention_days),
        "forwards_before": now - timedelta(days=settings.forward_delivery_retention_days),
    }


def purge_expired(
    *, now: datetime, settings: Settings, batch: int = BATCH, max_batches: int = MAX_BATCHES
) -> dict[str, int]:
    """Delete every kind of row past its retention; returns how many rows of each went."""
    params = {**cutoffs(now, settings), "batch": batch}
    return {
        kind: _purge(statement, params, max_batches=max_batches)
        for kind, statement in PURGES.items()
    }


def _purge(statement: TextClause, params: dict, *, max_batches: int) -> int:
    deleted = 0
    for _ in range(max_batches):
        with session_scope() as session:
            count = session.execute(statement, params).scalar_one()
        deleted += count
        if count < params["batch"]:
            break
    return deleted
