"""Settings of one sandbox instance. The app process passes its own sandbox app credentials."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import httpx

DAY_S = 86_400.0

# Shopify retries a failing webhook 8 times over 4 hours. The nominal gaps between the 8 tries
# double and add up to exactly 4 h; `retry_backoff_scale` compresses them.
WEBHOOK_MAX_TRIES = 8
WEBHOOK_RETRY_GAPS_S: tuple[float, ...] = (120, 240, 480, 960, 1920, 3840, 6840)

HeaderStyle = Literal["x-shopify", "shopify"]


@dataclass
class SandboxConfig:
    """Everything a sandbox needs; every field but `apps` has a working default."""

    # client_id -> client_secret of the apps allowed to install on sandbox shops.
    apps: dict[str, str]
    default_products: int = 40
    default_variants_per_product: int = 3  # each product gets 1..this many, deterministically
    default_locations: int = 3
    bucket_max: float = 1000.0
    restore_rate: float = 100.0  # points per second (Shopify standard plan)
    max_query_cost: int = 1000
    code_ttl_s: float = 600.0
    access_token_ttl_s: float = 3600.0
    refresh_token_ttl_s: float = 90 * DAY_S
    # An already used refresh token may be retried until its replacement is used, for at most
    # this long after its first use (Shopify changelog, 2026-08-28).
    refresh_retry_window_s: float = 30 * DAY_S
    online_token_ttl_s: float = DAY_S
    webhook_header_style: HeaderStyle = "x-shopify"
    duplicate_rate: float = 0.0
    out_of_order: bool = False
    out_of_order_window_s: float = 0.2
    latency_s: float = 0.0
    # A bulk export stays RUNNING at least this long (Shopify's take seconds to hours), so a
    # client can be interrupted while one runs; lowering it finishes running exports sooner.
    bulk_run_s: float = 0.0
    # 1/4000 turns the 4 h retry schedule into 3.6 s.
    retry_backoff_scale: float = 1 / 4000
    webhook_timeout_s: float = 5.0
    # Lets tests deliver webhooks in-process (e.g. httpx.ASGITransport); None means real HTTP.
    webhook_transport: httpx.AsyncBaseTransport | None = None
    clock: Callable[[], float] = field(default=time.time)
    random_seed: int = 0

    def __post_init__(self) -> None:
        if not self.apps:
            raise ValueError("SandboxConfig.apps needs at least one client_id -> client_secret")
        if self.webhook_header_style not in ("x-shopify", "shopify"):
            raise ValueError("webhook_header_style must be 'x-shopify' or 'shopify'")
        if not 0.0 <= self.duplicate_rate <= 1.0:
            raise ValueError("duplicate_rate must be between 0 and 1")
