"""Asynchronous, signed webhook deliveries with Shopify's failure modes.

Each delivery is an asyncio task posting with httpx.AsyncClient. Configurable, as in the field:
latency before the first try; duplicates (the same Webhook-Id sent twice, at-least-once);
out-of-order (deliveries made within a short window are sent newest first); and retries on any
non-2xx or network error with Shopify's 8 tries over 4 hours, time-compressed by
`retry_backoff_scale`. After the last failed try an API-created subscription is deleted.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from .config import WEBHOOK_MAX_TRIES, WEBHOOK_RETRY_GAPS_S
from .deliveries import Delivery, delivery_headers, rest_topic

if TYPE_CHECKING:
    from .store import SandboxStore


class WebhookDispatcher:
    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.deliveries: list[Delivery] = []
        self._held: list[Delivery] = []
        self._rng = random.Random(store.config.random_seed)  # noqa: S311 - not security
        self._client: httpx.AsyncClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def publish(
        self,
        shop: str,
        enum_topic: str,
        payload: dict[str, Any],
        *,
        client_ids: set[str] | None = None,
    ) -> list[Delivery]:
        """One event to every subscription of `enum_topic` on `shop` (optionally of some apps)."""
        event_id, triggered_at = str(uuid.uuid4()), self._now()
        body = json.dumps(payload, separators=(",", ":")).encode()
        deliveries = [
            Delivery(
                str(uuid.uuid4()),
                event_id,
                rest_topic(enum_topic),
                shop,
                sub.uri,
                sub.client_id,
                sub.api_version,
                triggered_at,
                body,
                sub.id,
            )
            for sub in self.store.subscriptions_for(shop, enum_topic)
            if client_ids is None or sub.client_id in client_ids
        ]
        self._enqueue(deliveries)
        return deliveries

    def send(
        self,
        shop: str,
        topic: str,
        payload: dict[str, Any],
        *,
        uri: str,
        client_id: str,
        api_version: str,
    ) -> Delivery:
        """A delivery to a configured address, not a subscription (the privacy topics)."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        delivery = Delivery(
            str(uuid.uuid4()),
            str(uuid.uuid4()),
            topic,
            shop,
            uri,
            client_id,
            api_version,
            self._now(),
            body,
            None,
        )
        self._enqueue([delivery])
        return delivery

    def _now(self) -> str:
        return (
            datetime.fromtimestamp(self.store.config.clock(), UTC)
            .isoformat()
            .replace("+00:00", "Z")
        )

    def _enqueue(self, deliveries: list[Delivery]) -> None:
        self.deliveries.extend(deliveries)
        if not self.store.config.out_of_order:
            for delivery in deliveries:
                self.store.spawn(self._first_try(delivery))
            return
        if not self._held and deliveries:
            self.store.spawn(self._release_held())
        self._held.extend(deliveries)

    async def _release_held(self) -> None:
        await asyncio.sleep(self.store.config.out_of_order_window_s)
        batch, self._held = self._held, []
        for delivery in reversed(batch):  # newest first, one after another
            await self._first_try(delivery)

    async def _first_try(self, delivery: Delivery) -> None:
        if self.store.config.latency_s > 0:
            await asyncio.sleep(self.store.config.latency_s)
        if await self._attempt(delivery):
            self._maybe_duplicate(delivery)
        else:
            self.store.spawn(self._retry(delivery))

    async def _retry(self, delivery: Delivery) -> None:
        for gap in WEBHOOK_RETRY_GAPS_S[: WEBHOOK_MAX_TRIES - 1]:
            await asyncio.sleep(gap * self.store.config.retry_backoff_scale)
            if await self._attempt(delivery):
                self._maybe_duplicate(delivery)
                return
        delivery.state = "failed"
        state = self.store.shops.get(delivery.shop)
        if delivery.subscription_id is not None and state is not None:
            delivery.subscription_deleted = (
                state.subscriptions.pop(delivery.subscription_id, None) is not None
            )

    def _maybe_duplicate(self, delivery: Delivery) -> None:
        if self._rng.random() < self.store.config.duplicate_rate:
            copy = Delivery(
                **{**delivery.__dict__, "attempts": [], "state": "pending", "duplicate": True}
            )
            self.deliveries.append(copy)
            self.store.spawn(self._attempt(copy))

    async def _attempt(self, delivery: Delivery) -> bool:
        record: dict[str, Any] = {"at": time.time(), "status_code": None, "error": None}
        delivery.attempts.append(record)
        try:
            response = await self._http().post(
                delivery.uri, content=delivery.body, headers=self.headers(delivery)
            )
            record["status_code"] = response.status_code
        except httpx.HTTPError as error:
            record["error"] = f"{type(error).__name__}: {error}"
        ok = record["status_code"] is not None and 200 <= record["status_code"] < 300
        if ok:
            delivery.state = "delivered"
        return ok

    def headers(self, delivery: Delivery) -> dict[str, str]:
        secret = self.store.config.apps.get(delivery.client_id, "")
        return delivery_headers(delivery, secret, self.store.config.webhook_header_style)

    def _http(self) -> httpx.AsyncClient:
        # A client belongs to one event loop; tests may run several loops one after another.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            config = self.store.config
            self._client = httpx.AsyncClient(
                transport=config.webhook_transport,
                follow_redirects=False,
                timeout=httpx.Timeout(config.webhook_timeout_s, connect=1.0),
            )
            self._client_loop = loop
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._client_loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = None
