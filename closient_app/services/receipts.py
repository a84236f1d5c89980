"""Queued webhook receipts applied by the worker: the incremental updates between full syncs.

The receiver verified and stored each delivery (`WebhookReceipt`, status queued; its unique
webhook id already dropped exact duplicates) and NOTIFYs the worker, which claims receipts with
`FOR UPDATE SKIP LOCKED` (several workers split them) and applies each in a savepoint of one
transaction per batch: a receipt that cannot be applied is marked failed without blocking the
others, and a change is searchable as soon as its batch commits.

Order never matters: every handler compares the event's version (see `event_version`) with
what the offer holds and ignores older news, so out-of-order and repeated deliveries of the
same event cannot regress data. Lifecycle topics (uninstall, privacy) go to the connect
side's LIFECYCLE_HANDLERS.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.config import get_settings
from closient_app.connectors.interface import (
    InventoryItemChanged,
    InventoryLevelChanged,
    InventoryLevelDisconnected,
    LocationChanged,
    LocationDeleted,
    ProductChanged,
    ProductDeleted,
    WebhookDelivery,
)
from closient_app.connectors.registry import live_connector
from closient_app.db import session_scope
from closient_app.models import (
    InStoreOffer,
    InventorySource,
    ReceiptStatus,
    SourceStatus,
    WebhookReceipt,
)
from closient_app.services import catalog_events, inventory_events
from closient_app.services.event_context import Applied, EventContext
from closient_app.services.source_lifecycle import LIFECYCLE_HANDLERS
from closient_app.services.sync_run import ASYNC_COMMIT

log = logging.getLogger(__name__)

LIVE = (SourceStatus.CONNECTED, SourceStatus.SYNCING)
PRICED_TOPICS = frozenset({"products/create", "products/update"})
RECORD_OUTCOME = text(
    "UPDATE webhook_receipt SET status = :status, error = :error, processed_at = :processed_at "
    "WHERE id = :id"
)
FORWARDING = text(
    "SELECT EXISTS (SELECT 1 FROM webhook_endpoint WHERE source_id = :source "
    "AND is_active AND forward_url IS NOT NULL)"
)

HANDLERS: dict[type, Callable[..., Applied]] = {
    InventoryLevelChanged: inventory_events.level_changed,
    InventoryLevelDisconnected: inventory_events.level_disconnected,
    InventoryItemChanged: inventory_events.item_changed,
    ProductChanged: catalog_events.product_changed,
    ProductDeleted: catalog_events.product_deleted,
    LocationChanged: catalog_events.location_changed,
    LocationDeleted: catalog_events.location_deleted,
}


def apply_queued_receipts(*, limit: int = 200, clock: Callable[[], datetime] = utcnow) -> int:
    """Apply up to `limit` queued receipts, oldest first; returns how many were processed.

    The batch first runs without a savepoint per receipt (the common case, and 2 fewer round
    trips each); if any receipt fails, the transaction rolls back and the batch runs again
    with each receipt isolated, so the bad one is marked failed and the others apply."""
    try:
        return _apply_batch(limit, clock, isolated=False)
    except Exception:
        log.info("a receipt failed; applying the batch one receipt at a time", exc_info=True)
        return _apply_batch(limit, clock, isolated=True)


def _apply_batch(limit: int, clock: Callable[[], datetime], *, isolated: bool) -> int:
    with session_scope() as session:
        # A batch lost in a crash leaves its receipts queued: they are applied again.
        session.execute(ASYNC_COMMIT)
        receipts = session.exec(
            select(WebhookReceipt)
            .where(WebhookReceipt.status == ReceiptStatus.QUEUED)
            .order_by(WebhookReceipt.received_at, WebhookReceipt.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        batch = ReceiptBatch(session)
        outcomes = [batch.apply(receipt, now=clock(), isolated=isolated) for receipt in receipts]
        if outcomes:  # one executemany for the whole batch, not an ORM flush per receipt
            session.execute(RECORD_OUTCOME, outcomes)
    return len(receipts)


class ReceiptBatch:
    """One transaction's receipts, with what they share looked up once: sources, whether a
    source forwards events anywhere, currencies."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sources: dict[tuple[str, str], InventorySource | None] = {}
        self.forwarding: dict[str, bool] = {}
        self.low_stock_below = get_settings().low_stock_threshold

    def apply(self, receipt: WebhookReceipt, *, now: datetime, isolated: bool) -> dict:
        if not isolated:
            status, note = self.dispatch(receipt, now=now)
        else:
            try:
                with self.session.begin_nested():
                    status, note = self.dispatch(receipt, now=now)
            except Exception as exc:  # one bad delivery must not stop the queue behind it
                log.warning("receipt %s (%s) failed: %s", receipt.id, receipt.topic, exc)
                status, note = ReceiptStatus.FAILED, f"{type(exc).__name__}: {exc}"[:1000]
        return {"id": receipt.id, "status": status.value, "error": note, "processed_at": now}

    def dispatch(self, receipt: WebhookReceipt, *, now: datetime) -> Applied:
        lifecycle = LIFECYCLE_HANDLERS.get(receipt.topic)
        if lifecycle is not None:
            return lifecycle(session=self.session, receipt=receipt), None
        source = self.source(receipt)
        if source is None or source.status not in LIVE:
            return ReceiptStatus.IGNORED, "no connected source for this shop"
        context = EventContext(
            session=self.session,
            source=source,
            receipt=receipt,
            now=now,
            low_stock_below=self.low_stock_below,
            forwarding=self.forwards(source.id),
        )
        currency = source.currency or _offer_currency(self.session, source.id)
        if currency is None and receipt.topic in PRICED_TOPICS:
            return context.catch_up("prices cannot be read before the first sync")
        delivery = parse(receipt, currency)
        handler = HANDLERS.get(type(delivery.event))
        if handler is None:
            return ReceiptStatus.IGNORED, f"topic {receipt.topic} is not used"
        return handler(context, delivery.event)

    def source(self, receipt: WebhookReceipt) -> InventorySource | None:
        key = (receipt.provider, receipt.shop_domain)
        if key not in self.sources:
            self.sources[key] = self.session.exec(
                select(InventorySource).where(
                    InventorySource.provider == receipt.provider,
                    InventorySource.shop_domain == receipt.shop_domain,
                )
            ).first()
        return self.sources[key]

    def forwards(self, source_id: str) -> bool:
        """Does any active endpoint of the source forward events? (Most do not: then applying
        a receipt skips the forwarding look-up altogether.)"""
        if source_id not in self.forwarding:
            self.forwarding[source_id] = bool(
                self.session.execute(FORWARDING, {"source": source_id}).scalar()
            )
        return self.forwarding[source_id]


def parse(receipt: WebhookReceipt, currency: str | None) -> WebhookDelivery:
    """The stored delivery as the connector's event (it was verified on arrival)."""
    headers = {
        "X-Shopify-Topic": receipt.topic,
        "X-Shopify-Webhook-Id": receipt.webhook_id,
        "X-Shopify-Shop-Domain": receipt.shop_domain,
    }
    if receipt.triggered_at is not None:
        headers["X-Shopify-Triggered-At"] = receipt.triggered_at.isoformat()
    body = json.dumps(receipt.payload).encode()
    return live_connector(receipt.provider).parse_webhook(headers, body, currency=currency)


def _offer_currency(session: Session, source_id: str) -> str | None:
    return session.exec(
        select(InStoreOffer.price_currency).where(InStoreOffer.source_id == source_id).limit(1)
    ).first()
