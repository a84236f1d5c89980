"""Instant wake-ups: LISTEN for new webhook receipts and new sync jobs.

The receiver NOTIFYs `closient_receipts` in the transaction that stores a receipt, and
`enqueue_sync` NOTIFYs `closient_jobs`; PostgreSQL delivers both at commit to every listening
worker, on any machine. A notification is only a hint (it can be missed while reconnecting),
so workers also poll, and every (re)connect wakes them once to catch up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

import psycopg

from closient_app.config import get_settings
from closient_app.jobs.queue import JOBS_CHANNEL
from closient_app.ops.database import libpq_dsn
from closient_app.services.webhook_intake import RECEIPTS_CHANNEL

log = logging.getLogger(__name__)

RECONNECT_DELAY_S = 2.0


@dataclass
class Wakeups:
    jobs: asyncio.Event = field(default_factory=asyncio.Event)
    receipts: asyncio.Event = field(default_factory=asyncio.Event)

    def all(self) -> None:
        self.jobs.set()
        self.receipts.set()

    def on(self, channel: str) -> None:
        (self.receipts if channel == RECEIPTS_CHANNEL else self.jobs).set()


async def wait_for(event: asyncio.Event, seconds: float) -> None:
    """Until the event is set or `seconds` pass; then re-arm it."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
    event.clear()


async def listen(wakeups: Wakeups, dsn: str | None = None) -> None:
    """Forever (until cancelled): relay notifications to `wakeups`, reconnecting on errors."""
    dsn = dsn or libpq_dsn(get_settings().effective_database_url)
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                await conn.execute(f"LISTEN {RECEIPTS_CHANNEL}")
                await conn.execute(f"LISTEN {JOBS_CHANNEL}")
                wakeups.all()  # anything that arrived while we were not listening
                async for notification in conn.notifies():
                    wakeups.on(notification.channel)
        except psycopg.Error as exc:
            log.warning("LISTEN connection lost (%s); polling until it is back", exc)
            await asyncio.sleep(RECONNECT_DELAY_S)
