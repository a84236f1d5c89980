"""Shopify's leaky bucket, one per (shop, app): refills continuously at `restore_rate` points/s.

Source: https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits. A request is
admitted when its *requested* cost fits in what is currently available; the requested cost is
taken up front and the difference to the *actual* cost is given back after execution.
"""

from __future__ import annotations

import math
from collections.abc import Callable

# Clocks are epoch floats (~1.8e9), whose resolution is ~2.4e-7 s; this tolerance keeps a
# client that waits exactly (needed - available) / restoreRate from being refused by rounding.
ROUNDING_TOLERANCE = 1e-3


class LeakyBucket:
    def __init__(self, *, maximum: float, restore_rate: float, clock: Callable[[], float]) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._clock = clock
        self._available = maximum
        self._updated_at = clock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated_at)
        self._available = min(self.maximum, self._available + elapsed * self.restore_rate)
        self._updated_at = now

    def try_take(self, points: float) -> bool:
        """Take `points` if they are available now; a refused request takes nothing."""
        self._refill()
        if points > self._available + ROUNDING_TOLERANCE:
            return False
        self._available = max(0.0, self._available - points)
        return True

    def give_back(self, points: float) -> None:
        self._refill()
        self._available = min(self.maximum, self._available + max(0.0, points))

    def status(self) -> dict[str, float | int]:
        """`throttleStatus` as Shopify reports it; available is floored so waits err long."""
        self._refill()
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": math.floor(self._available + ROUNDING_TOLERANCE),
            "restoreRate": float(self.restore_rate),
        }
