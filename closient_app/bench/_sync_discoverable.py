"""Time to discoverable: from the OAuth callback until every offer is committed and searchable,
next to the throttle-bound minimum (total query cost / restore rate) of the same run.

The worker runs in this process with a metered connector (every GraphQL answer's
`actualQueryCost` summed); the API and its sandbox run in another. The clock starts when the
retailer's browser opens the callback (which exchanges the code, subscribes the webhooks and
queues the first sync) and stops when the job is seen succeeded, polled every 10 ms. Then the
stores are published (the retailer's step 5) and every offer is counted through the search's
own visibility rules: published store, live source.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import select

from closient_app.bench import _sync_env as env
from closient_app.bench._cost_meter import CostMeter, metered_sandbox_connector
from closient_app.config import Settings, get_settings
from closient_app.db import session_scope
from closient_app.jobs.worker import Worker
from closient_app.models import InventorySource, JobStatus, Location, SyncJob
from closient_app.services import locations as location_service
from closient_app.services.pos_locations import warm_up_geocoder

SEARCHABLE_OFFERS = text(
    """
    SELECT count(*) FROM in_store_offer o
    JOIN location l ON l.id = o.location_id AND l.status = 'published'
    JOIN inventory_source s ON s.id = o.source_id AND s.status IN ('connected', 'syncing')
    WHERE o.source_id = :source
    """
)


@dataclass
class Run:
    label: str
    mode: str
    variants: int
    locations: int
    offers: int
    seconds: float
    job_seconds: float
    read_s: float
    write_s: float
    actual_cost: float
    throttled: int
    restore_rate: float
    publish_ms: float

    @property
    def minimum(self) -> float:
        return self.actual_cost / self.restore_rate

    def row(self) -> str:
        ratio = f"{self.seconds / self.minimum:.2f}x" if self.minimum >= 0.05 else "n/a"
        return (
            f"| {self.label} | {self.mode} | {self.variants:,} x {self.locations} | "
            f"{self.offers:,} | **{self.seconds:.2f} s** | {self.job_seconds:.2f} s "
            f"({self.read_s:.2f} / {self.write_s:.2f}) | "
            f"{self.actual_cost:,.0f} | {self.minimum:.2f} s | {ratio} | {self.throttled} | "
            f"{self.publish_ms:.0f} ms |"
        )


HEADER = (
    "| shop | read by | variants x stores | offers | callback -> searchable | "
    "sync job (POS read / DB write) | "
    "query cost (points) | cost / 100 per s | ratio | THROTTLED | publish + check |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def bench_settings(mode: str | None) -> Settings:
    changes: dict[str, object] = {"worker_poll_s": 0.5}
    if mode == "pages":
        changes["sync_bulk_min_variants"] = 10**9
    elif mode == "bulk":
        changes["sync_bulk_min_variants"] = 0
    return get_settings().model_copy(update=changes)


async def time_to_discoverable(base: str, label: str, size: dict, mode: str | None) -> Run:
    shop = f"bench-{label}-{mode or 'auto'}-{int(time.time())}.myshopify.com"
    created = env.create_shop(base, shop, **size)
    retailer = await asyncio.to_thread(env.make_retailer, shop.split(".")[0])
    browser = env.browser()
    callback = await asyncio.to_thread(env.approved_callback, browser, base, retailer, shop)
    meter, stop = CostMeter(), asyncio.Event()
    worker = Worker(
        name="bench", settings=bench_settings(mode), connector=metered_sandbox_connector(meter)
    )
    running = asyncio.create_task(worker.run(stop))
    await asyncio.to_thread(warm_up_geocoder)  # a deployed worker did this long ago
    try:
        started = await asyncio.to_thread(env.open_callback, browser, callback)
        job = await wait_for_job(retailer.organization_id)
        seconds = time.monotonic() - started
    finally:
        stop.set()
        await running
        browser.close()
    publish_ms, offers = await asyncio.to_thread(publish_and_count, job.source_id)
    counts = created["counts"]
    return Run(
        label=label,
        mode=job.checkpoint.get("mode", "?"),
        variants=counts["variants"],
        locations=counts["locations"],
        offers=offers,
        seconds=seconds,
        job_seconds=(job.finished_at - job.started_at).total_seconds(),
        read_s=job.checkpoint.get("read_s", 0.0),
        write_s=job.checkpoint.get("write_s", 0.0),
        actual_cost=meter.actual_cost,
        throttled=meter.throttled,
        restore_rate=float(env.sandbox(base, "GET", "/settings")["restore_rate"]),
        publish_ms=publish_ms,
    )


async def wait_for_job(organization_id: str) -> SyncJob:
    while True:
        job = await asyncio.to_thread(_latest_job, organization_id)
        if job is not None and job.status == JobStatus.SUCCEEDED:
            return job
        if job is not None and job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise RuntimeError(f"sync {job.status}: {job.error}")
        await asyncio.sleep(0.01)


def _latest_job(organization_id: str) -> SyncJob | None:
    with session_scope() as session:
        return session.exec(
            select(SyncJob)
            .where(SyncJob.organization_id == organization_id)
            .order_by(SyncJob.created.desc())
        ).first()


def publish_and_count(source_id: str) -> tuple[float, int]:
    """The retailer confirms and publishes every store; then count what the search can see."""
    started = time.perf_counter()
    with session_scope() as session:
        for store in session.exec(select(Location).where(Location.source_id == source_id)):
            store.coordinates_confirmed = True
            location_service.publish_location(session=session, location=store)
    with session_scope() as session:
        visible = session.execute(SEARCHABLE_OFFERS, {"source": source_id}).scalar_one()
        assert session.get(InventorySource, source_id).last_sync_at is not None
    return (time.perf_counter() - started) * 1000, visible
