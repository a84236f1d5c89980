"""The integrations dashboard: an organization's POS sources and webhook endpoints, and the
actions on them (reveal or rotate a secret, set the forward URL, disconnect). The rules live in
services/webhook_endpoints.py and services/source_lifecycle.py; this adds the ownership checks
the API routes make, for callers that are not routes.
"""

from __future__ import annotations

import asyncio

from sqlmodel import Session

from closient_app.db import session_scope
from closient_app.models import InventorySource, SourceStatus, WebhookEndpoint
from closient_app.services.crypto import decrypt_secret
from closient_app.services.ownership import get_owned, owned_rows
from closient_app.services.source_lifecycle import (
    DISCONNECTED_BY_RETAILER,
    disconnect_source,
    subscription_ids_of,
    unsubscribe_source,
)

NOT_YOURS = "This is not part of your organization."


def sources_of(*, session: Session, organization_id: str) -> list[InventorySource]:
    return owned_rows(session, InventorySource, organization_id)


def endpoints_of(*, session: Session, organization_id: str) -> list[WebhookEndpoint]:
    return owned_rows(session, WebhookEndpoint, organization_id)


def own_endpoint(*, session: Session, organization_id: str, endpoint_id: str) -> WebhookEndpoint:
    return get_owned(
        session, WebhookEndpoint, endpoint_id, organization_id, missing_message=NOT_YOURS
    )


def own_source(*, session: Session, organization_id: str, source_id: str) -> InventorySource:
    return get_owned(
        session, InventorySource, source_id, organization_id, missing_message=NOT_YOURS
    )


def current_secret(endpoint: WebhookEndpoint) -> str:
    return decrypt_secret(endpoint.secret_encrypted)


def secret_last4(endpoint: WebhookEndpoint) -> str:
    return current_secret(endpoint)[-4:]


async def disconnect(*, organization_id: str, source_id: str) -> None:
    """Unsubscribe at the POS (best effort, while the token still works), then disconnect:
    tokens deleted, offers kept but stale. Disconnecting twice is harmless."""

    def subscriptions() -> tuple[bool, list[str]]:
        with session_scope() as session:
            source = own_source(
                session=session, organization_id=organization_id, source_id=source_id
            )
            live = source.status != SourceStatus.DISCONNECTED
            return live, subscription_ids_of(session=session, source_id=source_id) if live else []

    def finish() -> None:
        with session_scope() as session:
            source = session.get(InventorySource, source_id, with_for_update=True)
            if source.status != SourceStatus.DISCONNECTED:
                disconnect_source(session=session, source=source, reason=DISCONNECTED_BY_RETAILER)

    live, ids = await asyncio.to_thread(subscriptions)
    if not live:
        return
    await unsubscribe_source(source_id=source_id, subscription_ids=ids)
    await asyncio.to_thread(finish)
