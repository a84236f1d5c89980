"""Completing a POS connect from the OAuth callback.

Checks run cheapest-first and write nothing until all pass: the signature, freshness and shop
(no database), then that this browser started the trip (the state cookie), then the state
itself (single use, unexpired, same shop) and that no other organization owns the shop. Only
then is the code exchanged. Subscribing the webhooks is part of connecting: if it fails the
source is `error` and the person sees a failure, so "connected with zero endpoints" cannot be.

Async on purpose: the POS may be the sandbox served by this same process, so every HTTP call
is awaited and every database step runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import select

from closient_app.connectors.interface import (
    PosConnector,
    PosError,
    ScopeNotGranted,
    TokenSet,
)
from closient_app.connectors.shopify.domain import is_shop_domain
from closient_app.db import session_scope
from closient_app.jobs.queue import enqueue_sync
from closient_app.models import InventorySource, JobKind, SourceStatus
from closient_app.models.base import touch
from closient_app.services.connect import (
    ConnectFailure,
    ConnectRefused,
    consume_state,
    owning_organization,
)
from closient_app.services.pos_access import keep_tokens
from closient_app.services.webhook_endpoints import provision_endpoints, receive_url

log = logging.getLogger(__name__)

SUBSCRIBE_FAILED = "We could not subscribe to your store's updates; connect again to retry."


@dataclass(frozen=True)
class Connected:
    source_id: str
    organization_id: str
    shop: str
    job_id: str
    endpoint_count: int


async def complete_connect(
    *,
    params: Mapping[str, str],
    browser_nonce: str | None,
    connector: PosConnector,
    now: datetime,
) -> Connected:
    """Everything the callback does; raises ConnectRefused with the reason to show."""
    shop = params.get("shop", "")
    if not is_shop_domain(shop):
        raise ConnectRefused(ConnectFailure.INVALID_SHOP)
    if "error" in params:  # the merchant declined (unsigned, so it only ever ends the trip)
        raise ConnectRefused(ConnectFailure.DECLINED, shop=shop)
    if not connector.verify_callback(params, now):
        failure = (
            ConnectFailure.STALE_CALLBACK
            if _signed_but_stale(params, connector)
            else (ConnectFailure.BAD_SIGNATURE)
        )
        raise ConnectRefused(failure, shop=shop)
    nonce = params.get("state", "")
    if not (nonce and browser_nonce and hmac.compare_digest(nonce, browser_nonce)):
        raise ConnectRefused(ConnectFailure.OTHER_BROWSER, shop=shop)
    organization_id = await asyncio.to_thread(_claim_state, nonce, shop, now, connector.provider)
    try:
        tokens = await connector.exchange_code(shop, params.get("code", ""))
    except ScopeNotGranted as exc:
        raise ConnectRefused(
            ConnectFailure.MISSING_PERMISSIONS,
            shop=shop,
            organization_id=organization_id,
            detail=", ".join(exc.missing),
        ) from exc
    except PosError as exc:
        raise ConnectRefused(
            ConnectFailure.SHOPIFY_ERROR,
            shop=shop,
            organization_id=organization_id,
            detail=str(exc),
        ) from exc
    source_id = await asyncio.to_thread(
        _store_connection, organization_id, shop, tokens, connector.provider
    )
    try:
        subscriptions = await connector.subscribe_webhooks(
            shop, tokens.access_token, receive_url(connector.provider)
        )
        if not subscriptions:
            raise PosError("the POS accepted no webhook subscription")
    except PosError as exc:
        await asyncio.to_thread(_mark_failed, source_id, SUBSCRIBE_FAILED)
        raise ConnectRefused(
            ConnectFailure.SUBSCRIBE_FAILED, shop=shop, organization_id=organization_id
        ) from exc
    currency = await _shop_currency(connector, shop, tokens.access_token)
    return await asyncio.to_thread(_finish, source_id, subscriptions, now, currency)


async def _shop_currency(connector: PosConnector, shop: str, token: str) -> str | None:
    """Known from the connect on, so a product webhook that beats the first sync can read its
    prices. Not worth failing the connect for: the first sync reads it again."""
    try:
        return await connector.shop_currency(shop, token)
    except PosError:
        log.warning("could not read the currency of %s at connect; the first sync will", shop)
        return None


def _signed_but_stale(params: Mapping[str, str], connector: PosConnector) -> bool:
    """Genuine but too old (rather than forged): it verifies at its own timestamp."""
    timestamp = params.get("timestamp") or ""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return connector.verify_callback(params, datetime.fromtimestamp(int(timestamp), UTC))


def _claim_state(nonce: str, shop: str, now: datetime, provider: str) -> str:
    """Use the state and check the shop is free for its organization; all or nothing."""
    with session_scope() as session:
        state = consume_state(session=session, nonce=nonce, shop=shop, now=now)
        owner = owning_organization(session=session, provider=provider, shop=shop)
        if owner is not None and owner != state.organization_id:
            raise ConnectRefused(
                ConnectFailure.OTHER_ORGANIZATION, shop=shop, organization_id=state.organization_id
            )
        return state.organization_id


def _store_connection(organization_id: str, shop: str, tokens: TokenSet, provider: str) -> str:
    """Create the source or re-use it (a reconnect keeps the same row, so its offers revive)."""
    with session_scope() as session:
        fresh = InventorySource(
            organization_id=organization_id, provider=provider, shop_domain=shop
        )
        session.execute(
            insert(InventorySource)
            .values(**fresh.model_dump(exclude_none=True))
            .on_conflict_do_nothing(index_elements=["provider", "shop_domain"])
        )
        source = session.exec(
            select(InventorySource)
            .where(InventorySource.provider == provider, InventorySource.shop_domain == shop)
            .with_for_update()
        ).one()
        if source.organization_id != organization_id:  # lost a race with another organization
            raise ConnectRefused(
                ConnectFailure.OTHER_ORGANIZATION, shop=shop, organization_id=organization_id
            )
        keep_tokens(source, tokens)
        source.status, source.last_error = SourceStatus.PENDING, None
        session.add(source)
        return source.id


def _mark_failed(source_id: str, reason: str) -> None:
    with session_scope() as session:
        source = session.get(InventorySource, source_id)
        source.status, source.last_error = SourceStatus.ERROR, reason
        touch(source)


def _finish(source_id: str, subscriptions: list, now: datetime, currency: str | None) -> Connected:
    with session_scope() as session:
        source = session.get(InventorySource, source_id, with_for_update=True)
        source.currency = currency or source.currency
        endpoints = provision_endpoints(session=session, source=source, subscriptions=subscriptions)
        source.status, source.last_error, source.connected_at = SourceStatus.CONNECTED, None, now
        touch(source)
        session.add(source)
        job = enqueue_sync(session=session, source=source, kind=JobKind.INITIAL_SYNC)
        return Connected(
            source_id=source.id,
            organization_id=source.organization_id,
            shop=source.shop_domain,
            job_id=job.id,
            endpoint_count=len(endpoints),
        )
