"""Webhook apply latency: from receipt to visible, at 200 deliveries/s.

A 1,000-product shop is connected (real callback) and synced by a worker process, as in
production. Then signed `inventory_levels/update` deliveries go to the app's receiver at a
fixed rate, each to a different offer with a quantity no other delivery uses. An observer
polls those offers every 5 ms on its own connection and notes when each new quantity is
visible to a reader: the search reads the same committed rows (no index to refresh), so that is
when the change is searchable. Latency = seen - `received_at` (stamped by the receiver).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import UTC, datetime

import httpx
import psycopg
from sqlalchemy.engine import make_url

from closient_app.bench import _sync_env as env
from closient_app.bench.search import percentiles
from closient_app.config import get_settings
from closient_app.ops.database import libpq_dsn

SHOP_SIZE = {"products": 1000, "variants_per_product": 3, "locations": 3}
TARGETS = """
    SELECT o.id, o.external_inventory_item_id, l.external_id FROM in_store_offer o
    JOIN location l ON l.id = o.location_id
    WHERE o.source_id = %s AND o.stock_tracked ORDER BY o.id LIMIT %s
"""


def signed_delivery(shop: str, item: str, location: str, available: int) -> tuple[bytes, dict]:
    now = datetime.now(UTC)
    body = json.dumps({
        "inventory_item_id": int(item.rsplit("/", 1)[1]),
        "location_id": int(location.rsplit("/", 1)[1]),
        "available": available,
        "updated_at": now.isoformat(),
    }).encode()  # fmt: skip
    secret = get_settings().shopify_sandbox_client_secret.encode()
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "inventory_levels/update",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": now.isoformat(),
    }
    return body, headers


class Observer(threading.Thread):
    """Notes when each awaited (offer, quantity) becomes visible to another connection."""

    def __init__(self, conninfo: str) -> None:
        super().__init__(daemon=True)
        self.conninfo, self.awaited, self.seen = conninfo, {}, {}
        self.lock, self.done = threading.Lock(), threading.Event()

    def expect(self, offer_id: str, quantity: int) -> None:
        with self.lock:
            self.awaited[offer_id] = quantity

    def run(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            while not self.done.is_set() or self.awaited:
                with self.lock:
                    ids = list(self.awaited)
                rows = conn.execute(
                    "SELECT id, quantity_on_hand FROM in_store_offer WHERE id = ANY(%s)", (ids,)
                ).fetchall() if ids else []  # fmt: skip
                now = time.time()
                with self.lock:
                    for offer_id, quantity in rows:
                        if self.awaited.get(offer_id) == quantity:
                            self.seen[offer_id] = now
                            del self.awaited[offer_id]
                time.sleep(0.005)


async def send_at_rate(base: str, shop: str, targets: list, observer: Observer, rate: float):
    """One delivery every 1/rate s (not waiting for answers); returns receiver latencies."""
    answers: list[float] = []
    url = base + "/integrations/shopify/webhooks"
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as client:

        async def deliver(body: bytes, headers: dict) -> None:
            for _ in range(3):  # like Shopify, send again when the connection drops
                started = time.perf_counter()
                try:
                    response = await client.post(url, content=body, headers=headers)
                except httpx.TransportError:
                    continue
                response.raise_for_status()
                answers.append((time.perf_counter() - started) * 1000)
                return

        sends, start = [], time.perf_counter()
        for n, (offer_id, item, location) in enumerate(targets):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            quantity = 10_000 + n  # unique: its appearance can only be this delivery's doing
            observer.expect(offer_id, quantity)
            body, headers = signed_delivery(shop, item, location, quantity)
            sends.append(asyncio.create_task(deliver(body, headers)))
        await asyncio.gather(*sends)
    achieved = len(targets) / (time.perf_counter() - start)
    return answers, achieved, {t[0]: n for n, t in enumerate(targets)}


def run(base: str, *, rate: float, seconds: float) -> None:
    shop = f"bench-webhooks-{int(time.time())}.myshopify.com"
    env.create_shop(base, shop, **SHOP_SIZE)
    retailer = env.make_retailer(shop.split(".")[0])
    worker = env.start_worker_process({"WORKER_POLL_S": "1"})
    try:
        with env.browser() as browser:
            env.open_callback(browser, env.approved_callback(browser, base, retailer, shop))
        source_id = wait_for_first_sync(retailer.organization_id)
        conninfo = libpq_dsn(get_settings().effective_database_url)
        with psycopg.connect(conninfo) as conn:
            targets = conn.execute(TARGETS, (source_id, int(rate * seconds))).fetchall()
        observer = Observer(conninfo)
        observer.start()
        answers, achieved, _ = asyncio.run(send_at_rate(base, shop, targets, observer, rate))
        observer.done.set()
        observer.join(timeout=60)
        report(conninfo, observer, answers, achieved)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def wait_for_first_sync(organization_id: str) -> str:
    conninfo = libpq_dsn(get_settings().effective_database_url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT source_id, status FROM sync_job WHERE organization_id = %s",
                (organization_id,),
            ).fetchone()
            if row and row[1] == "succeeded":
                return row[0]
            if row and row[1] in ("failed", "cancelled"):
                raise RuntimeError(f"the first sync {row[1]}")
            time.sleep(0.1)


def report(conninfo: str, observer: Observer, answers: list[float], achieved: float) -> None:
    with psycopg.connect(conninfo) as conn:
        received = dict(conn.execute(
            "SELECT o.id, r.received_at FROM webhook_receipt r JOIN in_store_offer o "
            "ON o.external_inventory_item_id = 'gid://shopify/InventoryItem/' || "
            "(r.payload->>'inventory_item_id') AND o.id = ANY(%s) "
            "JOIN location l ON l.id = o.location_id "
            "AND l.external_id = 'gid://shopify/Location/' || (r.payload->>'location_id')",
            (list(observer.seen),),
        ).fetchall())  # fmt: skip
    latencies = [(observer.seen[o] - received[o].timestamp()) * 1000 for o in observer.seen]
    apply, answer = percentiles(latencies), percentiles(answers)
    database = make_url(get_settings().effective_database_url).database
    print(f"\n{len(answers)} deliveries at {achieved:.0f}/s (database {database}); "
          f"{len(observer.awaited)} never became visible\n")  # fmt: skip
    print("| measure | p50 ms | p95 ms | max ms | samples |\n|---|---|---|---|---|")
    print(f"| receipt -> visible to search | {apply['p50']:.0f} | {apply['p95']:.0f} | "
          f"{apply['max']:.0f} | {apply['n']} |")  # fmt: skip
    print(f"| receiver answer (Shopify waits for it) | {answer['p50']:.0f} | {answer['p95']:.0f} "
          f"| {answer['max']:.0f} | {answer['n']} |")  # fmt: skip
