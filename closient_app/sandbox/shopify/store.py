"""The whole mutable state of one sandbox: shops, tokens, buckets, subscriptions, bulk ops, faults.

State lives in memory, per process: the app runs one backend worker, so one process holds the
one sandbox. A restart starts from freshly generated shops.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal

from .catalog import Catalog, ShopSize
from .config import SandboxConfig
from .generator import generate_catalog
from .throttle import LeakyBucket
from .tokens import TokenRegistry
from .webhooks import WebhookDispatcher

FaultMode = Literal["http_500", "graphql_internal_error"]


@dataclass
class WebhookSubscription:
    id: int
    shop: str
    client_id: str
    topic: str  # the GraphQL enum, e.g. INVENTORY_LEVELS_UPDATE
    uri: str
    format: str
    api_version: str
    created_at: str
    updated_at: str


@dataclass
class BulkOperation:
    id: int
    shop: str
    client_id: str
    query: str
    created_at: str
    status: str = "CREATED"
    error_code: str | None = None
    completed_at: str | None = None
    object_count: int = 0
    root_object_count: int = 0
    download_key: str = ""
    url: str | None = None
    jsonl: bytes | None = None


@dataclass
class FaultInjection:
    mode: FaultMode
    remaining: int | None  # None: every call fails until the fault is cleared
    shop: str | None  # None: every shop


@dataclass
class ShopState:
    catalog: Catalog
    subscriptions: dict[int, WebhookSubscription] = field(default_factory=dict)
    bulk_operations: dict[str, BulkOperation] = field(default_factory=dict)  # by client_id


class SandboxStore:
    def __init__(self, config: SandboxConfig) -> None:
        self.initial_config = config
        self.config = config
        self._ids = itertools.count(1_000_000_001)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.reset()

    def reset(self) -> None:
        self.config = self.initial_config
        self.shops: dict[str, ShopState] = {}
        self.tokens = TokenRegistry(lambda: self.config)
        self.buckets: dict[tuple[str, str], LeakyBucket] = {}
        self.bulk_by_key: dict[str, BulkOperation] = {}
        self.fault: FaultInjection | None = None
        self.granted_scope_override: str | None = None
        self.webhooks = WebhookDispatcher(self)

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` in the background on the running loop, holding a reference until done."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self, timeout_s: float = 10.0) -> None:
        """Wait until no background work (deliveries, retries, bulk runs) is left."""
        async with asyncio.timeout(timeout_s):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def update_settings(self, **changes: object) -> SandboxConfig:
        self.config = dataclasses.replace(self.config, **changes)  # type: ignore[arg-type]
        for bucket in self.buckets.values():
            bucket.maximum, bucket.restore_rate = self.config.bucket_max, self.config.restore_rate
        return self.config

    def next_id(self) -> int:
        return next(self._ids)

    def default_size(self) -> ShopSize:
        c = self.config
        return ShopSize(
            c.default_products, None, c.default_variants_per_product, c.default_locations
        )

    def shop(self, domain: str) -> ShopState:
        """Any valid shop exists: the first touch generates it with the default size."""
        key = domain.lower()
        state = self.shops.get(key)
        if state is None:
            state = self.create_shop(key, self.default_size())
        return state

    def create_shop(self, domain: str, size: ShopSize) -> ShopState:
        key = domain.lower()
        previous = self.shops.get(key)
        state = ShopState(generate_catalog(key, size, self.config.random_seed))
        if previous is not None:  # regenerating keeps installs and subscriptions
            state.subscriptions = previous.subscriptions
        self.shops[key] = state
        return state

    def forget_shop(self, domain: str) -> bool:
        key = domain.lower()
        self.tokens.revoke(shop=key)
        self.buckets = {k: v for k, v in self.buckets.items() if k[0] != key}
        return self.shops.pop(key, None) is not None

    def bucket(self, shop: str, client_id: str) -> LeakyBucket:
        key = (shop.lower(), client_id)
        if key not in self.buckets:
            self.buckets[key] = LeakyBucket(
                maximum=self.config.bucket_max,
                restore_rate=self.config.restore_rate,
                clock=lambda: self.config.clock(),
            )
        return self.buckets[key]

    def take_fault(self, shop: str) -> FaultMode | None:
        """The injected failure for this call, if any; counted faults run out."""
        fault = self.fault
        if fault is None or (fault.shop is not None and fault.shop != shop.lower()):
            return None
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                self.fault = None
        return fault.mode

    def subscriptions_for(self, shop: str, topic: str) -> list[WebhookSubscription]:
        state = self.shops.get(shop.lower())
        if state is None:
            return []
        return [s for s in state.subscriptions.values() if s.topic == topic]
