"""Fixed-window rate limits counted in Postgres, shared by every app process.

One statement per request bumps the caller's minute and day counters and returns both counts
(an UPSERT on `rate_limit_counter`). Windows are aligned to the Unix epoch, as the `limits`
library aligns its fixed windows. Refused requests count too, so hammering does not help.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import psycopg
from sqlalchemy import text

from closient_app.config import get_settings
from closient_app.db import psycopg_sql
from closient_app.services.authn import Caller

MINUTE, DAY = 60, 86_400

_COUNT = text(
    """
    INSERT INTO rate_limit_counter AS c (bucket, window_seconds, window_start, hits)
    VALUES (:bucket, :short_s, :short_start, 1), (:bucket, :long_s, :long_start, 1)
    ON CONFLICT (bucket, window_seconds, window_start) DO UPDATE SET hits = c.hits + 1
    RETURNING window_seconds, hits
    """
)
# Counters of windows that are over: never read again (services/retention.py deletes them).
ENDED_WINDOWS = "window_start + window_seconds < :now_s"


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: int


@dataclass(frozen=True)
class WindowCount:
    window: Window
    hits: int
    reset_s: int  # seconds until this window ends

    @property
    def remaining(self) -> int:
        return max(0, self.window.limit - self.hits)

    @property
    def exceeded(self) -> bool:
        return self.hits > self.window.limit


@dataclass(frozen=True)
class Verdict:
    counts: tuple[WindowCount, ...]

    @property
    def allowed(self) -> bool:
        return not any(c.exceeded for c in self.counts)

    @property
    def binding(self) -> WindowCount:
        """The most restrictive window: fewest requests left, then the longest wait."""
        return min(self.counts, key=lambda c: (c.remaining, -c.reset_s))

    @property
    def retry_after_s(self) -> int:
        return max((c.reset_s for c in self.counts if c.exceeded), default=0)

    def headers(self) -> dict[str, str]:
        binding = self.binding
        return {
            "RateLimit-Policy": ", ".join(
                f"{c.window.limit};w={c.window.seconds}" for c in self.counts
            ),
            "RateLimit-Limit": str(binding.window.limit),
            "RateLimit-Remaining": str(binding.remaining),
            "RateLimit-Reset": str(binding.reset_s),
        }


def policy_for(caller: Caller | None) -> tuple[Window, Window]:
    """The caller's minute and day windows: a key's overrides, else the defaults."""
    settings = get_settings()
    per_minute = caller.rate_limit_per_minute if caller else None
    per_day = caller.rate_limit_per_day if caller else None
    return (
        Window(per_minute or settings.rate_limit_per_minute, MINUTE),
        Window(per_day or settings.rate_limit_per_day, DAY),
    )


def count_request(
    conn: psycopg.Connection, bucket: str, windows: tuple[Window, Window], now: datetime
) -> Verdict:
    """Count one request against both windows and say whether it is within the limits.

    On the driver connection, not an ORM session: it runs on every API request, and the
    ORM's per-statement work cost more than the statement itself (measured)."""
    now_s = now.timestamp()
    short, long = windows
    starts = {w.seconds: int(now_s // w.seconds) * w.seconds for w in windows}
    rows = conn.execute(
        psycopg_sql(_COUNT),
        {
            "bucket": bucket,
            "short_s": short.seconds,
            "short_start": starts[short.seconds],
            "long_s": long.seconds,
            "long_start": starts[long.seconds],
        },
    ).fetchall()
    hits = {seconds: count for seconds, count in rows}
    return Verdict(
        tuple(
            WindowCount(w, hits[w.seconds], math.ceil(starts[w.seconds] + w.seconds - now_s))
            for w in windows
        )
    )
