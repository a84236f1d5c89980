"""POST /integrations/shopify/webhooks: verify the raw bytes first, record once, wake the worker.

Real deliveries come from the sandbox after a real connect; forged and duplicate ones are
posted by the test with exact bytes and headers."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from closient_app.config import get_settings
from closient_app.models import InventorySource, ReceiptStatus, WebhookReceipt
from tests.integrations.conftest import make_source
from tests.integrations.live import (
    connect,
    make_retailer,
    new_shop,
    row_counts,
    sandbox_shop,
    sign_webhook,
    simulate,
)

INVENTORY = {"inventory_item_id": 271878346596884015, "location_id": 24826418,
             "available": 6, "updated_at": "2026-11-20T10:00:00-05:00"}  # fmt: skip


def delivery(
    shop: str,
    topic: str = "inventory_levels/update",
    *,
    payload=None,
    secret: str | None = None,
    style: str = "X-Shopify-",
    webhook_id: str | None = None,
):
    """Exact bytes and headers of one delivery (signed with the app secret unless told)."""
    body = json.dumps(payload if payload is not None else INVENTORY).encode()
    headers = {
        "Content-Type": "application/json",
        f"{style}Topic": topic,
        f"{style}Hmac-Sha256": sign_webhook(body, secret),
        f"{style}Shop-Domain": shop,
        f"{style}Webhook-Id": webhook_id or str(uuid.uuid4()),
        f"{style}Triggered-At": "2026-11-20T15:00:00.000Z",
        f"{style}API-Version": "2026-07",
    }
    return body, headers


def post(base: str, body: bytes, headers: dict) -> httpx.Response:
    return httpx.post(f"{base}/integrations/shopify/webhooks", content=body, headers=headers)


def receipts(db) -> list[WebhookReceipt]:
    db.expire_all()
    return db.exec(select(WebhookReceipt).order_by(WebhookReceipt.received_at)).all()


@pytest.fixture
def known_shop(db) -> str:
    """A shop with a source row (no real connect needed when the test posts the bytes)."""
    make_source(db, make_retailer(db).org, shop="known-shop.myshopify.com")
    return "known-shop.myshopify.com"


@pytest.fixture
def connected(live_api, db):
    retailer = make_retailer(db)
    shop = new_shop(live_api)
    assert connect(live_api, retailer, shop).status_code == 200
    return shop, db.exec(select(InventorySource)).one()


@pytest.mark.parametrize(
    "forge",
    [
        lambda b, h: (b, h | {"X-Shopify-Hmac-Sha256": sign_webhook(b, "wrong-secret")}),
        lambda b, h: (b + b" ", h),  # one byte more than was signed
        lambda b, h: (b, {k: v for k, v in h.items() if "Hmac" not in k}),
        lambda b, h: (b, h | {"X-Shopify-Hmac-Sha256": "not base64!"}),
        lambda b, h: (b.replace(b"6", b"9"), h),
    ],
    ids=["wrong secret", "extra byte", "no hmac", "garbage hmac", "edited body"],
)
def test_a_forged_delivery_gets_401_and_changes_nothing(live_api, db, known_shop, forge) -> None:
    shop = known_shop
    before = row_counts(db)
    answer = post(live_api, *forge(*delivery(shop)))
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "UNAUTHORIZED"
    assert row_counts(db) == before


def test_sandbox_deliveries_are_recorded_queued_with_their_source(live_api, db, connected):
    shop, source = connected
    sale = simulate(live_api, shop, kind="sale", quantity=1)
    [receipt] = receipts(db)
    assert (receipt.provider, receipt.webhook_id, receipt.topic, receipt.shop_domain) == (
        "shopify",
        sale["deliveries"][0]["webhook_id"],
        "inventory_levels/update",
        shop,
    )
    assert (receipt.source_id, receipt.status) == (source.id, ReceiptStatus.QUEUED)
    assert receipt.payload == sale["payload"] and receipt.triggered_at is not None


def test_the_newer_unprefixed_header_spelling_is_read(live_api, db, known_shop) -> None:
    shop = known_shop
    answer = post(live_api, *delivery(shop, style="shopify-"))
    assert answer.status_code == 200
    assert [r.topic for r in receipts(db)] == ["inventory_levels/update"]


def test_a_duplicate_delivery_is_recorded_once(live_api, db, known_shop) -> None:
    shop = known_shop
    body, headers = delivery(shop)
    assert [post(live_api, body, headers).status_code for _ in range(3)] == [200, 200, 200]
    # Concurrent duplicates too: the unique constraint decides, not a check-then-insert.
    with ThreadPoolExecutor(8) as pool:
        again = list(
            pool.map(lambda _: post(live_api, *delivery(shop, webhook_id="same-id")), range(8))
        )
    assert {a.status_code for a in again} == {200}
    assert sorted(r.webhook_id for r in receipts(db)) == sorted(
        ["same-id", headers["X-Shopify-Webhook-Id"]]
    )


def test_a_recorded_delivery_wakes_the_worker_and_a_duplicate_does_not(live_api, known_shop):
    shop = known_shop
    url = make_url(get_settings().effective_database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("LISTEN closient_receipts")
        body, headers = delivery(shop)
        assert post(live_api, body, headers).status_code == 200
        assert post(live_api, body, headers).status_code == 200
        heard = [note.payload for note in conn.notifies(timeout=1.5)]
    assert len(heard) == 1 and len(heard[0]) == 22  # the receipt's id, once


def test_unknown_topics_get_200_and_are_not_recorded(live_api, db, known_shop) -> None:
    shop = known_shop
    answer = post(live_api, *delivery(shop, topic="orders/create", payload={"id": 1}))
    assert answer.status_code == 200 and receipts(db) == []


def test_an_unreadable_signed_body_is_kept_as_failed_not_queued(live_api, db, known_shop):
    shop = known_shop
    body = b"[1, 2"
    _, headers = delivery(shop)
    headers["X-Shopify-Hmac-Sha256"] = sign_webhook(body)
    assert post(live_api, body, headers).status_code == 200
    [receipt] = receipts(db)
    assert (receipt.status, receipt.payload) == (ReceiptStatus.FAILED, {})


@pytest.mark.parametrize("topic", ["customers/data_request", "customers/redact", "shop/redact"])
def test_privacy_topics_401_on_a_bad_hmac_and_200_on_a_good_one(live_api, db, topic) -> None:
    shop = "privacy-shop.myshopify.com"
    payload = {"shop_id": 954889, "shop_domain": shop, "customer": {"id": 191167}}
    forged = post(live_api, *delivery(shop, topic, payload=payload, secret="forged"))
    assert forged.status_code == 401 and receipts(db) == []
    genuine = post(live_api, *delivery(shop, topic, payload=payload))
    assert genuine.status_code == 200
    assert [(r.topic, r.source_id, r.status) for r in receipts(db)] == [
        (topic, None, ReceiptStatus.QUEUED)
    ]


def test_privacy_deliveries_from_the_sandbox_are_accepted(live_api, db, connected) -> None:
    shop, _ = connected
    uri = f"{live_api}/integrations/shopify/webhooks"
    for kind in ("customers_data_request", "customers_redact", "shop_redact"):
        simulate(live_api, shop, kind=kind, uri=uri)
    deliveries = httpx.get(
        f"{live_api}/sandbox/shopify/_admin/deliveries", params={"shop": shop}
    ).json()["deliveries"]
    assert {d["attempts"][0]["status_code"] for d in deliveries} == {200}
    assert sorted(r.topic for r in receipts(db)) == [
        "customers/data_request",
        "customers/redact",
        "shop/redact",
    ]
    assert sandbox_shop(live_api, shop)["shop"] == shop
