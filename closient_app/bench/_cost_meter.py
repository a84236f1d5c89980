"""A connector that counts what its GraphQL calls cost: the benchmarks' throttle-bound minimum
(total query cost / restore rate) and the tests' THROTTLED count come from the same place."""

from __future__ import annotations

import functools
import json

import httpx

from closient_app.config import get_settings
from closient_app.connectors.http import outbound_client
from closient_app.connectors.registry import SANDBOX_SHOP_PATH
from closient_app.connectors.shopify import ShopifyConnector


class CostMeter(httpx.AsyncBaseTransport):
    """Real HTTP; sums `actualQueryCost` of every GraphQL answer and counts THROTTLED ones."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.calls = self.throttled = 0
        self.actual_cost = self.requested_cost = 0.0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("graphql.json"):
            return response
        body = await response.aread()
        self.calls += 1
        self.throttled += b'"THROTTLED"' in body
        cost = (json.loads(body).get("extensions") or {}).get("cost") or {}
        self.actual_cost += cost.get("actualQueryCost") or 0
        self.requested_cost += cost.get("requestedQueryCost") or 0
        headers = [(k, v) for k, v in response.headers.items() if k != "content-encoding"]
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def metered_sandbox_connector(meter: CostMeter) -> ShopifyConnector:
    """The sandbox connector the app would build, with every request going through `meter`."""
    settings = get_settings()
    return ShopifyConnector(
        client_id=settings.shopify_sandbox_client_id,
        client_secrets=[settings.shopify_sandbox_client_secret],
        shop_base_url_template=settings.base_url + SANDBOX_SHOP_PATH,
        api_version=settings.shopify_api_version,
        http_client_factory=functools.partial(outbound_client, transport=meter),
    )
