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
import logging
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
log = logging.getLogger(__name__)


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
    """The POS side of a run: what to read next, given the checkpoint. It is also the bulk
    read's ExportCheckpoint (the export to re-attach to, and where to note a new one)."""

    def __init__(self, run: sync_run.SyncRun, *, settings: Settings, clock: Clock) -> None:
        self.run, self.settings, self.clock = run, settings, clock
        self.skip = 0  # bulk: rows of the export already written

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
        """Rows of the export named in the checkpoint (or a new one), minus those written.

        A resumed job re-attaches to its export, running or finished, and reads its file again
        (seconds, no rate-limit points); the file's rows come in the same order, so the
        `variants_done` rows committed before are skipped. A new export is a new snapshot:
        it is written from its first row, and the job's counts start over with it."""
        batch: list[PosOffer] = []
        rows = connector.bulk_catalog(shop, token, export=self)
        reading, seen = time.monotonic(), 0
        async with contextlib.aclosing(rows):
            async for row in rows:
                if reading:  # the export is read whole before the first row comes
                    self.checkpoint.read_s += time.monotonic() - reading
                    reading = 0.0
                seen += 1
                if seen <= self.skip:  # committed by an earlier attempt from this same file
                    continue
                batch.append(row)
                if len(batch) >= self.settings.sync_batch_variants:
                    await self.commit_bulk(batch)
                    batch = []
        self.checkpoint.catalog_complete = True
        await self.commit_bulk(batch)

    @property
    def export_id(self) -> str | None:
        return self.checkpoint.bulk_export

    async def use_export(self, export_id: str) -> None:
        """Checkpoint the export before waiting for it, so a worker dying meanwhile leaves its
        successor the export to re-attach to, not another one to start."""
        checkpoint = self.checkpoint
        same = export_id == checkpoint.bulk_export
        log.info(
            "job %s %s bulk export %s",
            self.run.job.id,
            "re-attached to" if same else "reads",
            export_id,
        )
        if not same:
            checkpoint.bulk_export, checkpoint.variants_done = export_id, 0
        self.skip = checkpoint.variants_done
        await asyncio.to_thread(
            sync_run.record_export, self.run, recount=not same, now=self.clock()
        )

    async def commit_bulk(self, batch: list[PosOffer]) -> None:
        self.checkpoint.variants_done += len(batch)
        self.checkpoint.pages += 1
        await self.commit(batch)

    async def commit(self, rows: tuple[PosOffer, ...] | list[PosOffer]) -> None:
        writing = time.monotonic()
        await asyncio.to_thread(sync_run.commit_batch, self.run, rows, now=self.clock())
        self.checkpoint.write_s += time.monotonic() - writing
