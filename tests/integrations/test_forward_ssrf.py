"""A forward_url must never reach our own network (SSRF).

Validation refuses a host name that resolves to a non-public address. Delivery resolves again
and checks the address it connects to, so DNS that changes after validation (rebinding) is a
failed attempt with the reason, and no connection is made. The machine has no DNS: `FakeDns`
replaces `forward_destinations.resolve_host`, the one lookup both checks use.
"""

from __future__ import annotations

import functools
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpcore
import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from closient_app.clock import utcnow
from closient_app.config import get_settings
from closient_app.connectors.http import CONNECT_RETRIES
from closient_app.connectors.interface import WebhookSubscription
from closient_app.errors import ValidationFailed
from closient_app.models import ForwardStatus, WebhookEndpoint
from closient_app.services import forward_destinations
from closient_app.services.forward_destinations import forward_client
from closient_app.services.webhook_endpoints import check_forward_url, provision_endpoints
from tests.integrations.conftest import make_source
from tests.integrations.live import make_retailer
from tests.integrations.test_forwarding import deliver, delivery, record

API = "/integrations/api/v1/webhooks/endpoints"
PUBLIC = "93.184.216.34"


@dataclass
class FakeDns:
    """Name -> successive answers (the last one repeats); any other name does not exist."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        queue = self.answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]


class RoutedNetwork(httpcore.AnyIOBackend):
    """The network under the guard: records every connect it is asked for, and reaches a
    local server only for the addresses in `routes` (this test's stand-in for the internet)."""

    def __init__(self, routes: dict[tuple[str, int], tuple[str, int]] | None = None) -> None:
        self.routes = routes or {}
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(self, host: str, port: int, **options) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if (host, port) not in self.routes:
            raise httpcore.ConnectError(f"no route to {host}:{port}")
        return await super().connect_tcp(*self.routes[host, port], timeout=options["timeout"])


@pytest.fixture
def dns(monkeypatch) -> FakeDns:
    """The only DNS these tests have."""
    monkeypatch.setattr(forward_destinations, "resolve_host", FakeDns())
    return forward_destinations.resolve_host


@pytest.fixture
def production(monkeypatch) -> None:
    monkeypatch.setattr(type(get_settings()), "is_production", property(lambda _: True))


@pytest.fixture
def endpoint(live_api, db):
    """(retailer, source, id of its inventory endpoint), forwarding nowhere yet."""
    retailer = make_retailer(db)
    source = make_source(db, retailer.org)
    subscription = WebhookSubscription("inventory_levels/update", "gid://shopify/Webhook/1")
    [created] = provision_endpoints(session=db, source=source, subscriptions=[subscription])
    db.commit()
    return retailer, source, created.id


@pytest.fixture
def listener() -> Iterator[tuple[int, list]]:
    """A TCP server on 127.0.0.1 that only counts (and drops) the connections it accepts."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    accepted: list = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            accepted.append(peer)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join(timeout=5)
    server.close()


@pytest.fixture
def tls_receiver(tmp_path) -> Iterator[tuple[int, ssl.SSLContext, list[dict]]]:
    """An HTTPS receiver on 127.0.0.1 whose certificate, from a test CA, names ok.example only.
    Yields its port, a client context trusting that CA alone, and what it received."""
    ca_file, cert_file, key_file = _certificates(tmp_path, "ok.example")
    seen: list[dict] = []

    async def hook(request: Request) -> Response:
        seen.append({"host": request.headers["host"], "event": json.loads(await request.body())})
        return Response(status_code=200)

    app = Starlette(routes=[Route("/hooks", hook, methods=["POST"])])
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", ssl_certfile=cert_file, ssl_keyfile=key_file
    )
    server = uvicorn.Server(config)
    sock = socket.create_server(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield sock.getsockname()[1], ssl.create_default_context(cafile=ca_file), seen
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def _certificates(folder: Path, name: str) -> tuple[str, str, str]:
    """A CA, and a server certificate it signed for `name`: (CA file, cert file, key file)."""
    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Closient test CA")])

    def issued(subject: x509.Name, public_key) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )

    ca = (
        issued(ca_name, ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        issued(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]), key.public_key())
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = {
        "ca.pem": ca.public_bytes(serialization.Encoding.PEM),
        "cert.pem": leaf.public_bytes(serialization.Encoding.PEM),
        "key.pem": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    }
    for file_name, content in files.items():
        (folder / file_name).write_bytes(content)
    return tuple(str(folder / n) for n in files)  # type: ignore[return-value]


def set_forward_url(base: str, retailer, endpoint_id: str, url: str) -> httpx.Response:
    return httpx.patch(
        f"{base}{API}/{endpoint_id}", json={"forward_url": url}, headers=retailer.headers
    )


def store_forward_url(db, endpoint_id: str, url: str) -> None:
    """As a row saved before this check existed: no validation on the way in."""
    db.execute(
        update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).values(forward_url=url)
    )
    db.commit()


def counters(base: str, retailer, endpoint_id: str) -> tuple[int, int]:
    detail = httpx.get(f"{base}{API}/{endpoint_id}", headers=retailer.headers).json()
    return detail["deliveries_ok"], detail["deliveries_failed"]


# Validation


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (["10.0.0.5"], "10.0.0.5"),
        (["169.254.169.254"], "169.254.169.254"),  # cloud metadata
        (["::1"], "::1"),
        (["::ffff:127.0.0.1"], "::ffff:127.0.0.1"),  # IPv4-mapped loopback
        (["100.64.0.1"], "100.64.0.1"),  # carrier-grade NAT
        (["224.0.0.1"], "224.0.0.1"),  # multicast
        (["240.0.0.1"], "240.0.0.1"),  # reserved
        (["2002:a00:5::"], "2002:a00:5::"),  # 6to4 carrying 10.0.0.5
        (["64:ff9b::a00:5"], "64:ff9b::a00:5"),  # NAT64 carrying 10.0.0.5
        ([PUBLIC, "10.0.0.5"], "10.0.0.5"),  # one non-public answer is enough
    ],
)
def test_validation_refuses_a_name_that_resolves_to_a_non_public_address(dns, answer, shown):
    dns.answers["evil.example"] = [answer]

    with pytest.raises(ValidationFailed) as refused:
        check_forward_url("https://evil.example/hooks")

    assert refused.value.details == [
        {"field": "forward_url", "message": f"resolves to a non-public address ({shown})"}
    ]
    assert dns.asked == ["evil.example"]


@pytest.mark.parametrize("host", ["[::ffff:10.0.0.5]", "224.0.0.1", "[64:ff9b::a9fe:a9fe]"])
def test_validation_refuses_literals_that_carry_a_non_public_address(dns, host):
    with pytest.raises(ValidationFailed) as refused:
        check_forward_url(f"https://{host}/hooks")
    assert refused.value.details == [
        {"field": "forward_url", "message": "must point at a public address"}
    ]
    assert dns.asked == []


@pytest.mark.parametrize("in_production", [False, True])
def test_validation_accepts_public_answers_and_names_that_do_not_resolve(
    request, dns, in_production
):
    if in_production:
        request.getfixturevalue("production")
    dns.answers["ok.example"] = [[PUBLIC, "2606:2800:220:1:248:1893:25c8:1946"]]

    assert check_forward_url("https://ok.example/h") == "https://ok.example/h"
    # A name without DNS (yet) passes everywhere: every delivery checks again when it connects.
    assert check_forward_url("https://not-yet.example/h") == "https://not-yet.example/h"
    assert dns.asked == ["ok.example", "not-yet.example"]


def test_the_api_refuses_it_with_the_field_named_and_stores_nothing(live_api, db, dns, endpoint):
    retailer, source, endpoint_id = endpoint
    dns.answers["metadata.example"] = [["169.254.169.254"]]

    answer = set_forward_url(live_api, retailer, endpoint_id, "https://metadata.example/latest")

    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [
        {"field": "forward_url", "message": "resolves to a non-public address (169.254.169.254)"}
    ]
    db.expire_all()
    assert db.get(WebhookEndpoint, endpoint_id).forward_url is None
    assert record(source.id, available=1) == []  # nothing to forward to


# Delivery


def test_dns_that_changes_after_validation_is_refused_at_connect(
    live_api, db, dns, endpoint, listener
):
    retailer, source, endpoint_id = endpoint
    port, accepted = listener
    # Validation sees a public answer; the delivery's own lookup gets this machine, where the
    # listener waits: had the guard connected, the listener would have counted it.
    dns.answers["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    url = f"https://rebind.example:{port}/hooks"
    assert set_forward_url(live_api, retailer, endpoint_id, url).status_code == 200
    [delivery_id] = record(source.id, available=1)
    now = utcnow()

    assert deliver(clock=lambda: now) == 0

    failed = delivery(db, delivery_id)
    assert (
        failed.status,
        failed.attempts,
        failed.last_status_code,
        failed.last_error,
        failed.next_attempt_at,
    ) == (
        ForwardStatus.FAILED,
        1,
        None,
        "forward_url resolves to a non-public address (127.0.0.1)",
        now + timedelta(seconds=30),
    )
    assert accepted == []
    assert dns.asked == ["rebind.example", "rebind.example"]
    assert counters(live_api, retailer, endpoint_id) == (0, 1)


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (["10.0.0.5"], "10.0.0.5"),
        (["169.254.169.254"], "169.254.169.254"),
        (["::ffff:127.0.0.1"], "::ffff:127.0.0.1"),
        ([PUBLIC, "10.0.0.5"], "10.0.0.5"),  # not even the public one is tried
    ],
)
def test_a_stored_url_resolving_inside_is_refused_without_any_connect(
    db, dns, endpoint, answer, shown
):
    _, source, endpoint_id = endpoint
    dns.answers["evil.example"] = [answer]
    store_forward_url(db, endpoint_id, "https://evil.example/hooks")
    [delivery_id] = record(source.id, available=1)
    network = RoutedNetwork()

    assert deliver(http_client_factory=functools.partial(forward_client, network=network)) == 0

    failed = delivery(db, delivery_id)
    assert (failed.status, failed.last_error) == (
        ForwardStatus.FAILED,
        f"forward_url resolves to a non-public address ({shown})",
    )
    assert network.connects == []


def test_outside_production_the_local_hosts_reach_this_machine(db, endpoint, listener):
    _, source, endpoint_id = endpoint
    port, accepted = listener
    store_forward_url(db, endpoint_id, f"http://127.0.0.1:{port}/hooks")
    [delivery_id] = record(source.id, available=1)

    deliver()

    assert len(accepted) == 1  # reached (the listener hangs up, so the attempt fails)
    assert delivery(db, delivery_id).status is ForwardStatus.FAILED


def test_in_production_the_local_hosts_are_refused_at_connect(db, endpoint, listener, production):
    _, source, endpoint_id = endpoint
    port, accepted = listener
    store_forward_url(db, endpoint_id, f"http://127.0.0.1:{port}/hooks")
    [delivery_id] = record(source.id, available=1)

    deliver()

    assert delivery(db, delivery_id).last_error == (
        "forward_url resolves to a non-public address (127.0.0.1)"
    )
    assert accepted == []


def test_a_public_name_is_delivered_to_the_checked_address_with_its_host_and_tls(
    live_api, db, dns, endpoint, tls_receiver
):
    retailer, source, endpoint_id = endpoint
    port, trust, seen = tls_receiver
    # Honest about what is faked: ok.example resolves to a real public address, and the global
    # check is untouched; only this test's network routes that address to the local receiver.
    dns.answers["ok.example"] = [[PUBLIC]]
    assert set_forward_url(live_api, retailer, endpoint_id, "https://ok.example/hooks").is_success
    [delivery_id] = record(source.id, available=5)
    network = RoutedNetwork({(PUBLIC, 443): ("127.0.0.1", port)})
    client = functools.partial(forward_client, network=network, verify=trust)

    assert deliver(http_client_factory=client) == 1

    assert network.connects == [(PUBLIC, 443)]  # the checked address, never the name
    assert [(s["host"], s["event"]["id"]) for s in seen] == [("ok.example", delivery_id)]
    stored = delivery(db, delivery_id)
    assert (stored.status, stored.last_status_code, stored.last_error) == (
        ForwardStatus.DELIVERED,
        200,
        None,
    )
    assert counters(live_api, retailer, endpoint_id) == (1, 0)


def test_tls_still_verifies_the_certificate_for_the_host_name(db, dns, endpoint, tls_receiver):
    _, source, endpoint_id = endpoint
    port, trust, seen = tls_receiver
    dns.answers["other.example"] = [[PUBLIC]]  # the same server, whose certificate is not for it
    store_forward_url(db, endpoint_id, "https://other.example/hooks")
    [delivery_id] = record(source.id, available=5)
    network = RoutedNetwork({(PUBLIC, 443): ("127.0.0.1", port)})
    client = functools.partial(forward_client, network=network, verify=trust)

    assert deliver(http_client_factory=client) == 0

    failed = delivery(db, delivery_id)
    assert failed.status is ForwardStatus.FAILED
    assert failed.last_error.startswith("ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED]")
    assert "not valid for 'other.example'" in failed.last_error
    assert network.connects == [(PUBLIC, 443)] * (CONNECT_RETRIES + 1)
    assert seen == []
