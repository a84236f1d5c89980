"""ShopifyConnector: the PosConnector for Shopify, real or sandboxed.

The only difference between real Shopify and the built-in sandbox is the shop base URL
template (`https://{shop}` versus `http://127.0.0.1:PORT/sandbox/shopify/{shop}`); every
path below it is Shopify's own. The shop is validated before it is put into any URL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

import httpx

from closient_app.clock import utcnow
from closient_app.connectors.http import HttpClientFactory, outbound_client
from closient_app.connectors.interface import (
    CatalogPage,
    ExportCheckpoint,
    PosConnector,
    PosLocation,
    PosOffer,
    TokenSet,
    WebhookDelivery,
    WebhookSubscription,
)
from closient_app.connectors.shopify import bulk, catalog, oauth, webhooks
from closient_app.connectors.shopify.consts import (
    API_VERSION,
    CALLBACK_MAX_AGE_SECONDS,
    MAX_QUERY_COST,
    REAL_SHOP_BASE_URL,
    REQUIRED_SCOPES,
)
from closient_app.connectors.shopify.domain import is_shop_domain, normalize_shop_domain
from closient_app.connectors.shopify.graphql import (
    AdminGraphQL,
    Monotonic,
    QueryTooCostly,
    Sleep,
    ThrottleBudget,
)
from closient_app.connectors.shopify.signatures import (
    shopify_header,
    verify_callback_hmac,
    verify_webhook_hmac,
)


class ShopifyConnector(PosConnector):
    provider = "shopify"

    def __init__(
        self,
        *,
        client_id: str,
        client_secrets: Sequence[str],
        shop_base_url_template: str = REAL_SHOP_BASE_URL,
        api_version: str = API_VERSION,
        http_client_factory: HttpClientFactory = outbound_client,
        clock: Callable[[], datetime] = utcnow,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        callback_max_age: float = CALLBACK_MAX_AGE_SECONDS,
    ) -> None:
        """`client_secrets`: the current secret first (it signs requests), then any previous
        one still accepted on incoming signatures during a rotation."""
        secrets = tuple(s for s in client_secrets if s)
        if not client_id or not secrets:
            raise ValueError("a Shopify connector needs a client id and a client secret")
        if "{shop}" not in shop_base_url_template:
            raise ValueError("the shop base URL template must contain {shop}")
        self.client_id, self._secrets = client_id, secrets
        self._template = shop_base_url_template.rstrip("/")
        self.api_version = api_version
        self._http, self._clock = http_client_factory, clock
        self._sleep, self._monotonic = sleep, monotonic
        self._callback_max_age = callback_max_age
        self._budgets: dict[str, ThrottleBudget] = {}  # one leaky bucket per shop

    def shop_base_url(self, shop: str) -> str:
        """`{base}` for this shop; raises InvalidShop before any URL is built from it."""
        return self._template.format(shop=normalize_shop_domain(shop))

    # --- OAuth -------------------------------------------------------------------------------

    def authorize_url(self, shop: str, state: str, redirect_uri: str) -> str:
        return oauth.authorize_url(
            self.shop_base_url(shop),
            client_id=self.client_id,
            scopes=REQUIRED_SCOPES,
            redirect_uri=redirect_uri,
            state=state,
        )

    async def exchange_code(self, shop: str, code: str) -> TokenSet:
        # `expiring: 1` asks for an expiring offline token with a refresh token.
        return await self._request_token(shop, {"code": code, "expiring": 1})

    async def refresh_token(self, shop: str, refresh_token: str) -> TokenSet:
        return await self._request_token(shop, {"refresh_token": refresh_token})

    async def _request_token(self, shop: str, grant: Mapping[str, object]) -> TokenSet:
        return await oauth.request_token(
            self._http,
            base_url=self.shop_base_url(shop),
            client_id=self.client_id,
            client_secret=self._secrets[0],
            grant=grant,
            now=self._clock,
            required_scopes=REQUIRED_SCOPES,
        )

    def verify_callback(self, params: Mapping[str, str], now: datetime) -> bool:
        if not is_shop_domain(params.get("shop", "")):
            return False
        return verify_callback_hmac(params, self._secrets, now, self._callback_max_age)

    # --- Admin API ---------------------------------------------------------------------------

    @asynccontextmanager
    async def _admin(
        self, shop: str, token: str
    ) -> AsyncIterator[tuple[AdminGraphQL, httpx.AsyncClient]]:
        base = self.shop_base_url(shop)
        async with self._http() as client:
            yield (
                AdminGraphQL(
                    client=client,
                    endpoint=f"{base}/admin/api/{self.api_version}/graphql.json",
                    access_token=token,
                    budget=self._budgets.setdefault(normalize_shop_domain(shop), ThrottleBudget()),
                    sleep=self._sleep,
                    monotonic=self._monotonic,
                ),
                client,
            )

    async def list_locations(self, shop: str, token: str) -> list[PosLocation]:
        async with self._admin(shop, token) as (gql, _):
            return await catalog.fetch_locations(gql)

    async def shop_currency(self, shop: str, token: str) -> str:
        async with self._admin(shop, token) as (gql, _):
            return await catalog.fetch_shop_currency(gql)

    async def catalog_size(self, shop: str, token: str) -> int:
        async with self._admin(shop, token) as (gql, _):
            return await catalog.fetch_catalog_size(gql)

    async def catalog_pages(
        self, shop: str, token: str, cursor: str | None = None
    ) -> AsyncIterator[CatalogPage]:
        async with self._admin(shop, token) as (gql, _):
            currency = await catalog.fetch_shop_currency(gql)
            location_count = len(await catalog.fetch_locations(gql))
            shape = catalog.page_shape(location_count, gql.affordable_cost(MAX_QUERY_COST))
            while True:
                try:
                    page = await catalog.fetch_catalog_page(
                        gql, shape=shape, cursor=cursor, currency=currency
                    )
                except QueryTooCostly:
                    if shape.first == 1:
                        raise
                    shape = shape.halved()  # Shopify counted more than our formula: ask less
                    continue
                yield page
                if page.next_cursor is None:
                    return
                cursor = page.next_cursor

    async def bulk_catalog(
        self, shop: str, token: str, export: ExportCheckpoint | None = None
    ) -> AsyncIterator[PosOffer]:
        async with self._admin(shop, token) as (gql, client):
            currency = await catalog.fetch_shop_currency(gql)
            previous = export.export_id if export is not None else None
            operation_id = await bulk.attach_or_start_export(gql, previous)
            if export is not None:
                await export.use_export(operation_id)
            url = await bulk.wait_for_export(
                gql, operation_id, sleep=self._sleep, monotonic=self._monotonic
            )
            if url is None:  # Shopify gives no file when the export matched nothing
                return
            bulk.check_download_url(url, self.shop_base_url(shop))
            lines = [line async for line in bulk.read_export_lines(client, url)]
        for offer in bulk.assemble_offers(lines, currency):
            yield offer

    # --- webhooks ----------------------------------------------------------------------------

    async def subscribe_webhooks(
        self, shop: str, token: str, receive_url: str
    ) -> list[WebhookSubscription]:
        async with self._admin(shop, token) as (gql, _):
            return await webhooks.subscribe(gql, receive_url)

    async def unsubscribe_webhooks(
        self, shop: str, token: str, subscription_ids: Sequence[str]
    ) -> None:
        async with self._admin(shop, token) as (gql, _):
            await webhooks.unsubscribe(gql, subscription_ids)

    def verify_webhook(
        self, headers: Mapping[str, str], raw_body: bytes, receive_url: str | None = None
    ) -> bool:
        # Shopify signs the body alone; receive_url matters to other POSes only.
        header = shopify_header(headers, "Hmac-Sha256")
        return verify_webhook_hmac(raw_body, header, self._secrets)

    def parse_webhook(
        self, headers: Mapping[str, str], raw_body: bytes, *, currency: str | None = None
    ) -> WebhookDelivery:
        return webhooks.parse_delivery(headers, raw_body, currency=currency)
