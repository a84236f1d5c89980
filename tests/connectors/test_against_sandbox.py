"""The Shopify connector against the built-in sandbox, over real HTTP on a free port.

consent (approve, as the sandbox's form posts it) -> callback verifies -> code exchange ->
locations -> every catalog page, compared row by row with the sandbox's own state ->
bulk export gives the same rows -> webhook subscriptions land -> deliveries verify and parse
-> token refresh -> uninstall.
"""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from closient_app.connectors.http import outbound_client
from closient_app.connectors.interface import (
    AppUninstalled,
    InventoryLevelChanged,
    LocationChanged,
    PrivacyRequest,
    PrivacyRequestKind,
    ProductChanged,
    ProductDeleted,
    TokenRejected,
)
from closient_app.connectors.money import to_minor_units
from closient_app.connectors.shopify import ShopifyConnector
from closient_app.connectors.shopify.consts import SUBSCRIBED_TOPICS
from closient_app.sandbox import SandboxConfig, create_sandbox_app

pytestmark = pytest.mark.anyio

CLIENT_ID = "closient-test-app"
CLIENT_SECRET = "sandbox-test-secret"
SHOP = "connector-test.myshopify.com"
REDIRECT_URI = "http://127.0.0.1:9/integrations/shopify/callback"  # never followed
RECEIVE_URL = "http://127.0.0.1:9/integrations/shopify/webhooks"


RECEIVED: list[tuple[dict[str, str], bytes]] = []  # what the sandbox delivered to /hooks


async def receive_webhook(request: Request) -> Response:
    RECEIVED.append((dict(request.headers), await request.body()))
    return Response(status_code=200)


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """The sandbox mounted where the app mounts it, served by uvicorn in a thread, next to a
    webhook receiver at /hooks."""
    # A faster refill than Shopify's 100 points/s keeps the test short; pacing still matters
    # because every catalog page asks for nearly the whole 1000-point bucket.
    config = SandboxConfig(apps={CLIENT_ID: CLIENT_SECRET}, restore_rate=2000.0)
    app = Starlette(routes=[Mount("/sandbox/shopify", app=create_sandbox_app(config)),
                            Route("/hooks", receive_webhook, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/sandbox/shopify"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class ThrottleWatch(httpx.AsyncBaseTransport):
    """Real HTTP, counting GraphQL answers that said THROTTLED."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.graphql_calls = self.throttled = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("graphql.json"):
            return response
        body = await response.aread()
        self.graphql_calls += 1
        self.throttled += b'"THROTTLED"' in body
        headers = [(k, v) for k, v in response.headers.items() if k != "content-encoding"]
        return httpx.Response(response.status_code, headers=headers, content=body,
                              request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(scope="module")
def watch() -> ThrottleWatch:
    return ThrottleWatch()


@pytest.fixture(scope="module")
def connector(sandbox_url: str, watch: ThrottleWatch) -> ShopifyConnector:
    return ShopifyConnector(
        client_id=CLIENT_ID,
        client_secrets=[CLIENT_SECRET],
        shop_base_url_template=sandbox_url + "/{shop}",
        http_client_factory=functools.partial(outbound_client, transport=watch),
    )


@pytest.fixture(scope="module")
def shop_state(sandbox_url: str) -> dict:
    """A shop with several catalog pages: 120 products of 1-3 variants at 3 locations."""
    answer = httpx.post(f"{sandbox_url}/_admin/shops", json={
        "shop": SHOP, "products": 120, "variants_per_product": 3, "locations": 3})
    assert answer.status_code == 201, answer.text
    return httpx.get(f"{sandbox_url}/_admin/shops/{SHOP}", params={"catalog": "1"}).json()


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def tokens(connector: ShopifyConnector, shop_state: dict):
    """The OAuth dance as a merchant's browser does it."""
    state = "state-nonce-123"
    authorize = connector.authorize_url(SHOP, state, REDIRECT_URI)
    async with outbound_client() as browser:
        consent = await browser.get(authorize)
        assert consent.status_code == 200
        assert 'value="approve"' in consent.text
        form = dict(parse_qsl(urlsplit(authorize).query)) | {"decision": "approve"}
        decision = await browser.post(authorize.split("?")[0], data=form)
    assert decision.status_code == 302
    callback = urlsplit(decision.headers["location"])
    assert callback.path == "/integrations/shopify/callback"
    params = dict(parse_qsl(callback.query))
    assert params["state"] == state and params["shop"] == SHOP
    assert connector.verify_callback(params, datetime.now(UTC)) is True
    assert connector.verify_callback({**params, "shop": "other.myshopify.com"},
                                     datetime.now(UTC)) is False
    return await connector.exchange_code(SHOP, params["code"])


async def test_code_exchange_gives_expiring_offline_tokens(tokens):
    assert tokens.access_token.startswith("shpat_")
    assert set(tokens.scope) == {"read_products", "read_inventory", "read_locations"}
    assert tokens.refresh_token and tokens.refresh_token.startswith("shprt_")
    lifetime = (tokens.expires_at - datetime.now(UTC)).total_seconds()
    assert 3500 < lifetime <= 3600


async def test_locations_match_the_sandbox(connector, tokens, shop_state):
    locations = await connector.list_locations(SHOP, tokens.access_token)
    expected = shop_state["catalog"]["locations"]
    # Deactivated locations come too, marked, so a sync can take their stock offline.
    assert [(loc.external_id, loc.is_active) for loc in locations] == [
        (e["id"], e["is_active"]) for e in expected]
    first, want = locations[0], expected[0]
    assert (first.name, first.line1, first.city, first.postal_code, first.country) == (
        want["name"], want["address1"], want["city"], want["zip"], want["country_code"])


async def test_catalog_pages_reach_the_end_with_every_row_exact(
        connector, tokens, shop_state, watch):
    calls_before, throttled_before = watch.graphql_calls, watch.throttled
    pages = [p async for p in connector.catalog_pages(SHOP, tokens.access_token)]
    rows = [row for page in pages for row in page.rows]
    expected = shop_state["catalog"]["variants"]
    assert len(rows) == shop_state["counts"]["variants"] == len(expected)
    assert len(pages) > 2 and pages[-1].next_cursor is None
    assert all(p.cost.requested <= 1000 for p in pages)
    assert watch.throttled == throttled_before  # paced, never refused
    assert watch.graphql_calls - calls_before == len(pages) + 2  # + currency + locations
    by_variant = {row.external_variant_id: row for row in rows}
    for want in expected:  # an empty SKU or barcode means none
        row = by_variant[want["variant_id"]]
        assert (row.external_product_id, row.inventory_item_id, row.sku, row.barcode,
                row.tracked, row.title, row.vendor) == (
            want["product_id"], want["inventory_item_id"], want["sku"] or None,
            want["barcode"] or None, want["tracked"], want["product_title"], want["vendor"])
        assert row.price_amount == to_minor_units(want["price"], row.currency)
        assert {lv.location_id: lv.available for lv in row.levels} == want["available"]


async def test_resuming_from_a_cursor_continues_where_it_stopped(connector, tokens):
    walk = connector.catalog_pages(SHOP, tokens.access_token)
    first = await anext(walk)
    await walk.aclose()
    rest = [p async for p in connector.catalog_pages(SHOP, tokens.access_token,
                                                     cursor=first.next_cursor)]
    full = [p async for p in connector.catalog_pages(SHOP, tokens.access_token)]
    resumed_ids = [r.external_variant_id for p in [first, *rest] for r in p.rows]
    assert resumed_ids == [r.external_variant_id for p in full for r in p.rows]


async def test_a_small_bucket_gets_smaller_pages_and_no_throttling(
        connector, tokens, sandbox_url, shop_state, watch):
    async with outbound_client() as client:
        tight = await client.put(f"{sandbox_url}/_admin/settings",
                                 json={"bucket_max": 300.0, "restore_rate": 3000.0})
        assert tight.status_code == 200
        try:
            throttled_before = watch.throttled
            pages = [p async for p in connector.catalog_pages(SHOP, tokens.access_token)]
        finally:
            await client.put(f"{sandbox_url}/_admin/settings",
                             json={"bucket_max": 1000.0, "restore_rate": 2000.0})
    assert sum(len(p.rows) for p in pages) == shop_state["counts"]["variants"]
    assert {p.cost.requested for p in pages} == {296}  # 2 + 21 x (5 + 3 x 3) <= 300
    assert watch.throttled == throttled_before


async def test_bulk_export_gives_the_same_rows_as_pages(connector, tokens):
    paged = [r async for p in connector.catalog_pages(SHOP, tokens.access_token) for r in p.rows]
    bulk = [row async for row in connector.bulk_catalog(SHOP, tokens.access_token)]
    key = lambda row: row.external_variant_id  # noqa: E731
    assert sorted(bulk, key=key) == sorted(paged, key=key)


async def test_catalog_size_counts_variants(connector, tokens, shop_state):
    assert await connector.catalog_size(SHOP, tokens.access_token) == \
        shop_state["counts"]["variants"]


async def sandbox_shop(sandbox_url: str) -> dict:
    async with outbound_client() as client:
        return (await client.get(f"{sandbox_url}/_admin/shops/{SHOP}")).json()


async def test_webhook_subscriptions_land_at_the_sandbox(connector, tokens, sandbox_url):
    subscriptions = await connector.subscribe_webhooks(SHOP, tokens.access_token, RECEIVE_URL)
    assert [s.topic for s in subscriptions] == list(SUBSCRIBED_TOPICS)
    shop = await sandbox_shop(sandbox_url)
    mine = {(s["topic"], s["uri"], s["id"]) for s in shop["subscriptions"]
            if s["client_id"] == CLIENT_ID}
    assert mine == {(SUBSCRIBED_TOPICS[s.topic], RECEIVE_URL, s.subscription_id)
                    for s in subscriptions}
    # A reconnect subscribes again: the same subscriptions come back, none are duplicated.
    again = await connector.subscribe_webhooks(SHOP, tokens.access_token, RECEIVE_URL)
    assert again == subscriptions
    assert len((await sandbox_shop(sandbox_url))["subscriptions"]) == len(subscriptions)
    await connector.unsubscribe_webhooks(SHOP, tokens.access_token,
                                         [s.subscription_id for s in subscriptions])
    shop = await sandbox_shop(sandbox_url)
    assert [s for s in shop["subscriptions"] if s["client_id"] == CLIENT_ID] == []


async def simulate(sandbox_url: str, **activity: object) -> dict:
    async with outbound_client() as client:
        answer = await client.post(f"{sandbox_url}/_admin/shops/{SHOP}/activity", json=activity)
        assert answer.status_code == 200, answer.text
        await client.post(f"{sandbox_url}/_admin/idle")  # every delivery has been made
        return answer.json()


async def delivered(connector: ShopifyConnector, topic: str) -> list:
    """Deliveries of `topic` so far, each verified on its raw bytes and then parsed."""
    deliveries = []
    for headers, body in RECEIVED:
        if connector.parse_webhook(headers, body, currency="USD").topic == topic:
            assert connector.verify_webhook(headers, body) is True
            assert connector.verify_webhook(headers, body + b"\n") is False
            deliveries.append(connector.parse_webhook(headers, body, currency="USD"))
    return deliveries


async def test_sandbox_deliveries_verify_and_parse(connector, tokens, sandbox_url, shop_state):
    hooks = sandbox_url.split("/sandbox/")[0] + "/hooks"
    await connector.subscribe_webhooks(SHOP, tokens.access_token, hooks)
    variant = next(v for v in shop_state["catalog"]["variants"] if v["tracked"])
    location = shop_state["catalog"]["locations"][1]["id"]
    before = variant["available"][location]

    await simulate(sandbox_url, kind="sale", variant_id=variant["variant_id"],
                   location_id=location, quantity=2)
    async with outbound_client() as client:  # the newer unprefixed header spelling
        await client.put(f"{sandbox_url}/_admin/settings", json={"webhook_header_style":
                                                                  "shopify"})
    await simulate(sandbox_url, kind="restock", variant_id=variant["variant_id"],
                   location_id=location, quantity=5)
    levels = await delivered(connector, "inventory_levels/update")
    assert [(d.event.inventory_item_id, d.event.location_id, d.event.available)
            for d in levels] == [(variant["inventory_item_id"], location, before - 2),
                                 (variant["inventory_item_id"], location, before + 3)]
    assert all(isinstance(d.event, InventoryLevelChanged) and d.shop == SHOP for d in levels)
    assert len({d.webhook_id for d in levels}) == 2

    await simulate(sandbox_url, kind="price_change", variant_id=variant["variant_id"],
                   price="12.34")
    [product] = await delivered(connector, "products/update")
    assert isinstance(product.event, ProductChanged)
    changed = next(r for r in product.event.variants
                   if r.external_variant_id == variant["variant_id"])
    assert (changed.price_amount, changed.currency) == (1234, "USD")

    await simulate(sandbox_url, kind="location_edited", location_id=location,
                   changes={"name": "Renamed store"})
    [edited] = await delivered(connector, "locations/update")
    assert isinstance(edited.event, LocationChanged)
    assert (edited.event.location.external_id, edited.event.location.name) == (
        location, "Renamed store")

    await simulate(sandbox_url, kind="product_deleted", product_id=variant["product_id"])
    [deleted] = await delivered(connector, "products/delete")
    assert deleted.event == ProductDeleted(variant["product_id"])

    await simulate(sandbox_url, kind="shop_redact", uri=hooks)
    [redact] = await delivered(connector, "shop/redact")
    assert isinstance(redact.event, PrivacyRequest)
    assert (redact.event.kind, redact.event.shop) == (PrivacyRequestKind.SHOP_REDACT, SHOP)


async def test_refresh_gives_a_working_token(connector, tokens):
    fresh = await connector.refresh_token(SHOP, tokens.refresh_token)
    assert fresh.access_token != tokens.access_token
    assert fresh.refresh_token != tokens.refresh_token
    assert len(await connector.list_locations(SHOP, fresh.access_token)) == 3


async def test_uninstall_is_delivered_and_ends_access(connector, tokens, sandbox_url):
    await simulate(sandbox_url, kind="app_uninstalled", client_id=CLIENT_ID)
    [uninstalled] = await delivered(connector, "app/uninstalled")
    assert uninstalled.event == AppUninstalled(shop=SHOP)
    with pytest.raises(TokenRejected):
        await connector.list_locations(SHOP, tokens.access_token)
