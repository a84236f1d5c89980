"""Recording verified POS deliveries: insert once, wake the worker, answer.

The POS gives us seconds to answer, so the receiver records and queues; the worker applies.
Deduplication is the unique (provider, webhook_id) constraint with INSERT ... ON CONFLICT DO
NOTHING: a duplicate delivery, even one arriving concurrently, inserts nothing and wakes nobody.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from closient_app.models import InventorySource, ReceiptStatus, WebhookReceipt

RECEIPTS_CHANNEL = "closient_receipts"


def record_receipt(
    *,
    session: Session,
    provider: str,
    webhook_id: str,
    topic: str,
    shop_domain: str,
    triggered_at: datetime | None,
    payload: dict[str, Any] | None,
) -> bool:
    """Store a verified delivery as queued (failed when its body was unreadable); True when it
    was new. Notifies `closient_receipts` in the same transaction, so the worker wakes when
    the receipt is visible and never for a duplicate."""
    source_id = (
        select(InventorySource.id)
        .where(InventorySource.provider == provider, InventorySource.shop_domain == shop_domain)
        .scalar_subquery()
    )
    readable = payload is not None
    receipt = WebhookReceipt(
        provider=provider,
        webhook_id=webhook_id,
        shop_domain=shop_domain,
        topic=topic,
        triggered_at=triggered_at,
        payload=payload if readable else {},
        status=ReceiptStatus.QUEUED if readable else ReceiptStatus.FAILED,
        error=None if readable else "The delivery's body is not a JSON object.",
    )
    values = receipt.model_dump(exclude_none=True)
    inserted = session.execute(
        insert(WebhookReceipt)
        .values(**values, source_id=source_id)
        .on_conflict_do_nothing(index_elements=["provider", "webhook_id"])
        .returning(WebhookReceipt.id)
    ).scalar_one_or_none()
    if inserted is not None and readable:
        session.execute(select(func.pg_notify(RECEIPTS_CHANNEL, inserted)))
    return inserted is not None
