"""Offer upsert throughput into a table already holding 2,000,000 offers with all its indexes.

The data is the search benchmark's (50,000 stores, 20,000 products, 2M offers, half of them
from POS sources), loaded into its own database. The writer is the sync's own
`upsert_offer_rows` (COPY into a temp table, one INSERT ... ON CONFLICT DO UPDATE), in
batches of 1,000 offers with a commit per batch, as a sync writes them. Workloads:

- warm-up (not reported): the loader's POS offers get POS ids, as a first sync would give them;
- re-sync, twice: the same offers with new quantities, prices and timestamps, the steady state
  of the 6-hourly re-sync (only unindexed columns change, so updates can be HOT);
- new offers: 200,000 inserts (a new shop's first sync) into the same 2M-row table.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

import psycopg
from sqlmodel import Session

from closient_app.bench.search import bench_url, prepare_database
from closient_app.db import make_engine
from closient_app.ids import new_short_id
from closient_app.ops.database import libpq_dsn
from closient_app.services.offer_upserts import OfferRow, upsert_offer_rows
from closient_app.services.sync_run import ASYNC_COMMIT

BATCH = 1_000
POS_ROWS = """
    SELECT id, organization_id, product_id, location_id, source_id, sku FROM in_store_offer
    WHERE source = 'pos_sync' ORDER BY id LIMIT %s
"""
HOT_COUNTERS = """
    SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'in_store_offer'
"""


def rows_for(existing: list[tuple], *, quantity_seed: int, new_skus: bool) -> list[OfferRow]:
    rng = random.Random(quantity_seed)  # noqa: S311 - benchmark data, not secrets
    now = datetime.now(UTC)
    return [
        OfferRow(
            id=new_short_id(),
            organization_id=org,
            product_id=product,
            location_id=location,
            source_id=source,
            sku=f"NEW-{quantity_seed}-{n}" if new_skus else sku,
            external_product_id=f"gid://shopify/Product/{n // 3}",
            external_variant_id=f"gid://shopify/ProductVariant/{n}",
            external_inventory_item_id=f"gid://shopify/InventoryItem/{n}",
            price_amount=rng.randint(199, 49_999),
            price_currency="USD",
            quantity_on_hand=rng.randint(0, 60),
            stock_tracked=True,
            last_inventory_sync=now,
            pos_updated_at=now,
            pos_variant_updated_at=now,
        )
        for n, (_, org, product, location, source, sku) in enumerate(existing)
    ]


def timed_upserts(engine, rows: list[OfferRow]) -> tuple[float, int]:
    """As `sync_run.commit_batch` writes: a session per batch, asynchronous commit."""
    started, written = time.perf_counter(), 0
    for start in range(0, len(rows), BATCH):
        with Session(engine) as session:
            session.execute(ASYNC_COMMIT)
            written += upsert_offer_rows(
                session, rows[start : start + BATCH], now=datetime.now(UTC), low_below=3
            )
            session.commit()
    return time.perf_counter() - started, written


def hot_share(conninfo: str, before: tuple[int, int]) -> str:
    with psycopg.connect(conninfo) as conn:
        conn.execute("SELECT pg_stat_force_next_flush()")
        updates, hot = conn.execute(HOT_COUNTERS).fetchone()
    changed = updates - before[0]
    return f"{(hot - before[1]) / changed:.0%}" if changed else "-"


def run(*, database: str, reuse: bool, rows: int) -> None:
    url = bench_url(database)
    # The same 2M-offer data set as the search benchmark, in its own database.
    prepare_database(url, reuse)
    conninfo = libpq_dsn(url)
    engine = make_engine(url, pool_size=2)
    with psycopg.connect(conninfo) as conn:
        existing = conn.execute(POS_ROWS, (rows,)).fetchall()
        total = conn.execute("SELECT count(*) FROM in_store_offer").fetchone()[0]
    print(f"\noffers in the table: {total:,}; batches of {BATCH:,}, a commit per batch\n")
    print("| workload | offers | seconds | offers/s | HOT updates |\n|---|---|---|---|---|")
    if not reuse:
        timed_upserts(engine, rows_for(existing, quantity_seed=1, new_skus=False))  # warm-up
    workloads = (
        ("re-sync (new quantities, same POS ids)", 2, False),
        ("re-sync again", 3, False),
        ("new offers (inserts)", int(time.time()), True),  # SKUs no run used before
    )
    for name, seed, new in workloads:
        with psycopg.connect(conninfo) as conn:
            conn.execute("SELECT pg_stat_force_next_flush()")
            before = conn.execute(HOT_COUNTERS).fetchone()
        batch = rows_for(existing, quantity_seed=seed, new_skus=new)
        seconds, written = timed_upserts(engine, batch)
        print(
            f"| {name} | {written:,} | {seconds:.2f} | **{written / seconds:,.0f}** | "
            f"{hot_share(conninfo, before) if not new else '-'} |",
            flush=True,
        )
    engine.dispose()
