"""The one source of "now": timezone-aware UTC, so every timestamp compares correctly."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
