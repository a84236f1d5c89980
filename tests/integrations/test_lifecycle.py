"""The end of a connection: uninstall (from a real sandbox delivery), shop erasure, the privacy
requests, and disconnect/reconnect through the API."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import select

from closient_app.clock import utcnow
from closient_app.connectors.shopify.consts import SUBSCRIBED_TOPICS
from closient_app.models import (
    ForwardDelivery,
    InStoreOffer,
    InventorySource,
    JobStatus,
    Location,
    OfferSource,
    Product,
    ReceiptStatus,
    Role,
    SourceStatus,
    SyncJob,
    WebhookEndpoint,
    WebhookReceipt,
)
from closient_app.services.source_lifecycle import (
    DISCONNECTED_BY_RETAILER,
    UNINSTALLED,
    apply_lifecycle_receipt,
)
from tests.factories import make_location, make_offer, make_product
from tests.integrations.live import connect, make_retailer, new_shop, sandbox_shop, simulate


@pytest.fixture
def shelf(live_api, db):
    """A connected shop with synced stock: a POS-only product and a GTIN one, in a published
    store and a draft one."""
    retailer = make_retailer(db)
    shop = new_shop(live_api)
    assert connect(live_api, retailer, shop).status_code == 200
    source = db.exec(select(InventorySource)).one()
    published = make_location(db, retailer.org, name="Main St")
    draft = make_location(db, retailer.org, name="Warehouse", published=False)
    private = Product(
        name="House blend",
        organization_id=retailer.org.id,
        pos_provider="shopify",
        pos_product_ref="gid://shopify/Product/1",
    )
    db.add(private)
    shared = make_product(db, gtin="00012345678905")
    for location, product, sku in ((published, private, "A"), (draft, shared, "B")):
        offer = make_offer(
            db,
            org=retailer.org,
            product=product,
            location=location,
            sku=sku,
            source=OfferSource.POS_SYNC,
            last_inventory_sync=utcnow(),
        )
        offer.source_id = source.id
        db.add(offer)
    for number, location in enumerate((published, draft), start=1):
        location.source_id, location.external_id = source.id, f"gid://shopify/Location/{number}"
        db.add(location)
    db.commit()
    return retailer, shop, source


def the_receipt(db, topic: str) -> WebhookReceipt:
    db.expire_all()
    return db.exec(select(WebhookReceipt).where(WebhookReceipt.topic == topic)).one()


def test_an_uninstall_disconnects_the_source_and_deletes_its_tokens(live_api, db, shelf):
    retailer, shop, source = shelf
    endpoint = db.exec(select(WebhookEndpoint)).first()
    endpoint.forward_url = "https://retailer.example/hooks"
    db.add(endpoint)
    db.commit()

    simulate(live_api, shop, kind="app_uninstalled")
    receipt = the_receipt(db, "app/uninstalled")
    assert (receipt.source_id, receipt.status) == (source.id, ReceiptStatus.QUEUED)
    assert apply_lifecycle_receipt(session=db, receipt=receipt) is ReceiptStatus.APPLIED
    db.commit()

    db.expire_all()
    source = db.get(InventorySource, source.id)
    assert (source.status, source.last_error) == (SourceStatus.DISCONNECTED, UNINSTALLED)
    assert (source.access_token_encrypted, source.refresh_token_encrypted) == (None, None)
    offers = db.exec(select(InStoreOffer)).all()
    assert len(offers) == 2 and {o.last_inventory_sync for o in offers} == {None}  # kept, stale
    assert {tuple(e.pos_subscription_ids) for e in db.exec(select(WebhookEndpoint))} == {()}
    [forward] = db.exec(select(ForwardDelivery)).all()
    assert (forward.endpoint_id, forward.event_type) == (endpoint.id, "source.disconnected")
    assert forward.payload == {"source_id": source.id, "shop": shop, "reason": UNINSTALLED}
    # The same delivery again (a duplicate that slipped past the id): nothing more happens.
    assert apply_lifecycle_receipt(session=db, receipt=receipt) is ReceiptStatus.IGNORED


def test_an_uninstall_older_than_the_current_connection_is_ignored(live_api, db, shelf):
    _, shop, source = shelf
    receipt = WebhookReceipt(
        provider="shopify",
        webhook_id="late",
        shop_domain=shop,
        source_id=source.id,
        topic="app/uninstalled",
        triggered_at=source.connected_at - timedelta(minutes=5),
        payload={"myshopify_domain": shop},
    )
    db.add(receipt)
    db.commit()
    assert apply_lifecycle_receipt(session=db, receipt=receipt) is ReceiptStatus.IGNORED
    db.commit()
    db.expire_all()
    assert db.get(InventorySource, source.id).status == SourceStatus.CONNECTED


def test_shop_redact_erases_the_shops_data(live_api, db, shelf):
    retailer, shop, source = shelf
    uri = f"{live_api}/integrations/shopify/webhooks"
    simulate(live_api, shop, kind="sale")
    simulate(live_api, shop, kind="app_uninstalled")
    apply_lifecycle_receipt(session=db, receipt=the_receipt(db, "app/uninstalled"))
    db.commit()
    simulate(live_api, shop, kind="customers_redact", uri=uri)
    simulate(live_api, shop, kind="shop_redact", uri=uri)

    receipt = the_receipt(db, "shop/redact")
    assert apply_lifecycle_receipt(session=db, receipt=receipt) is ReceiptStatus.APPLIED
    db.commit()

    db.expire_all()
    assert db.exec(select(InventorySource)).all() == []
    assert db.exec(select(WebhookEndpoint)).all() == [] and db.exec(select(SyncJob)).all() == []
    assert db.exec(select(InStoreOffer)).all() == []
    assert [p.gtin for p in db.exec(select(Product))] == ["00012345678905"]  # shared stays
    [store] = db.exec(select(Location)).all()  # the published page stays, detached
    assert (store.name, store.source_id, store.external_id) == ("Main St", None, None)
    assert sorted(r.topic for r in db.exec(select(WebhookReceipt))) == [
        "customers/redact",
        "shop/redact",
    ]  # the record of what we were asked
    assert db.execute(text("SELECT count(*) FROM install_link")).scalar_one() == 0
    assert db.execute(text("SELECT count(*) FROM pos_oauth_state")).scalar_one() == 0


@pytest.mark.parametrize("kind", ["customers_data_request", "customers_redact"])
def test_customer_privacy_requests_are_recorded_and_answered(live_api, db, shelf, kind):
    _, shop, source = shelf
    simulate(live_api, shop, kind=kind, uri=f"{live_api}/integrations/shopify/webhooks")
    receipt = the_receipt(db, kind.replace("_", "/", 1))
    assert apply_lifecycle_receipt(session=db, receipt=receipt) is ReceiptStatus.APPLIED
    db.commit()
    db.expire_all()
    assert db.get(InventorySource, source.id).status == SourceStatus.CONNECTED
    assert len(db.exec(select(InStoreOffer)).all()) == 2


def test_disconnect_unsubscribes_removes_tokens_and_keeps_offers_stale(live_api, db, shelf):
    retailer, shop, source = shelf
    url = f"{live_api}/integrations/api/v1/sources/{source.id}"
    assert len(sandbox_shop(live_api, shop)["subscriptions"]) == len(SUBSCRIBED_TOPICS)

    answer = httpx.delete(url, headers=retailer.headers)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "id": source.id,
        "provider": "shopify",
        "shop": shop,
        "status": "disconnected",
        "last_sync_at": None,
        "last_error": DISCONNECTED_BY_RETAILER,
    }
    assert sandbox_shop(live_api, shop)["subscriptions"] == []
    db.expire_all()
    stored = db.get(InventorySource, source.id)
    assert (stored.access_token_encrypted, stored.refresh_token_encrypted) == (None, None)
    assert {o.last_inventory_sync for o in db.exec(select(InStoreOffer))} == {None}
    assert [j.status for j in db.exec(select(SyncJob))] == [JobStatus.CANCELLED]
    listed = httpx.get(
        f"{live_api}/integrations/api/v1/webhooks/endpoints/", headers=retailer.headers
    ).json()
    assert listed["count"] == 4  # the retailer's forwarding setup survives a disconnect
    assert httpx.delete(url, headers=retailer.headers).json()["status"] == "disconnected"

    # Reconnecting revives the same source (and so its offers at the next sync).
    assert connect(live_api, retailer, shop).status_code == 200
    db.expire_all()
    again = db.exec(select(InventorySource)).one()
    assert (again.id, again.status, again.last_error) == (source.id, SourceStatus.CONNECTED, None)
    assert len(sandbox_shop(live_api, shop)["subscriptions"]) == len(SUBSCRIBED_TOPICS)
    assert db.exec(select(SyncJob).where(SyncJob.status == JobStatus.QUEUED)).one()


def test_disconnect_still_happens_when_shopify_no_longer_accepts_us(live_api, db, shelf):
    retailer, shop, source = shelf
    simulate(live_api, shop, kind="app_uninstalled")  # our tokens die at Shopify
    answer = httpx.delete(
        f"{live_api}/integrations/api/v1/sources/{source.id}", headers=retailer.headers
    )
    assert answer.status_code == 200 and answer.json()["status"] == "disconnected"


def test_disconnect_needs_an_owner_or_manager_of_that_organization(live_api, db, shelf):
    retailer, _, source = shelf
    viewer = make_retailer(db, role=Role.VIEWER)
    url = f"{live_api}/integrations/api/v1/sources/{source.id}"
    assert httpx.delete(url, headers=viewer.headers).status_code == 404
    db.expire_all()
    assert db.get(InventorySource, source.id).status == SourceStatus.CONNECTED


def test_a_manual_sync_is_queued_once(live_api, db, shelf):
    retailer, _, source = shelf
    url = f"{live_api}/integrations/api/v1/sources/{source.id}/sync"
    first = httpx.post(url, headers=retailer.headers)
    second = httpx.post(url, headers=retailer.headers)
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json() == second.json() == {"job_id": db.exec(select(SyncJob.id)).one()}
