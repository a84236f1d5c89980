"""Helpers of the Shopify sandbox tests: an injectable clock, a client that installs the test app
on a shop, a real HTTP receiver for webhook deliveries, and independent signature verifiers."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import socket
import threading
import time
import warnings
from collections import deque
from typing import Any
from urllib.parse import parse_qs, urlsplit

import uvicorn

with warnings.catch_warnings():
    # Starlette warns at import that its TestClient will move to httpx2; not our concern here.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

CLIENT_ID = "closient-sandbox-test"
CLIENT_SECRET = "test-only-secret"
OTHER_CLIENT_ID = "other-app"
OTHER_SECRET = "other-test-secret"
SHOP = "acme.myshopify.com"
API_VERSION = "2026-07"
ALL_SCOPES = "read_products,read_inventory,read_locations"
REDIRECT_URI = "https://closient.test/integrations/shopify/callback"
START = 1_800_000_000.0


class FakeClock:
    """Epoch seconds that only move when a test says so."""

    def __init__(self, start: float = START) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Sandbox:
    """A TestClient on a sandbox app plus the steps every test repeats."""

    def __init__(self, client: TestClient, clock: FakeClock) -> None:
        self.client = client
        self.clock = clock
        self.store = client.app.state.sandbox  # type: ignore[attr-defined]

    def approve(
        self,
        shop: str = SHOP,
        scope: str = ALL_SCOPES,
        state: str = "nonce-1",
        client_id: str = CLIENT_ID,
        **extra: str,
    ) -> dict[str, str]:
        """Approve the consent form; the callback query parameters."""
        form = {
            "client_id": client_id,
            "scope": scope,
            "redirect_uri": REDIRECT_URI,
            "state": state,
            "decision": "approve",
            **extra,
        }
        response = self.client.post(
            f"/{shop}/admin/oauth/authorize", data=form, follow_redirects=False
        )
        assert response.status_code == 302, response.text
        return callback_params(response.headers["location"])

    def exchange(
        self,
        code: str,
        shop: str = SHOP,
        secret: str = CLIENT_SECRET,
        client_id: str = CLIENT_ID,
        **extra: Any,
    ) -> Any:
        body = {"client_id": client_id, "client_secret": secret, "code": code, **extra}
        return self.client.post(f"/{shop}/admin/oauth/access_token", json=body)

    def install(
        self,
        shop: str = SHOP,
        scope: str = ALL_SCOPES,
        expiring: bool = True,
        client_id: str = CLIENT_ID,
        secret: str = CLIENT_SECRET,
    ) -> dict[str, Any]:
        code = self.approve(shop, scope, client_id=client_id)["code"]
        extra = {"expiring": 1} if expiring else {}
        response = self.exchange(code, shop, secret=secret, client_id=client_id, **extra)
        assert response.status_code == 200, response.text
        return response.json()

    def graphql(
        self, token: str, query: str, variables: dict[str, Any] | None = None, shop: str = SHOP
    ) -> Any:
        return self.client.post(
            f"/{shop}/admin/api/{API_VERSION}/graphql.json",
            headers={"X-Shopify-Access-Token": token},
            json={"query": query, "variables": variables},
        )

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, f"/_admin{path}", **kwargs)

    def expected_catalog(self, shop: str = SHOP) -> dict[str, Any]:
        response = self.admin("GET", f"/shops/{shop}", params={"catalog": "1"})
        assert response.status_code == 200
        return response.json()["catalog"]

    def activity(self, shop: str = SHOP, **body: Any) -> dict[str, Any]:
        response = self.admin("POST", f"/shops/{shop}/activity", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def wait_idle(self) -> None:
        assert self.admin("POST", "/idle").status_code == 200


def callback_params(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


class WebhookReceiver:
    """An HTTP endpoint in a thread that records every request and answers scripted statuses."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: deque[int] = deque()  # answered in order, then 200
        self.url = ""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        raw_names = [k.decode() for k, _ in scope["headers"]]
        self.requests.append(
            {"path": scope["path"], "headers": headers, "header_names": raw_names, "body": body}
        )
        status = self.statuses.popleft() if self.statuses else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.requests


def serve_in_thread(app: Any) -> tuple[uvicorn.Server, threading.Thread, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    return server, thread, port


# Independent verifiers, written here from Shopify's documented rules (not the sandbox's code).


def verify_callback_hmac(params: dict[str, str], secret: str) -> bool:
    """OAuth callback: drop hmac/signature, sort by key, join k=v with &, HMAC-SHA256 hex."""
    received = params.get("hmac", "")
    pairs = sorted((k, v) for k, v in params.items() if k not in ("hmac", "signature"))
    message = "&".join(f"{k}={v}" for k, v in pairs)
    expected = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received)


def verify_webhook_hmac(body: bytes, header_value: str, secret: str) -> bool:
    """Webhook: base64 of HMAC-SHA256 over the raw body bytes."""
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, header_value.encode())
