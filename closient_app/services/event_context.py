"""What every webhook event handler gets, and the helpers they share.

An event's version is the later of the POS's `updated_at` and the delivery's Triggered-At. The
payload's `updated_at` has one-second resolution, so two sales within a second carry the same
one; Triggered-At (sub-second, set once per event, kept across retries) orders them. A full
sync's rows carry the POS's `updated_at` alone, so a sync never overrides a same-second
webhook, and a later change always wins either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from closient_app.jobs.queue import enqueue_sync
from closient_app.models import InventorySource, JobKind, ReceiptStatus, WebhookReceipt
from closient_app.services.forwarding import record_forward_events

Applied = tuple[ReceiptStatus, str | None]  # what happened to a receipt, and why (a note)

APPLIED: Applied = (ReceiptStatus.APPLIED, None)
OLDER: Applied = (ReceiptStatus.IGNORED, "older than what we hold (out of order or repeated)")


@dataclass
class EventContext:
    session: Session
    source: InventorySource
    receipt: WebhookReceipt
    now: datetime
    low_stock_below: int
    forwarding: bool = True  # False: no endpoint of the source forwards, skip the look-up

    def version(self, updated_at: datetime | None) -> datetime | None:
        times = [t for t in (updated_at, self.receipt.triggered_at) if t is not None]
        return max(times) if times else None

    def catch_up(self, reason: str) -> Applied:
        """News we cannot apply alone (a new variant: its stock is not in the message): a
        re-sync reads it. Coalesced: at most one live sync job per source."""
        enqueue_sync(session=self.session, source=self.source, kind=JobKind.RESYNC)
        return ReceiptStatus.APPLIED, f"{reason}; a catch-up sync was queued"

    def forward(self, event_type: str, payload: dict[str, Any]) -> None:
        """Tell the retailer's forward_url, in this transaction (sent if and only if applied)."""
        if not self.forwarding:
            return
        record_forward_events(
            session=self.session,
            source_id=self.source.id,
            event_type=event_type,
            payload=payload,
            topic=self.receipt.topic,
        )
