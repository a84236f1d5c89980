"""Webhook apply latency: from receipt to visible in search, at 200 deliveries/s.

A 1,500-product shop is connected (real callback) and synced by a worker process, as in
production, and its stores are published, so its offers are searchable. Then, twice:
- receipts stored exactly as the receiver stores them (insert + NOTIFY), the apply path alone;
- signed `inventory_levels/update` deliveries POSTed to the app's receiver, the whole path;
each at a fixed rate, each to a different offer with a quantity no other delivery uses.
An observer polls those offers every 10 ms on its own connection, through the search's
visibility rules (published store, live source), and notes when each new quantity shows: the
search reads the same committed rows (no index to refresh). Latency = seen - `received_at`
(stamped when the receipt is stored); it includes up to 10 ms of polling granularity.
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
from closient_app.bench._sync_discoverable import publish_and_count
from closient_app.bench.search import percentiles
from closient_app.config import get_settings
from closient_app.ops.database import libpq_dsn

SHOP_SIZE = {"products": 1500, "variants_per_product": 3, "locations": 3}
# What the search shows: a published store of a live source (geo/search_sql.py OFFER_IS_LIVE).
VISIBLE = """
    SELECT o.id, o.quantity_on_hand FROM in_store_offer o
    JOIN location l ON l.id = o.location_id AND l.status = 'published'
    JOIN inventory_source s ON s.id = o.source_id AND s.status IN ('connected', 'syncing')
    WHERE o.id = ANY(%s)
"""
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
                rows = conn.execute(VISIBLE, (ids,)).fetchall() if ids else []
                now = time.time()
                with self.lock:
                    for offer_id, quantity in rows:
                        if self.awaited.get(offer_id) == quantity:
                            self.seen[offer_id] = now
                            del self.awaited[offer_id]
                time.sleep(0.01)


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


def store_at_rate(shop: str, targets: list, observer: Observer, rate: float):
    """Receipts stored as the receiver stores them (insert + NOTIFY, one transaction each), at
    `rate`/s from four threads (each commit waits for its WAL flush, as the receiver's do):
    the apply path alone, without HTTP in front of it."""
    from concurrent.futures import ThreadPoolExecutor

    from closient_app.db import session_scope
    from closient_app.services.webhook_intake import record_receipt

    def store(shop: str, body: bytes, headers: dict) -> None:
        with session_scope() as session:
            record_receipt(
                session=session,
                provider="shopify",
                webhook_id=headers["X-Shopify-Webhook-Id"],
                topic="inventory_levels/update",
                shop_domain=shop,
                triggered_at=datetime.fromisoformat(headers["X-Shopify-Triggered-At"]),
                payload=json.loads(body),
            )

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        for n, (offer_id, item, location) in enumerate(targets):
            time.sleep(max(0.0, start + n / rate - time.perf_counter()))
            quantity = 20_000 + n
            observer.expect(offer_id, quantity)
            pool.submit(store, shop, *signed_delivery(shop, item, location, quantity))
    return len(targets) / (time.perf_counter() - start)


def measure(conninfo: str, label: str, send) -> None:
    observer = Observer(conninfo)
    observer.start()
    answers, achieved = send(observer)
    observer.done.set()
    observer.join(timeout=60)
    report(conninfo, label, observer, answers, achieved)


def run(base: str, *, rate: float, seconds: float) -> None:
    shop = f"bench-webhooks-{int(time.time())}.myshopify.com"
    env.create_shop(base, shop, **SHOP_SIZE)
    retailer = env.make_retailer(shop.split(".")[0])
    worker = env.start_worker_process({"WORKER_POLL_S": "1"})
    try:
        with env.browser() as browser:
            env.open_callback(browser, env.approved_callback(browser, base, retailer, shop))
        source_id = wait_for_first_sync(retailer.organization_id)
        publish_and_count(source_id)  # the retailer's step 5: now the offers are searchable
        conninfo = libpq_dsn(get_settings().effective_database_url)
        count = int(rate * seconds)
        with psycopg.connect(conninfo) as conn:
            targets = conn.execute(TARGETS, (source_id, 2 * count)).fetchall()
        measure(
            conninfo,
            "receipts stored at the rate (the apply path alone)",
            lambda observer: ([], store_at_rate(shop, targets[:count], observer, rate)),
        )
        measure(conninfo, "deliveries POSTed to the receiver over HTTP (the whole path)",
                lambda observer: asyncio.run(
                    send_at_rate(base, shop, targets[count:], observer, rate))[:2])  # fmt: skip
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


def report(
    conninfo: str, label: str, observer: Observer, answers: list[float], achieved: float
) -> None:
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
    apply = percentiles(latencies)
    database = make_url(get_settings().effective_database_url).database
    print(f"\n{label}: {apply['n']} at {achieved:.0f}/s (database {database}); "
          f"{len(observer.awaited)} never became visible")  # fmt: skip
    print("| measure | p50 ms | p95 ms | max ms | samples |\n|---|---|---|---|---|")
    print(f"| receipt -> visible to search | {apply['p50']:.0f} | {apply['p95']:.0f} | "
          f"{apply['max']:.0f} | {apply['n']} |")  # fmt: skip
    if answers:
        answer = percentiles(answers)
        print(f"| receiver answer (Shopify waits for it) | {answer['p50']:.0f} | "
              f"{answer['p95']:.0f} | {answer['max']:.0f} | {answer['n']} |")  # fmt: skip
