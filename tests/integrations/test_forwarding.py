"""Forwarding to a retailer's receiver: a tiny Starlette app started by the test checks
X-Closient-Signature with the secret it got from the detail endpoint, exactly as a retailer
would. Failures back off, end in DEAD_LETTER, and never touch POS processing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
import uvicorn
from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from closient_app.clock import utcnow
from closient_app.db import session_scope
from closient_app.models import ForwardDelivery, ForwardStatus, InventorySource, WebhookEndpoint
from closient_app.services.forwarding import (
    MAX_ATTEMPTS,
    deliver_pending_forwards,
    record_forward_events,
)
from tests.integrations.live import connect, make_retailer, new_shop

API = "/integrations/api/v1/webhooks/endpoints"


@dataclass
class RetailerReceiver:
    """What the retailer's server saw; `answer` is the status it replies with."""

    secrets: list[str] = field(default_factory=list)
    received: list[dict] = field(default_factory=list)
    answer: int = 200

    def verify(self, header: str, body: bytes) -> bool:
        """The check a retailer writes: any v1 made with a secret they hold, fresh t."""
        parts = [p.split("=", 1) for p in header.split(",")]
        timestamp = next(v for k, v in parts if k == "t")
        if abs(time.time() - int(timestamp)) > 300:
            return False
        signed = f"{timestamp}.".encode() + body
        expected = {hmac.new(s.encode(), signed, hashlib.sha256).hexdigest() for s in self.secrets}
        return any(k == "v1" and v in expected for k, v in parts)

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        header = request.headers.get("x-closient-signature", "")
        self.received.append(
            {"header": header, "event": json.loads(body), "verified": self.verify(header, body)}
        )
        return Response(status_code=self.answer)


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[RetailerReceiver, str]]:
    state = RetailerReceiver()
    app = Starlette(routes=[Route("/hooks", state.hook, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield state, f"http://127.0.0.1:{sock.getsockname()[1]}/hooks"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def forwarding(live_api, db, receiver):
    """A connected source whose inventory endpoint forwards to the receiver, which knows the
    secret from the detail endpoint."""
    state, url = receiver
    state.received.clear()
    state.answer = 200
    retailer = make_retailer(db)
    assert connect(live_api, retailer, new_shop(live_api)).status_code == 200
    listed = httpx.get(f"{live_api}{API}/", headers=retailer.headers).json()["data"]
    inventory = next(e for e in listed if "inventory_levels/update" in e["topics"])
    patched = httpx.patch(
        f"{live_api}{API}/{inventory['id']}", json={"forward_url": url}, headers=retailer.headers
    )
    assert patched.status_code == 200
    state.secrets = [patched.json()["secret"]]
    source = db.exec(select(InventorySource)).one()
    return retailer, source, inventory["id"], state


def deliver(**options) -> int:
    return asyncio.run(deliver_pending_forwards(**options))


def record(source_id: str, *, topic: str | None = "inventory_levels/update", **data) -> list:
    with session_scope() as session:
        rows = record_forward_events(
            session=session,
            source_id=source_id,
            topic=topic,
            event_type="inventory.level.updated",
            payload=data,
        )
        return [r.id for r in rows]


def delivery(db, delivery_id: str) -> ForwardDelivery:
    db.expire_all()
    return db.get(ForwardDelivery, delivery_id)


def test_a_forward_is_signed_with_the_secret_from_the_detail_endpoint(live_api, db, forwarding):
    retailer, source, endpoint_id, receiver = forwarding
    [delivery_id] = record(source.id, sku="SKU-1", available=4)

    assert deliver() == 1

    [got] = receiver.received
    assert got["verified"] is True
    assert got["header"].count("v1=") == 1
    assert got["event"] == {
        "id": delivery_id,
        "type": "inventory.level.updated",
        "created": delivery(db, delivery_id).created.isoformat(),
        "organization_id": retailer.org.id,
        "source_id": source.id,
        "data": {"sku": "SKU-1", "available": 4},
    }
    stored = delivery(db, delivery_id)
    assert (stored.status, stored.attempts, stored.last_status_code) == (
        ForwardStatus.DELIVERED,
        1,
        200,
    )
    detail = httpx.get(f"{live_api}{API}/{endpoint_id}", headers=retailer.headers).json()
    assert (detail["deliveries_ok"], detail["deliveries_failed"]) == (1, 0)
    assert deliver() == 0  # delivered once, not again


def test_during_a_rotation_both_secrets_sign_and_either_verifies(live_api, db, forwarding):
    retailer, source, endpoint_id, receiver = forwarding
    old = receiver.secrets[0]
    new = httpx.post(
        f"{live_api}{API}/{endpoint_id}/rotate-secret/", headers=retailer.headers
    ).json()["secret"]
    record(source.id, available=1)
    deliver()

    header = receiver.received[-1]["header"]
    assert header.count("v1=") == 2
    for holds in ([old], [new]):
        receiver.secrets = holds
        body = json.dumps(
            receiver.received[-1]["event"], separators=(",", ":"), sort_keys=True
        ).encode()
        assert receiver.verify(header, body) is True
    receiver.secrets = ["whsec_someone_else"]
    assert receiver.verify(header, body) is False


def test_after_the_grace_period_only_the_new_secret_signs(live_api, db, forwarding):
    retailer, source, endpoint_id, receiver = forwarding
    httpx.post(f"{live_api}{API}/{endpoint_id}/rotate-secret/", headers=retailer.headers)
    record(source.id, available=1)
    later = utcnow() + timedelta(hours=25)
    db.execute(ForwardDelivery.__table__.update().values(next_attempt_at=later))
    db.commit()

    assert deliver(clock=lambda: later) == 1
    assert receiver.received[-1]["header"].count("v1=") == 1


def test_a_failing_receiver_gets_retries_with_backoff_then_dead_letter(live_api, db, forwarding):
    retailer, source, endpoint_id, receiver = forwarding
    receiver.answer = 500
    [delivery_id] = record(source.id, available=2)
    now = utcnow()

    assert deliver(clock=lambda: now) == 0
    first = delivery(db, delivery_id)
    assert (first.status, first.attempts, first.last_status_code) == (ForwardStatus.FAILED, 1, 500)
    assert first.next_attempt_at == now + timedelta(seconds=30)
    deliver(clock=lambda: now + timedelta(seconds=29))
    assert delivery(db, delivery_id).attempts == 1  # not due yet

    clock = now
    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock = delivery(db, delivery_id).next_attempt_at
        deliver(clock=lambda at=clock: at)
        assert delivery(db, delivery_id).attempts == attempt
    final = delivery(db, delivery_id)
    assert (final.status, final.next_attempt_at) == (ForwardStatus.DEAD_LETTER, None)
    assert final.last_error == "the receiver answered HTTP 500"
    assert clock - now == timedelta(seconds=30 * (2 ** (MAX_ATTEMPTS - 1) - 1))
    detail = httpx.get(f"{live_api}{API}/{endpoint_id}", headers=retailer.headers).json()
    assert (detail["deliveries_ok"], detail["deliveries_failed"]) == (0, MAX_ATTEMPTS)
    assert len(receiver.received) == MAX_ATTEMPTS


def test_an_unreachable_receiver_is_a_failed_attempt(live_api, db, forwarding):
    retailer, source, endpoint_id, _ = forwarding
    httpx.patch(
        f"{live_api}{API}/{endpoint_id}",
        json={"forward_url": "http://127.0.0.1:9/h"},
        headers=retailer.headers,
    )
    [delivery_id] = record(source.id, available=2)
    deliver()
    failed = delivery(db, delivery_id)
    assert failed.status is ForwardStatus.FAILED and failed.last_status_code is None
    assert failed.last_error.startswith("ConnectError")


def test_only_active_forwarding_endpoints_of_the_topic_get_events(live_api, db, forwarding):
    retailer, source, endpoint_id, receiver = forwarding
    # The products endpoint has no forward_url; the inventory one is then paused.
    assert record(source.id, topic="products/update") == []
    httpx.patch(
        f"{live_api}{API}/{endpoint_id}", json={"is_active": False}, headers=retailer.headers
    )
    assert record(source.id) == []


def test_source_wide_events_go_once_to_each_forward_url(live_api, db, forwarding, receiver):
    retailer, source, _, _ = forwarding
    for endpoint in db.exec(select(WebhookEndpoint)):
        endpoint.forward_url = receiver[1]
        db.add(endpoint)
    db.commit()
    assert len(record(source.id, topic=None)) == 1


def test_an_endpoint_turned_off_after_recording_dead_letters_without_sending(
    live_api, db, forwarding
):
    retailer, source, endpoint_id, receiver = forwarding
    [delivery_id] = record(source.id, available=3)
    httpx.patch(
        f"{live_api}{API}/{endpoint_id}", json={"forward_url": None}, headers=retailer.headers
    )
    deliver()
    assert delivery(db, delivery_id).status is ForwardStatus.DEAD_LETTER
    assert receiver.received == []
