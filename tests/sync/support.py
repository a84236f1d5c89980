"""Shared by the sync tests: sandbox shops over HTTP, connected sources, expected offers.

A source is connected the way a retailer's browser does it (consent page, approve, code
exchange) and stored as the OAuth callback stores it: tokens encrypted, status connected.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from itertools import count
from urllib.parse import parse_qsl, urlsplit

import httpx
from sqlalchemy import text
from sqlmodel import Session

from closient_app.clock import utcnow
from closient_app.config import get_settings
from closient_app.connectors.money import to_minor_units
from closient_app.connectors.registry import live_connector
from closient_app.gtin import is_valid_gtin, normalize_gtin
from closient_app.jobs.queue import enqueue_sync
from closient_app.models import (
    InventorySource,
    JobKind,
    Organization,
    SourceStatus,
    SyncJob,
)
from closient_app.services.crypto import encrypt_secret
from closient_app.services.stock_status import stock_status

ADMIN = "/sandbox/shopify/_admin"
_shops = count(1)


def new_shop(
    base: str,
    *,
    products: int | None = None,
    variants: int | None = None,
    locations: int = 3,
    variants_per_product: int = 3,
) -> str:
    shop = f"sync-{next(_shops)}-{uuid.uuid4().hex[:8]}.myshopify.com"  # the sandbox is shared
    size = {"variants": variants} if variants is not None else {"products": products}
    body = {
        "shop": shop,
        **size,
        "locations": locations,
        "variants_per_product": variants_per_product,
    }
    answer = httpx.post(base + ADMIN + "/shops", json=body, timeout=60)
    assert answer.status_code == 201, answer.text
    return shop


def sandbox_catalog(base: str, shop: str) -> dict:
    answer = httpx.get(f"{base}{ADMIN}/shops/{shop}", params={"catalog": "1"}, timeout=60)
    return answer.json()


def sandbox_exports(base: str, shop: str) -> list[dict]:
    """The bulk exports run on the shop, oldest first (id, client_id, status, times)."""
    answer = httpx.get(f"{base}{ADMIN}/shops/{shop}", timeout=60)
    return answer.json()["bulk_operations"]


def sandbox_settings(base: str, **changes: object) -> dict:
    answer = httpx.put(base + ADMIN + "/settings", json=changes)
    assert answer.status_code == 200, answer.text
    return answer.json()


def simulate(base: str, shop: str, **activity: object) -> dict:
    answer = httpx.post(f"{base}{ADMIN}/shops/{shop}/activity", json=activity)
    assert answer.status_code == 200, answer.text
    return answer.json()


def deliveries_done(base: str) -> None:
    """Wait until the sandbox has made every webhook delivery (and duplicate) it queued."""
    assert httpx.post(base + ADMIN + "/idle", params={"timeout": "30"}, timeout=40).is_success


async def approve_install(shop: str) -> object:
    """Consent and code exchange against the sandbox: the merchant says yes."""
    connector = live_connector("shopify")
    redirect = get_settings().base_url + "/integrations/shopify/callback"
    authorize = connector.authorize_url(shop, "sync-test-state", redirect)
    async with httpx.AsyncClient(follow_redirects=False, timeout=30) as browser:
        assert (await browser.get(authorize)).status_code == 200
        form = dict(parse_qsl(urlsplit(authorize).query)) | {"decision": "approve"}
        decision = await browser.post(authorize.split("?")[0], data=form)
    assert decision.status_code == 302, decision.text
    params = dict(parse_qsl(urlsplit(decision.headers["location"]).query))
    return await connector.exchange_code(shop, params["code"])


async def subscribe(shop: str, token: str) -> None:
    """Deliveries to the app's receiver, as the OAuth callback subscribes them."""
    receiver = get_settings().base_url + "/integrations/shopify/webhooks"
    await live_connector("shopify").subscribe_webhooks(shop, token, receiver)


def connect_source(
    db: Session, org: Organization, shop: str, *, webhooks: bool = False
) -> InventorySource:
    tokens = asyncio.run(approve_install(shop))
    if webhooks:
        asyncio.run(subscribe(shop, tokens.access_token))
    source = InventorySource(
        organization_id=org.id,
        provider="shopify",
        shop_domain=shop,
        status=SourceStatus.CONNECTED,
        access_token_encrypted=encrypt_secret(tokens.access_token),
        refresh_token_encrypted=encrypt_secret(tokens.refresh_token),
        access_token_expires_at=tokens.expires_at,
        refresh_token_expires_at=tokens.refresh_expires_at,
        granted_scopes=",".join(tokens.scope),
        connected_at=utcnow(),
    )
    db.add(source)
    db.commit()
    return source


def queue_sync(db: Session, source: InventorySource, kind=JobKind.INITIAL_SYNC) -> SyncJob:
    job = enqueue_sync(session=db, source=source, kind=kind)
    db.commit()
    return job


def expected_offers(catalog: dict, *, low_below: int = 3) -> dict[tuple[str, str], tuple]:
    """(variant, POS location) -> (sku, price, quantity, status, gtin) for every variant a
    store sells: active products at active locations."""
    stores = [loc["id"] for loc in catalog["locations"] if loc["is_active"]]
    expected = {}
    for variant in catalog["variants"]:
        if variant["status"] != "ACTIVE":
            continue
        barcode = variant["barcode"] or ""
        gtin = normalize_gtin(barcode) if is_valid_gtin(barcode) else None
        for store in stores:
            quantity = variant["available"][store] if variant["tracked"] else None
            expected[(variant["variant_id"], store)] = (
                variant["sku"] or "",
                to_minor_units(variant["price"], "USD"),
                quantity,
                stock_status(quantity, tracked=variant["tracked"], low_below=low_below).value,
                gtin,
            )
    return expected


def stored_offers(db: Session, source_id: str) -> dict[tuple[str, str], tuple]:
    rows = db.execute(
        text(
            """
            SELECT o.external_variant_id, l.external_id, o.sku, o.price_amount,
                   o.quantity_on_hand, o.status, p.gtin
            FROM in_store_offer o
            JOIN location l ON l.id = o.location_id JOIN product p ON p.id = o.product_id
            WHERE o.source_id = :source
            """
        ),
        {"source": source_id},
    ).all()
    stored = {(r[0], r[1]): tuple(r[2:]) for r in rows}
    assert len(stored) == len(rows), "two offers for one variant at one store"
    return stored


def wait_until(predicate: Callable[[], object], *, timeout: float = 120.0, what: str = "") -> None:
    """Poll a condition (no timing is asserted; the timeout only stops a hung test)."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or predicate}")
        time.sleep(0.05)
