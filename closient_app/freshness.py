"""Inventory confidence: how fresh an offer's `last_inventory_sync` is.

confirmed (< 1 h), likely (< 24 h), uncertain (< 48 h), stale (older, or never synced).
The search ranks by the same thresholds in SQL (`confidence_rank_sql`), so the label an offer
shows and the place it ranks never disagree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

LEVELS: tuple[tuple[str, timedelta], ...] = (
    ("confirmed", timedelta(hours=1)),
    ("likely", timedelta(hours=24)),
    ("uncertain", timedelta(hours=48)),
)
STALE = "stale"
# Rank 0 is the freshest; the search sorts on it after distance and stock.
NAMES: tuple[str, ...] = (*(name for name, _ in LEVELS), STALE)


def inventory_confidence(last_sync: datetime | None, now: datetime) -> str:
    if last_sync is None:
        return STALE
    age = now - last_sync
    for name, limit in LEVELS:
        if age < limit:
            return name
    return STALE


def confidence_rank_sql(column: str) -> str:
    """A SQL CASE giving the rank (index into NAMES) of a timestamp column; NULL is stale."""
    whens = " ".join(
        f"WHEN {column} > now() - interval '{int(limit.total_seconds())} seconds' THEN {rank}"
        for rank, (_, limit) in enumerate(LEVELS)
    )
    return f"(CASE {whens} ELSE {len(LEVELS)} END)"
