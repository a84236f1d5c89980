"""Test doubles: a fake clock whose sleeps advance time, a scripted Shopify, fixture bodies."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from closient_app.connectors.http import outbound_client
from closient_app.connectors.shopify import ShopifyConnector

FIXTURES = Path(__file__).parent / "fixtures" / "shopify"
SHOP = "acme.myshopify.com"
BASE = f"https://{SHOP}"
GRAPHQL_URL = f"{BASE}/admin/api/2026-07/graphql.json"


class FakeTime:
    """Monotonic and wall clock in one; `sleep` records the request and advances time."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def graphql_body(data: Any, *, requested: float = 10, actual: float = 10,
                 available: float = 990, maximum: float = 1000, rate: float = 100) -> dict:
    """A GraphQL answer with Shopify's cost extension."""
    return {
        "data": data,
        "extensions": {"cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available,
                               "restoreRate": rate},
        }},
    }


class ScriptedShopify:
    """An httpx MockTransport handler answering from a queue (or a callable) and recording."""

    def __init__(self, answers: list[Any] | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if callable(self.answers):
            return self.answers(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)

    def factory(self):
        return functools.partial(outbound_client, transport=httpx.MockTransport(self))

    def graphql_payloads(self) -> list[dict]:
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith("graphql.json")]


def make_connector(
    shopify: ScriptedShopify, fake_time: FakeTime, **overrides: Any
) -> ShopifyConnector:
    options: dict[str, Any] = {
        "client_id": "app-id",
        "client_secrets": ["hush", "old-hush"],
        "http_client_factory": shopify.factory(),
        "clock": fake_time.wall,
        "sleep": fake_time.sleep,
        "monotonic": fake_time.monotonic,
    }
    options.update(overrides)
    return ShopifyConnector(**options)
