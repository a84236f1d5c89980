"""Forwarding applied POS events to the retailer's own `forward_url`, signed, with retries.

`record_forward_events` only writes ForwardDelivery rows (in the caller's transaction, so an
event is forwarded if and only if it was applied); `deliver_pending_forwards` sends them later.
A retailer's slow or broken receiver therefore never delays or fails POS processing.

Body: `{"id", "type", "created", "organization_id", "source_id", "data"}`, the same bytes on
every retry (`id` lets the receiver drop duplicates). Header:
`X-Closient-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` with one `v1` per
valid secret, so a receiver mid-rotation accepts either.

Deliveries leave only through `forward_client`, which connects to public addresses only and
checks them at connect time (services/forward_destinations.py): a forward_url whose name
resolves inside our network is a failed attempt with the reason, and nothing is sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, update
from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.connectors.http import HttpClientFactory
from closient_app.db import get_engine
from closient_app.models import ForwardDelivery, ForwardStatus, WebhookEndpoint
from closient_app.services.forward_destinations import NonPublicDestination, forward_client
from closient_app.services.webhook_endpoints import valid_secrets

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Closient-Signature"
MAX_ATTEMPTS = 8  # then DEAD_LETTER: 30 s doubling to 1 h covers about 2.5 hours of outage
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
CLAIM_LEASE = timedelta(minutes=2)  # another sender skips a claimed delivery this long
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
PARALLEL_SENDS = 10


def record_forward_events(
    *,
    session: Session,
    source_id: str,
    event_type: str,
    payload: dict[str, Any],
    topic: str | None = None,
) -> list[ForwardDelivery]:
    """Queue `event_type` for every active endpoint of the source that has a forward_url.

    With `topic` (the POS topic that caused it) only the endpoints subscribed to that topic
    get it; without, source-wide events go once to each distinct forward_url.
    """
    endpoints = session.exec(
        select(WebhookEndpoint)
        .where(
            WebhookEndpoint.source_id == source_id,
            WebhookEndpoint.is_active.is_(True),
            WebhookEndpoint.forward_url.is_not(None),
        )
        .order_by(WebhookEndpoint.created, WebhookEndpoint.id)
    ).all()
    if topic is not None:
        chosen = [e for e in endpoints if topic in e.topics]
    else:
        chosen = list({e.forward_url: e for e in reversed(endpoints)}.values())
    deliveries = [
        ForwardDelivery(endpoint_id=e.id, event_type=event_type, payload=payload) for e in chosen
    ]
    session.add_all(deliveries)
    session.flush()
    return deliveries


def signature_header(body: bytes, secrets: list[str], timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    parts = [f"t={timestamp}"]
    parts += [f"v1={hmac.new(s.encode(), signed, hashlib.sha256).hexdigest()}" for s in secrets]
    return ",".join(parts)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at an hour, after the `attempts`-th failure."""
    return min(FIRST_RETRY * (2 ** (attempts - 1)), MAX_RETRY)


@dataclass(frozen=True)
class _Outgoing:
    delivery_id: str
    endpoint_id: str
    url: str | None  # None: the endpoint stopped forwarding since the event was recorded
    body: bytes
    secrets: list[str]


async def deliver_pending_forwards(
    *,
    limit: int = 100,
    clock=utcnow,
    http_client_factory: HttpClientFactory = forward_client,
) -> int:
    """Send up to `limit` due deliveries; returns how many were delivered."""
    batch = await asyncio.to_thread(_claim_due, limit, clock())
    if not batch:
        return 0
    gate = asyncio.Semaphore(PARALLEL_SENDS)
    async with http_client_factory(timeout=TIMEOUT) as client:

        async def send(item: _Outgoing) -> tuple[_Outgoing, int | None, str | None]:
            async with gate:
                return item, *await _post(client, item, clock())

        outcomes = await asyncio.gather(*(send(item) for item in batch))
    await asyncio.to_thread(_record_outcomes, outcomes, clock())
    return sum(1 for _, status, _ in outcomes if status is not None and 200 <= status < 300)


async def _post(
    client: httpx.AsyncClient, item: _Outgoing, now: datetime
) -> tuple[int | None, str | None]:
    if item.url is None:
        return None, "forwarding was turned off for this endpoint"
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(item.body, item.secrets, int(now.timestamp())),
    }
    try:
        response = await client.post(item.url, content=item.body, headers=headers)
    except NonPublicDestination as exc:  # refused before connecting: the reason says it all
        return None, str(exc)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"the receiver answered HTTP {response.status_code}"


def _claim_due(limit: int, now: datetime) -> list[_Outgoing]:
    """Take due deliveries with SKIP LOCKED and lease them, so parallel senders split work."""
    with Session(get_engine(), expire_on_commit=False) as session:
        due = session.exec(
            select(ForwardDelivery)
            .where(
                ForwardDelivery.status.in_([ForwardStatus.PENDING, ForwardStatus.FAILED]),
                or_(
                    ForwardDelivery.next_attempt_at.is_(None),
                    ForwardDelivery.next_attempt_at <= now,
                ),
            )
            .order_by(ForwardDelivery.created)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        batch = []
        for delivery in due:
            delivery.next_attempt_at = now + CLAIM_LEASE
            endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
            forwarding = endpoint.is_active and endpoint.forward_url
            batch.append(
                _Outgoing(
                    delivery_id=delivery.id,
                    endpoint_id=endpoint.id,
                    url=endpoint.forward_url if forwarding else None,
                    body=_body(delivery, endpoint),
                    secrets=valid_secrets(endpoint, now),
                )
            )
        session.commit()
    return batch


def _body(delivery: ForwardDelivery, endpoint: WebhookEndpoint) -> bytes:
    event = {
        "id": delivery.id,
        "type": delivery.event_type,
        "created": delivery.created.isoformat(),
        "organization_id": endpoint.organization_id,
        "source_id": endpoint.source_id,
        "data": delivery.payload,
    }
    return json.dumps(event, separators=(",", ":"), sort_keys=True, default=str).encode()


Outcome = tuple[_Outgoing, int | None, str | None]


def _record_outcomes(outcomes: list[Outcome], now: datetime) -> None:
    with Session(get_engine(), expire_on_commit=False) as session:
        for item, status_code, error in outcomes:
            delivery = session.get(ForwardDelivery, item.delivery_id)
            delivery.attempts += 1
            delivery.last_status_code = status_code
            delivery.last_error = error
            ok = error is None
            if ok:
                delivery.status, delivery.delivered_at = ForwardStatus.DELIVERED, now
                delivery.next_attempt_at = None
            elif item.url is None or delivery.attempts >= MAX_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = ForwardStatus.DEAD_LETTER, None
            else:
                delivery.status = ForwardStatus.FAILED
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            if item.url is not None:  # counters count tries that reached for the receiver
                counter = "deliveries_ok" if ok else "deliveries_failed"
                column = getattr(WebhookEndpoint, counter)
                session.execute(
                    update(WebhookEndpoint)
                    .where(WebhookEndpoint.id == item.endpoint_id)
                    .values({counter: column + 1})
                )
        session.commit()
