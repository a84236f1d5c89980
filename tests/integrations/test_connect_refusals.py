"""Every way a connect must fail: each is refused with a page naming the reason, and writes
nothing (no source, endpoint, job or receipt; no state used up)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import select

from closient_app.connectors.interface import PosUnavailable
from closient_app.connectors.shopify import ShopifyConnector
from closient_app.models import InstallLink, InventorySource, PosOAuthState, Role, SourceStatus
from closient_app.services.connect import ConnectFailure, ConnectRefused
from closient_app.services.connect_callback import _shop_currency, complete_connect
from tests.integrations.live import (
    browser,
    connect,
    consent,
    install_link,
    make_retailer,
    new_shop,
    resigned,
    row_counts,
    sandbox_shop,
    with_params,
)

REFUSED_SHOPS = [
    "evil.com",
    "shop.myshopify.com.evil.com",
    "shop.myshopify.com@evil.com",
    "http://shop.myshopify.com",
    "shop.myshopify.com:444",
    "",
    "a" * 300,
    "sh\u043ep.myshopify.com",  # Cyrillic o
    "shop\uff0emyshopify.com",  # fullwidth full stop
    "xn--shop.myshopify.com/../admin",
    "-shop.myshopify.com",
]
NOTHING_WRITTEN = {
    "inventory_source": 0, "webhook_endpoint": 0, "sync_job": 0, "webhook_receipt": 0,
    "used_states": 0,
}  # fmt: skip


@pytest.fixture
def trip(live_api, db):
    """A consent approved at the sandbox, stopped just before the callback: (browser, URL)."""
    retailer = make_retailer(db)
    shop = new_shop(live_api)
    client = browser()
    callback = consent(client, install_link(live_api, retailer, shop).json()["install_url"])
    yield client, callback, retailer, shop
    client.close()


def refused(page: httpx.Response, status: int, words: str) -> None:
    assert page.status_code == status, page.text
    assert words in page.text and "Not connected" in page.text and "Start again" in page.text
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"code": "0907a61c0c8d55e99db179b68161bc00"}, 400, "not signed by Shopify"),
        ({"timestamp": "1337178173"}, 400, "not signed by Shopify"),
        ({"host": "ZXZpbC5jb20"}, 400, "not signed by Shopify"),
        ({"hmac": "0" * 64}, 400, "not signed by Shopify"),
    ],
)
def test_a_tampered_parameter_is_refused(trip, db, change, status, words) -> None:
    client, callback, _, _ = trip
    refused(client.get(with_params(callback, **change)), status, words)
    assert row_counts(db) == NOTHING_WRITTEN
    # The genuine callback still works afterwards: the forgery used nothing up.
    assert client.get(callback).status_code == 200


def test_a_callback_signed_with_another_secret_is_refused(trip, db) -> None:
    client, callback, _, _ = trip
    refused(client.get(resigned(callback, secret="not-the-app-secret")), 400, "not signed")
    assert row_counts(db) == NOTHING_WRITTEN


def test_a_stale_timestamp_is_refused(trip, db) -> None:
    client, callback, _, _ = trip
    an_hour_ago = str(int(datetime.now(UTC).timestamp()) - 3600)
    refused(client.get(resigned(callback, timestamp=an_hour_ago)), 400, "too old to trust")
    assert row_counts(db) == NOTHING_WRITTEN


def test_a_replayed_state_is_refused(trip, db) -> None:
    client, callback, _, _ = trip
    nonce = client.cookies.get("closient_shopify_state")
    assert client.get(callback).status_code == 200
    # Success clears the state cookie; a replay that brings it back is still refused.
    client.cookies.set("closient_shopify_state", nonce, path="/integrations/shopify/callback")
    before = row_counts(db)
    updated = db.exec(select(InventorySource.updated)).one()

    refused(client.get(callback), 400, "already handled")

    assert row_counts(db) == before
    db.expire_all()
    assert db.exec(select(InventorySource.updated)).one() == updated


def test_an_expired_state_is_refused(trip, db) -> None:
    client, callback, _, _ = trip
    db.execute(text("UPDATE pos_oauth_state SET expires_at = now() - interval '1 second'"))
    db.commit()
    refused(client.get(callback), 400, "within 10 minutes")
    assert row_counts(db) == NOTHING_WRITTEN


def test_a_state_from_another_organization_is_refused(live_api, db, trip) -> None:
    """Browser A brings back the approval that organization B's browser started."""
    client_a, _, _, _ = trip
    other = make_retailer(db, name="Other Store")
    shop_b = new_shop(live_api)
    with browser() as client_b:
        callback_b = consent(client_b, install_link(live_api, other, shop_b).json()["install_url"])
        refused(client_a.get(callback_b), 403, "another connection attempt")
        assert row_counts(db) == NOTHING_WRITTEN
        assert client_b.get(callback_b).status_code == 200  # B's own browser still can
    assert db.exec(select(InventorySource.organization_id)).all() == [other.org.id]


def test_a_callback_without_the_state_cookie_is_refused(trip, db) -> None:
    _, callback, _, _ = trip
    with browser() as stranger:
        refused(stranger.get(callback), 403, "another connection attempt")
    assert row_counts(db) == NOTHING_WRITTEN


def test_a_shop_other_than_the_linked_one_is_refused(live_api, trip, db) -> None:
    client, callback, _, _ = trip
    other = new_shop(live_api)
    refused(client.get(resigned(callback, shop=other)), 400, "different shop")
    assert row_counts(db) == NOTHING_WRITTEN


@pytest.mark.parametrize("shop", REFUSED_SHOPS)
def test_refused_shop_values_at_the_callback(trip, db, shop) -> None:
    client, callback, _, _ = trip
    refused(client.get(resigned(callback, shop=shop)), 400, "not a Shopify shop address")
    assert row_counts(db) == NOTHING_WRITTEN


@pytest.mark.parametrize("shop", REFUSED_SHOPS)
def test_refused_shop_values_for_install_links_and_install(live_api, db, shop) -> None:
    retailer = make_retailer(db)
    answer = install_link(live_api, retailer, shop)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["details"][0]["field"] == "shop"
    with browser() as client:
        page = client.get(
            f"{live_api}/integrations/shopify/install", params={"shop": shop, "link": "whatever"}
        )
    refused(page, 400, "not a Shopify shop address")
    assert db.exec(select(InstallLink)).all() == [] and db.exec(select(PosOAuthState)).all() == []


def test_a_declined_consent_says_so_and_connects_nothing(live_api, db) -> None:
    retailer = make_retailer(db)
    shop = new_shop(live_api)
    with browser() as client:
        url = install_link(live_api, retailer, shop).json()["install_url"]
        callback = consent(client, url, decision="decline")
        assert "error=access_denied" in callback
        page = client.get(callback)
    refused(page, 200, "You declined the connection")
    assert row_counts(db) == NOTHING_WRITTEN
    assert sandbox_shop(live_api, shop)["subscriptions"] == []


def test_a_shop_connected_to_another_organization_is_refused(live_api, db) -> None:
    first, second = make_retailer(db), make_retailer(db, name="Rival")
    shop = new_shop(live_api)
    early_link = install_link(live_api, second, shop).json()["install_url"]  # before the connect
    assert connect(live_api, first, shop).status_code == 200
    before = row_counts(db)

    late = install_link(live_api, second, shop)
    with browser() as client:
        page = client.get(consent(client, early_link))

    assert late.status_code == 409
    assert (
        late.json()["error"]["message"]
        == "This shop is connected to another Closient organization."
    )
    refused(page, 409, "connected to another organization")
    assert row_counts(db) == before
    source = db.exec(select(InventorySource)).one()
    assert (source.organization_id, source.status) == (first.org.id, SourceStatus.CONNECTED)


def test_a_shopify_error_during_the_exchange_names_it(live_api, trip, db) -> None:
    client, callback, _, _ = trip
    page = client.get(resigned(callback, code="not-a-code-shopify-issued"))
    refused(page, 502, "Shopify refused or failed")
    counts = row_counts(db)
    assert (counts["inventory_source"], counts["webhook_endpoint"]) == (0, 0)


def test_missing_permissions_are_named(live_api, db) -> None:
    retailer = make_retailer(db)
    shop = new_shop(live_api)
    settings = f"{live_api}/sandbox/shopify/_admin/settings"
    httpx.put(settings, json={"granted_scope_override": "read_products"})
    try:
        page = connect(live_api, retailer, shop)
    finally:
        httpx.put(settings, json={"granted_scope_override": None})
    refused(page, 400, "Some permissions were not granted")
    assert "read_inventory, read_locations" in page.text
    assert db.exec(select(InventorySource)).all() == []


def test_install_links_need_write_scope_and_an_owner_or_manager(live_api, db) -> None:
    shop = new_shop(live_api)
    viewer = make_retailer(db, role=Role.VIEWER)
    stranger = make_retailer(db, name="Stranger")
    as_viewer = install_link(live_api, viewer, shop)
    other_org = httpx.post(
        f"{live_api}/integrations/api/v1/shopify/install-links",
        json={"organization_id": viewer.org.id, "shop": shop},
        headers=stranger.headers,
    )
    anonymous = httpx.post(
        f"{live_api}/integrations/api/v1/shopify/install-links",
        json={"organization_id": viewer.org.id, "shop": shop},
    )
    assert (as_viewer.status_code, other_org.status_code, anonymous.status_code) == (403, 404, 401)
    assert db.exec(select(InstallLink)).all() == []


# --- the callback's HMAC check against shopify.md's vectors, with an injected clock ------------

VECTOR = {
    "code": "0907a61c0c8d55e99db179b68161bc00",
    "shop": "some-shop.myshopify.com",
    "state": "0.6784241404160823",
    "timestamp": "1337178173",
    "hmac": "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf",
}
SIGNED_AT = datetime.fromtimestamp(1337178173, UTC)
HUSH = ShopifyConnector(client_id="vector-app", client_secrets=["hush"])


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("params", "now", "failure"),
    [
        # Signature and freshness pass; the next check (this browser's state cookie) refuses.
        (VECTOR, SIGNED_AT + timedelta(seconds=30), ConnectFailure.OTHER_BROWSER),
        (VECTOR, SIGNED_AT + timedelta(hours=1), ConnectFailure.STALE_CALLBACK),
        ({**VECTOR, "state": "0.1"}, SIGNED_AT, ConnectFailure.BAD_SIGNATURE),
    ],
)
async def test_callback_signature_vectors(params, now, failure) -> None:
    with pytest.raises(ConnectRefused) as stopped:
        await complete_connect(params=params, browser_nonce=None, connector=HUSH, now=now)
    assert stopped.value.failure is failure


def test_the_vectors_themselves() -> None:
    second = {
        "code": "a94a110d86d2452eb3e2af4cfb8a3828",
        "shop": "some-shop.myshopify.com",
        "timestamp": "1337178173",
        "hmac": "2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2",
    }
    assert HUSH.verify_callback(VECTOR, SIGNED_AT) is True
    assert HUSH.verify_callback(second, SIGNED_AT) is True
    assert HUSH.verify_callback({**second, "timestamp": "133717817"}, SIGNED_AT) is False
    assert HUSH.verify_callback(VECTOR, SIGNED_AT + timedelta(days=1)) is False


class _CurrencyDown:
    """Answers everything but the shop's currency (a POS hiccup right after the consent)."""

    async def shop_currency(self, shop: str, token: str) -> str:
        raise PosUnavailable("502 from the POS")


@pytest.mark.anyio
async def test_an_unreadable_currency_does_not_fail_the_connect() -> None:
    assert await _shop_currency(_CurrencyDown(), "acme.myshopify.com", "shpat_x") is None
