"""The end of a connection: disconnect (by the retailer or by an uninstall), shop erasure, and
the privacy requests. The worker applies receipts of these topics through LIFECYCLE_HANDLERS.

Each handler is `handler(*, session, receipt) -> ReceiptStatus` and runs in the worker's
transaction; it returns APPLIED or IGNORED and the worker stores that on the receipt. None of
them calls the POS: after an uninstall our token is already dead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import delete, exists, update
from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.connectors.interface import PosError
from closient_app.connectors.shopify.consts import PRIVACY_TOPICS
from closient_app.models import (
    InstallLink,
    InStoreOffer,
    InventorySource,
    JobStatus,
    Location,
    LocationStatus,
    PosOAuthState,
    Product,
    ReceiptStatus,
    SourceStatus,
    SyncJob,
    WebhookEndpoint,
    WebhookReceipt,
)
from closient_app.services.forwarding import record_forward_events
from closient_app.services.pos_access import forget_tokens, with_pos_token

log = logging.getLogger(__name__)

UNINSTALLED = "The Closient app was uninstalled from your Shopify store; reconnect to resume."
DISCONNECTED_BY_RETAILER = "Disconnected at your request; connect again to resume syncing."


def disconnect_source(*, session: Session, source: InventorySource, reason: str) -> None:
    """Stop syncing: tokens deleted, subscriptions forgotten, queued syncs cancelled, offers
    kept but marked stale (no sync time), so search hides them until a reconnect syncs again."""
    forget_tokens(source)
    source.status = SourceStatus.DISCONNECTED
    source.last_error = reason
    session.add(source)
    session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.source_id == source.id)
        .values(pos_subscription_ids=[])
    )
    session.execute(
        update(InStoreOffer)
        .where(InStoreOffer.source_id == source.id)
        .values(last_inventory_sync=None, updated=utcnow())
    )
    session.execute(
        update(SyncJob)
        .where(SyncJob.source_id == source.id, SyncJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.CANCELLED, finished_at=utcnow(), error=reason)
    )
    record_forward_events(
        session=session,
        source_id=source.id,
        event_type="source.disconnected",
        payload={"source_id": source.id, "shop": source.shop_domain, "reason": reason},
    )
    session.flush()


async def unsubscribe_source(*, source_id: str, subscription_ids: list[str]) -> bool:
    """Best effort, before the tokens go: remove our POS subscriptions. False when the POS
    could not be reached or refused (it deletes subscriptions that keep failing anyway)."""
    if not subscription_ids:
        return True

    async def unsubscribe(connector, shop: str, token: str) -> None:
        await connector.unsubscribe_webhooks(shop, token, subscription_ids)

    try:
        await with_pos_token(source_id=source_id, call=unsubscribe)
    except PosError as exc:
        log.warning("unsubscribing source %s failed (continuing): %s", source_id, exc)
        return False
    return True


def subscription_ids_of(*, session: Session, source_id: str) -> list[str]:
    rows = session.exec(
        select(WebhookEndpoint.pos_subscription_ids).where(WebhookEndpoint.source_id == source_id)
    ).all()
    return [subscription for row in rows for subscription in row]


def erase_shop_data(*, session: Session, shop_domain: str, provider: str = "shopify") -> None:
    """shop/redact: everything we hold from that shop. Offers, the shop's private products,
    its draft stores, receipts (except privacy ones: they record what we were asked), connect
    attempts, and the source with its endpoints, forwards and jobs. A published store page
    was confirmed by the retailer, so it stays, detached from the POS."""
    source = session.exec(
        select(InventorySource).where(
            InventorySource.provider == provider, InventorySource.shop_domain == shop_domain
        )
    ).first()
    session.execute(
        delete(WebhookReceipt).where(
            WebhookReceipt.provider == provider,
            WebhookReceipt.shop_domain == shop_domain,
            WebhookReceipt.topic.not_in(PRIVACY_TOPICS),
        )
    )
    for model in (PosOAuthState, InstallLink):
        session.execute(
            delete(model).where(model.provider == provider, model.shop_domain == shop_domain)
        )
    if source is None:
        return
    session.execute(delete(InStoreOffer).where(InStoreOffer.source_id == source.id))
    session.execute(
        delete(Product).where(
            Product.organization_id == source.organization_id,
            Product.pos_provider == provider,
            ~exists().where(InStoreOffer.product_id == Product.id),
        )
    )
    session.execute(
        delete(Location).where(
            Location.source_id == source.id, Location.status == LocationStatus.DRAFT
        )
    )
    session.execute(
        update(Location)
        .where(Location.source_id == source.id)
        .values(source_id=None, external_id=None)
    )
    session.delete(source)
    session.flush()


def handle_privacy_request(*, session: Session, receipt: WebhookReceipt) -> ReceiptStatus:
    """customers/data_request and customers/redact: we never store customer data (no orders,
    no customers), so there is nothing to send or erase. The receipt is the record."""
    log.info("privacy request %s for %s: no customer data held", receipt.topic, receipt.shop_domain)
    return ReceiptStatus.APPLIED


def _source_for(session: Session, receipt: WebhookReceipt) -> InventorySource | None:
    return session.exec(
        select(InventorySource).where(
            InventorySource.provider == receipt.provider,
            InventorySource.shop_domain == receipt.shop_domain,
        )
    ).first()


def _reconnected_since(source: InventorySource, receipt: WebhookReceipt) -> bool:
    """A late delivery from before the current connection must not undo it."""
    sent = receipt.triggered_at or receipt.received_at
    return source.connected_at is not None and source.connected_at > sent


def handle_app_uninstalled(*, session: Session, receipt: WebhookReceipt) -> ReceiptStatus:
    source = _source_for(session, receipt)
    if source is None or source.status == SourceStatus.DISCONNECTED:
        return ReceiptStatus.IGNORED
    if _reconnected_since(source, receipt):
        return ReceiptStatus.IGNORED
    disconnect_source(session=session, source=source, reason=UNINSTALLED)
    return ReceiptStatus.APPLIED


def handle_shop_redact(*, session: Session, receipt: WebhookReceipt) -> ReceiptStatus:
    source = _source_for(session, receipt)
    live = (SourceStatus.CONNECTED, SourceStatus.SYNCING, SourceStatus.PENDING)
    if source is not None and source.status in live and _reconnected_since(source, receipt):
        return ReceiptStatus.IGNORED  # reinstalled after the uninstall this redact follows
    erase_shop_data(session=session, shop_domain=receipt.shop_domain, provider=receipt.provider)
    receipt.source_id = None  # the database already set it NULL with the source's deletion
    return ReceiptStatus.APPLIED


LIFECYCLE_HANDLERS: dict[str, Callable[..., ReceiptStatus]] = {
    "app/uninstalled": handle_app_uninstalled,
    "shop/redact": handle_shop_redact,
    "customers/redact": handle_privacy_request,
    "customers/data_request": handle_privacy_request,
}


def apply_lifecycle_receipt(*, session: Session, receipt: WebhookReceipt) -> ReceiptStatus:
    """Dispatch one receipt and store the outcome on it (for callers without their own loop)."""
    receipt.status = LIFECYCLE_HANDLERS[receipt.topic](session=session, receipt=receipt)
    receipt.processed_at = utcnow()
    session.add(receipt)
    session.flush()
    return receipt.status
