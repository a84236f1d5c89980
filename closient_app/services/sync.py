"""A full inventory sync of one source: its stores, then its catalog, by pages or bulk export.

Pages or bulk is decided once per job from the catalog size (SYNC_BULK_MIN_VARIANTS, measured
in docs/benchmarks.md): a page read is metered by the POS rate limit (about 14 points per
variant at 3 locations, 100 points/s on a standard Shopify plan), a bulk export is not, so
beyond a catalog that fits the rate-limit bucket the export wins by minutes. The connector
paces page reads from `throttleStatus`; this module only reads, batches and commits.

The POS token comes through `with_pos_token` (refresh before expiry, once more after a 401);
if the whole read restarts after a refresh, it continues from the in-memory checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import datetime

from closient_app.clock import utcnow
from closient_app.config import Settings, get_settings
from closient_app.connectors.interface import CatalogPage, PosConnector, PosOffer
from closient_app.jobs.leases import ClaimedJob
from closient_app.services import sync_run
from closient_app.services.pos_access import with_pos_token

PAGES = "pages"
BULK = "bulk"
Clock = Callable[[], datetime]


async def run_sync_job(
    job: ClaimedJob,
    *,
    clock: Clock = utcnow,
    connector: PosConnector | None = None,
    settings: Settings | None = None,
) -> None:
    """Run (or resume) the job to the end; raises on failure, the caller records the outcome."""
    settings = settings or get_settings()
    run = await asyncio.to_thread(
        sync_run.begin, job, now=clock(), low_stock_below=settings.low_stock_threshold
    )
    reader = CatalogReader(run, settings=settings, clock=clock)
    await with_pos_token(
        source_id=job.source_id, call=reader.sync, connector=connector, clock=clock
    )


class CatalogReader:
    """The POS side of a run: what to read next, given the checkpoint."""

    def __init__(self, run: sync_run.SyncRun, *, settings: Settings, clock: Clock) -> None:
        self.run, self.settings, self.clock = run, settings, clock

    @property
    def checkpoint(self) -> sync_run.Checkpoint:
        return self.run.checkpoint

    async def sync(self, connector: PosConnector, shop: str, token: str) -> None:
        locations = await connector.list_locations(shop, token)
        await asyncio.to_thread(sync_run.record_locations, self.run, locations, now=self.clock())
        if self.checkpoint.mode is None:
            await self.choose_mode(connector, shop, token)
        if not self.checkpoint.catalog_complete:
            if self.checkpoint.mode == BULK:
                await self.read_bulk(connector, shop, token)
            else:
                await self.read_pages(connector, shop, token)
        await asyncio.to_thread(sync_run.finish, self.run, now=self.clock())

    async def choose_mode(self, connector: PosConnector, shop: str, token: str) -> None:
        size = await connector.catalog_size(shop, token)
        self.checkpoint.variants_total = size
        self.checkpoint.mode = BULK if size >= self.settings.sync_bulk_min_variants else PAGES
        await asyncio.to_thread(sync_run.save_progress, self.run, now=self.clock())

    async def read_pages(self, connector: PosConnector, shop: str, token: str) -> None:
        pages = connector.catalog_pages(shop, token, cursor=self.checkpoint.cursor)
        async with contextlib.aclosing(pages):
            reading = time.monotonic()
            async for page in pages:
                self.checkpoint.read_s += time.monotonic() - reading
                self.advance(page)
                await self.commit(page.rows)
                reading = time.monotonic()

    def advance(self, page: CatalogPage) -> None:
        checkpoint = self.checkpoint
        checkpoint.cursor = page.next_cursor
        checkpoint.catalog_complete = page.next_cursor is None
        checkpoint.variants_done += len(page.rows)
        checkpoint.pages += 1
        if page.cost is not None:
            checkpoint.query_cost += page.cost.actual or page.cost.requested or 0.0

    async def read_bulk(self, connector: PosConnector, shop: str, token: str) -> None:
        # An export is a new snapshot: a resumed job re-reads it whole (the upserts are
        # idempotent), which costs seconds and no rate-limit points.
        self.checkpoint.variants_done = 0
        batch: list[PosOffer] = []
        rows = connector.bulk_catalog(shop, token)
        reading = time.monotonic()
        async with contextlib.aclosing(rows):
            async for row in rows:
                if reading:  # the export is read whole before the first row comes
                    self.checkpoint.read_s += time.monotonic() - reading
                    reading = 0.0
                batch.append(row)
                if len(batch) >= self.settings.sync_batch_variants:
                    await self.commit_bulk(batch)
                    batch = []
        self.checkpoint.catalog_complete = True
        await self.commit_bulk(batch)

    async def commit_bulk(self, batch: list[PosOffer]) -> None:
        self.checkpoint.variants_done += len(batch)
        self.checkpoint.pages += 1
        await self.commit(batch)

    async def commit(self, rows: tuple[PosOffer, ...] | list[PosOffer]) -> None:
        writing = time.monotonic()
        await asyncio.to_thread(sync_run.commit_batch, self.run, rows, now=self.clock())
        self.checkpoint.write_s += time.monotonic() - writing
