"""POS calls with a live access token: refresh before expiry, one refresh and retry after a 401.

Every POS call that needs a merchant's token goes through `with_pos_token`, so the token
lifecycle lives in one place. Refreshing happens under a row lock on the source (FOR NO KEY
UPDATE, so offer writes referencing the source are not blocked): Shopify rotates the refresh
token on every use, and two processes refreshing at once would leave one of them holding a
retired token. Whoever takes the lock second finds the fresh token and uses it instead.

Transient trouble (network, 5xx) is raised as is and changes nothing; a definitive refusal
marks the source `error` with a reason the retailer can act on and raises ReconnectRequired.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.connectors.interface import (
    PosConnector,
    PosError,
    PosRequestRejected,
    ScopeNotGranted,
    TokenRejected,
    TokenSet,
)
from closient_app.connectors.registry import live_connector
from closient_app.db import get_engine
from closient_app.models import InventorySource, SourceStatus
from closient_app.models.base import touch
from closient_app.services.crypto import decrypt_secret, encrypt_secret

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
REFRESH_MARGIN = timedelta(minutes=5)

ACCESS_REJECTED = (
    "Shopify rejected our access to your store; reconnect your store to resume syncing."
)
NOT_CONNECTED = "This store is not connected; connect it again to resume syncing."


class ReconnectRequired(PosError):
    """Our access to the POS is gone; only the retailer connecting again helps.
    `str(error)` is the reason, in words a retailer understands (also the source's last_error)."""


@dataclass(frozen=True)
class PosCredentials:
    provider: str
    shop: str
    access_token: str = field(repr=False)
    access_cipher: str = field(repr=False)
    expires_at: datetime | None

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at - margin <= now


def keep_tokens(source: InventorySource, tokens: TokenSet) -> None:
    """Store a token set on the source, encrypted (also used by the OAuth callback)."""
    source.access_token_encrypted = encrypt_secret(tokens.access_token)
    source.access_token_expires_at = tokens.expires_at
    if tokens.refresh_token:  # a non-expiring grant has none; keep what we had then
        source.refresh_token_encrypted = encrypt_secret(tokens.refresh_token)
        source.refresh_token_expires_at = tokens.refresh_expires_at
    source.granted_scopes = ",".join(tokens.scope)
    touch(source)


def forget_tokens(source: InventorySource) -> None:
    source.access_token_encrypted = source.refresh_token_encrypted = None
    source.access_token_expires_at = source.refresh_token_expires_at = None
    touch(source)


async def with_pos_token(
    *,
    source_id: str,
    call: Callable[[PosConnector, str, str], Awaitable[T]],
    connector: PosConnector | None = None,
    clock: Clock = utcnow,
) -> T:
    """`await call(connector, shop_domain, access_token)` with a token that works.

    Refreshes first when the token expires within 5 minutes; on TokenRejected refreshes once
    and retries once. Raises ReconnectRequired when access is definitively gone.
    """
    credentials = await asyncio.to_thread(_read_credentials, source_id)
    connector = connector or live_connector(credentials.provider)
    if credentials.expires_within(REFRESH_MARGIN, clock()):
        credentials, _ = await _refresh(source_id, connector, clock=clock)
    try:
        return await call(connector, credentials.shop, credentials.access_token)
    except TokenRejected:
        log.info("POS rejected the token of source %s; refreshing once", source_id)
    credentials, _ = await _refresh(
        source_id, connector, clock=clock, rejected_cipher=credentials.access_cipher
    )
    try:
        return await call(connector, credentials.shop, credentials.access_token)
    except TokenRejected as exc:  # a token minted seconds ago refused: access was revoked
        await asyncio.to_thread(_lose_access, source_id, ACCESS_REJECTED)
        raise ReconnectRequired(ACCESS_REJECTED) from exc


async def refresh_expiring_tokens(
    *, within: timedelta, connector: PosConnector | None = None, clock: Clock = utcnow
) -> int:
    """Refresh every token expiring within `within` (the scheduler's job); returns how many."""
    due = await asyncio.to_thread(_expiring_sources, clock() + within)
    refreshed = 0
    for source_id, provider in due:
        try:
            _, did_refresh = await _refresh(
                source_id, connector or live_connector(provider), clock=clock, margin=within
            )
        except PosError as exc:  # one shop's trouble must not stop the others
            log.warning("refreshing the token of source %s failed: %s", source_id, exc)
            continue
        refreshed += did_refresh
    return refreshed


async def _refresh(
    source_id: str,
    connector: PosConnector,
    *,
    clock: Clock,
    margin: timedelta = REFRESH_MARGIN,
    rejected_cipher: str | None = None,
) -> tuple[PosCredentials, bool]:
    """Under the source's row lock: the stored token if another process already refreshed
    it (fresh and not the rejected one), else a refreshed one. Returns (credentials, refreshed)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        source = await asyncio.to_thread(_lock_source, session, source_id)
        stored = _credentials(source)
        if stored.access_cipher != rejected_cipher and not stored.expires_within(margin, clock()):
            await asyncio.to_thread(session.commit)
            return stored, False
        if not source.refresh_token_encrypted:
            await asyncio.to_thread(_lose_access_in, session, source, ACCESS_REJECTED)
            raise ReconnectRequired(ACCESS_REJECTED)
        try:
            refresh_token = decrypt_secret(source.refresh_token_encrypted)
            tokens = await connector.refresh_token(source.shop_domain, refresh_token)
        except PosRequestRejected as exc:
            reason = _reason(exc)
            await asyncio.to_thread(_lose_access_in, session, source, reason)
            raise ReconnectRequired(reason) from exc
        keep_tokens(source, tokens)
        await asyncio.to_thread(session.commit)
        return _credentials(source), True


def _reason(exc: PosRequestRejected) -> str:
    if isinstance(exc, ScopeNotGranted):
        return (
            "Shopify no longer grants the permissions we need ("
            + ", ".join(exc.missing)
            + "); reconnect your store and approve them."
        )
    return ACCESS_REJECTED


def _credentials(source: InventorySource | None) -> PosCredentials:
    if source is None or not source.access_token_encrypted:
        raise ReconnectRequired(NOT_CONNECTED)
    return PosCredentials(
        provider=source.provider,
        shop=source.shop_domain,
        access_token=decrypt_secret(source.access_token_encrypted),
        access_cipher=source.access_token_encrypted,
        expires_at=source.access_token_expires_at,
    )


def _read_credentials(source_id: str) -> PosCredentials:
    with Session(get_engine()) as session:
        return _credentials(session.get(InventorySource, source_id))


def _lock_source(session: Session, source_id: str) -> InventorySource | None:
    query = select(InventorySource).where(InventorySource.id == source_id)
    return session.exec(query.with_for_update(key_share=True)).first()


def _lose_access_in(session: Session, source: InventorySource, reason: str) -> None:
    """The tokens are provably useless: drop them and tell the retailer why."""
    forget_tokens(source)
    source.status = SourceStatus.ERROR
    source.last_error = reason
    session.commit()


def _lose_access(source_id: str, reason: str) -> None:
    with Session(get_engine(), expire_on_commit=False) as session:
        source = _lock_source(session, source_id)
        if source is not None:
            _lose_access_in(session, source, reason)


def _expiring_sources(before: datetime) -> list[tuple[str, str]]:
    with Session(get_engine()) as session:
        rows = session.exec(
            select(InventorySource.id, InventorySource.provider).where(
                InventorySource.refresh_token_encrypted.is_not(None),
                InventorySource.access_token_expires_at <= before,
            )
        ).all()
    return [(source_id, provider) for source_id, provider in rows]
