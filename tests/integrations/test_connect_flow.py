"""The whole connect over real HTTP against the sandbox: install link -> consent -> callback ->
encrypted tokens, subscriptions, endpoints, first sync queued; then the seed's step 3 check."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
from sqlalchemy import text
from sqlmodel import select

from closient_app.clock import utcnow
from closient_app.connectors.shopify.consts import SUBSCRIBED_TOPICS
from closient_app.models import (
    InstallLink,
    InventorySource,
    JobKind,
    JobStatus,
    PosOAuthState,
    SourceStatus,
    SyncJob,
)
from closient_app.services.crypto import decrypt_secret
from tests.integrations.live import (
    browser,
    connect,
    install_link,
    make_retailer,
    new_shop,
    row_counts,
    sandbox_shop,
)

ENDPOINT_FIELDS = {
    "id", "organization_id", "source_id", "provider", "topics", "receive_url", "forward_url",
    "is_active", "secret_last4", "created", "last_delivery_at", "deliveries_ok",
    "deliveries_failed",
}  # fmt: skip


def test_connect_from_install_link_to_provisioned_endpoints(live_api, db) -> None:
    retailer = make_retailer(db)
    shop = new_shop(live_api)

    # The agent asks for a link: it names the shop, expires in 30 minutes, carries no key.
    link = install_link(live_api, retailer, shop)
    assert link.status_code == 201, link.text
    assert set(link.json()) == {"install_url", "expires_at"}
    install_url = link.json()["install_url"]
    assert install_url.startswith(f"{live_api}/integrations/shopify/install?shop={shop}&link=")
    assert retailer.key not in install_url
    stored_link = db.exec(select(InstallLink)).one()
    assert stored_link.token_hash not in install_url  # only the hash is stored
    assert timedelta(minutes=29) < stored_link.expires_at - utcnow() <= timedelta(minutes=30)

    # The retailer's browser: install -> consent (state cookie set) -> callback.
    with browser() as client:
        to_shopify = client.get(install_url)
        authorize = urlsplit(to_shopify.headers["location"])
        assert authorize.path == f"/sandbox/shopify/{shop}/admin/oauth/authorize"
        query = dict(parse_qsl(authorize.query))
        assert query["redirect_uri"] == f"{live_api}/integrations/shopify/callback"
        assert query["scope"] == "read_products,read_inventory,read_locations"
        assert "grant_options[]" not in query  # an offline token
        assert client.cookies.get("closient_shopify_state") == query["state"]
        page = client.get(_approve(client, to_shopify.headers["location"]))

    assert page.status_code == 200, page.text
    assert "Your store is connected" in page.text and 'href="/onboarding"' in page.text
    assert shop in page.text

    source = db.exec(select(InventorySource)).one()
    assert (source.organization_id, source.provider, source.shop_domain, source.status) == (
        retailer.org.id,
        "shopify",
        shop,
        SourceStatus.CONNECTED,
    )
    assert source.granted_scopes == "read_products,read_inventory,read_locations"
    assert source.currency == "USD"  # read at connect: a product webhook may beat the first sync
    assert timedelta(minutes=55) < source.access_token_expires_at - utcnow() <= timedelta(hours=1)
    assert source.refresh_token_expires_at - utcnow() > timedelta(days=89)

    # Encrypted at rest: the raw columns hold no plaintext token.
    raw_access, raw_refresh = db.execute(
        text("SELECT access_token_encrypted, refresh_token_encrypted FROM inventory_source")
    ).one()
    access, refresh = decrypt_secret(raw_access), decrypt_secret(raw_refresh)
    assert access.startswith("shpat_") and refresh.startswith("shprt_")
    for raw in (raw_access, raw_refresh):
        assert "shpat_" not in raw and "shprt_" not in raw
        assert access not in raw and refresh not in raw

    # Subscribed at Shopify to our receiver, and the first sync is queued.
    subscriptions = sandbox_shop(live_api, shop)["subscriptions"]
    assert len(subscriptions) == len(SUBSCRIBED_TOPICS)
    assert {s["uri"] for s in subscriptions} == {f"{live_api}/integrations/shopify/webhooks"}
    job = db.exec(select(SyncJob)).one()
    assert (job.source_id, job.kind, job.status) == (
        source.id,
        JobKind.INITIAL_SYNC,
        JobStatus.QUEUED,
    )
    assert db.exec(select(PosOAuthState)).one().used_at is not None

    # Seed step 3: the endpoints are listed, with exactly the contract's fields.
    listed = httpx.get(
        f"{live_api}/integrations/api/v1/webhooks/endpoints/",
        params={"organization_id": retailer.org.id},
        headers=retailer.headers,
    )
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["count"] == 4 and body["pagination"]["total_count"] == 4
    for endpoint in body["data"]:
        assert set(endpoint) == ENDPOINT_FIELDS
        assert (endpoint["organization_id"], endpoint["source_id"], endpoint["provider"]) == (
            retailer.org.id,
            source.id,
            "shopify",
        )
        assert endpoint["receive_url"] == f"{live_api}/integrations/shopify/webhooks"
        assert (endpoint["forward_url"], endpoint["is_active"]) == (None, True)
        assert (endpoint["deliveries_ok"], endpoint["deliveries_failed"]) == (0, 0)
        assert len(endpoint["secret_last4"]) == 4
    topics = sorted(t for e in body["data"] for t in e["topics"])
    assert topics == sorted(SUBSCRIBED_TOPICS)
    assert sorted(len(e["topics"]) for e in body["data"]) == [1, 3, 3, 4]

    # The same list without the trailing slash, and with the key's own organization implied.
    for url in (
        "/integrations/api/v1/webhooks/endpoints",
        "/integrations/api/v1/webhooks/endpoints/",
    ):
        again = httpx.get(live_api + url, headers=retailer.headers)
        assert again.status_code == 200 and again.json()["count"] == 4

    sources = httpx.get(
        f"{live_api}/integrations/api/v1/sources",
        params={"organization_id": retailer.org.id},
        headers=retailer.headers,
    )
    assert sources.json()["data"] == [
        {
            "id": source.id,
            "provider": "shopify",
            "shop": shop,
            "status": "connected",
            "last_sync_at": None,
            "last_error": None,
        }
    ]


def _approve(client: httpx.Client, authorize: str) -> str:
    form = dict(parse_qsl(urlsplit(authorize).query)) | {"decision": "approve"}
    back = client.post(authorize.split("?")[0], data=form)
    assert back.status_code == 302
    return back.headers["location"]


def test_an_install_link_works_once(live_api, db) -> None:
    retailer = make_retailer(db)
    shop = new_shop(live_api)
    install_url = install_link(live_api, retailer, shop).json()["install_url"]
    with browser() as client:
        assert client.get(install_url).status_code == 302
        before = row_counts(db)
        again = client.get(install_url)
    assert again.status_code == 410
    assert "already used" in again.text and "Start again" in again.text
    assert "set-cookie" not in again.headers
    assert row_counts(db) == before
    assert len(db.exec(select(PosOAuthState)).all()) == 1


def test_an_expired_install_link_is_refused(live_api, db) -> None:
    retailer = make_retailer(db)
    shop = new_shop(live_api)
    install_url = install_link(live_api, retailer, shop).json()["install_url"]
    db.execute(text("UPDATE install_link SET expires_at = now() - interval '1 second'"))
    db.commit()
    with browser() as client:
        page = client.get(install_url)
    assert page.status_code == 410 and "expired" in page.text
    assert db.exec(select(PosOAuthState)).all() == []
    assert db.exec(select(InstallLink)).one().used_at is None


def test_an_install_link_for_another_shop_is_refused(live_api, db) -> None:
    retailer = make_retailer(db)
    shop, other = new_shop(live_api), new_shop(live_api)
    install_url = install_link(live_api, retailer, shop).json()["install_url"]
    with browser() as client:
        page = client.get(install_url.replace(shop, other))
    assert page.status_code == 400 and "does not match" in page.text
    assert db.exec(select(PosOAuthState)).all() == []


def test_install_without_a_link_or_session_explains_what_is_needed(live_api, db) -> None:
    with browser() as client:
        page = client.get(
            f"{live_api}/integrations/shopify/install", params={"shop": "acme.myshopify.com"}
        )
    assert page.status_code == 401 and "install link" in page.text
    assert db.exec(select(PosOAuthState)).all() == []


def test_reconnecting_reuses_the_source_and_its_endpoints(live_api, db) -> None:
    retailer = make_retailer(db)
    shop = new_shop(live_api)
    assert connect(live_api, retailer, shop).status_code == 200
    first = db.exec(select(InventorySource)).one()
    first_id, first_token = first.id, first.access_token_encrypted
    endpoints = httpx.get(
        f"{live_api}/integrations/api/v1/webhooks/endpoints/", headers=retailer.headers
    ).json()["data"]
    db.execute(text("UPDATE sync_job SET status = 'succeeded'"))
    db.commit()

    page = connect(live_api, retailer, shop)

    assert page.status_code == 200, page.text
    db.expire_all()
    source = db.exec(select(InventorySource)).one()
    assert source.id == first_id and source.status == SourceStatus.CONNECTED
    assert source.access_token_encrypted != first_token
    again = httpx.get(
        f"{live_api}/integrations/api/v1/webhooks/endpoints/", headers=retailer.headers
    ).json()["data"]
    assert [(e["id"], e["secret_last4"]) for e in again] == [
        (e["id"], e["secret_last4"]) for e in endpoints
    ]
    assert len(sandbox_shop(live_api, shop)["subscriptions"]) == len(SUBSCRIBED_TOPICS)
    assert [j.kind for j in db.exec(select(SyncJob).order_by(SyncJob.created)).all()] == [
        JobKind.INITIAL_SYNC,
        JobKind.INITIAL_SYNC,
    ]
