"""Webhooks end to end: sandbox activity -> signed delivery -> the app's receiver -> receipt ->
the worker applies it. Duplicates and out-of-order deliveries come from the sandbox itself."""

from __future__ import annotations

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from closient_app.db import get_engine
from closient_app.models import JobStatus, ReceiptStatus, SyncJob, WebhookReceipt
from closient_app.services.stock_status import stock_status
from closient_app.services.webhook_intake import record_receipt
from tests.factories import make_org
from tests.sync.conftest import job_state, work_until, work_until_finished
from tests.sync.support import (
    connect_source,
    deliveries_done,
    expected_offers,
    new_shop,
    queue_sync,
    sandbox_catalog,
    sandbox_settings,
    simulate,
    stored_offers,
)


@pytest.fixture
def synced(db, base):
    """A shop of 30 products at 2 stores, connected with webhooks and synced."""
    shop = new_shop(base, products=30, locations=2)
    source = connect_source(db, make_org(db), shop, webhooks=True)
    assert work_until_finished(queue_sync(db, source).id).status == JobStatus.SUCCEEDED
    return shop, source, sandbox_catalog(base, shop)["catalog"]


def receipts(shop: str, topic: str | None = None) -> list[WebhookReceipt]:
    with Session(get_engine()) as session:
        query = select(WebhookReceipt).where(WebhookReceipt.shop_domain == shop)
        if topic:
            query = query.where(WebhookReceipt.topic == topic)
        return list(session.exec(query.order_by(WebhookReceipt.received_at)).all())


def all_applied(shop: str, count: int):
    def check() -> bool:
        found = receipts(shop)
        return len(found) >= count and all(r.status != ReceiptStatus.QUEUED for r in found)

    return check


def tracked_variant(catalog: dict) -> dict:
    return next(
        v
        for v in catalog["variants"]
        if v["status"] == "ACTIVE"
        and v["tracked"]
        and v["available"][catalog["locations"][1]["id"]] >= 5
    )


def offer_at(db, source_id: str, variant_id: str, location_id: str):
    return db.execute(
        text("""SELECT o.quantity_on_hand, o.status, o.price_amount FROM in_store_offer o
                JOIN location l ON l.id = o.location_id
                WHERE o.source_id = :s AND o.external_variant_id = :v AND l.external_id = :l"""),
        {"s": source_id, "v": variant_id, "l": location_id},
    ).first()


def test_a_sale_at_the_pos_updates_the_offer(db, base, synced):
    shop, source, catalog = synced
    variant, store = tracked_variant(catalog), catalog["locations"][1]["id"]
    before = variant["available"][store]

    sale = simulate(
        base, shop, kind="sale", variant_id=variant["variant_id"], location_id=store, quantity=2
    )
    deliveries_done(base)
    work_until(all_applied(shop, 1))

    assert sale["payload"]["available"] == before - 2
    quantity, status, _ = offer_at(db, source.id, variant["variant_id"], store)
    assert (quantity, status) == (
        before - 2,
        stock_status(before - 2, tracked=True, low_below=3).value,
    )
    assert [r.status for r in receipts(shop)] == [ReceiptStatus.APPLIED]


def test_a_duplicate_delivery_is_applied_once(db, base, synced):
    shop, source, catalog = synced
    variant, store = tracked_variant(catalog), catalog["locations"][1]["id"]
    sandbox_settings(base, duplicate_rate=1.0)
    try:
        simulate(
            base,
            shop,
            kind="restock",
            variant_id=variant["variant_id"],
            location_id=store,
            quantity=4,
        )
        deliveries_done(base)
    finally:
        sandbox_settings(base, duplicate_rate=0.0)
    [receipt] = receipts(shop)  # the same Webhook-Id twice: stored once
    # The same event again under a new delivery id (Shopify may resend an event): no change.
    with Session(get_engine()) as session:
        record_receipt(
            session=session,
            provider="shopify",
            webhook_id=receipt.webhook_id + "-2",
            topic=receipt.topic,
            shop_domain=shop,
            triggered_at=receipt.triggered_at,
            payload=receipt.payload,
        )
        session.commit()
    work_until(all_applied(shop, 2))

    first, again = receipts(shop)
    assert (first.status, again.status) == (ReceiptStatus.APPLIED, ReceiptStatus.IGNORED)
    assert (
        offer_at(db, source.id, variant["variant_id"], store)[0] == variant["available"][store] + 4
    )


def test_an_older_update_arriving_late_is_ignored(db, base, synced):
    shop, source, catalog = synced
    variant, store = tracked_variant(catalog), catalog["locations"][1]["id"]
    sandbox_settings(base, out_of_order=True, out_of_order_window_s=1.0)
    try:  # both within the window: the sandbox sends the newer one first
        simulate(base, shop, kind="sale", variant_id=variant["variant_id"], location_id=store)
        simulate(base, shop, kind="sale", variant_id=variant["variant_id"], location_id=store)
        deliveries_done(base)
    finally:
        sandbox_settings(base, out_of_order=False)
    work_until(all_applied(shop, 2))

    newer, older = receipts(shop)  # in order of arrival
    assert newer.triggered_at > older.triggered_at
    assert newer.payload["available"] == older.payload["available"] - 1
    assert (newer.status, older.status) == (ReceiptStatus.APPLIED, ReceiptStatus.IGNORED)
    assert (
        offer_at(db, source.id, variant["variant_id"], store)[0] == variant["available"][store] - 2
    )


def test_a_price_change_reaches_every_store(db, base, synced):
    shop, source, catalog = synced
    variant = tracked_variant(catalog)

    simulate(base, shop, kind="price_change", variant_id=variant["variant_id"], price="12.34")
    deliveries_done(base)
    work_until(all_applied(shop, 1))

    prices = {
        offer_at(db, source.id, variant["variant_id"], loc["id"])[2] for loc in catalog["locations"]
    }
    assert prices == {1234}


def test_a_deleted_product_loses_its_offers_and_a_resync_agrees(db, base, synced):
    shop, source, catalog = synced
    product = tracked_variant(catalog)["product_id"]
    before = stored_offers(db, source.id)

    simulate(base, shop, kind="product_deleted", product_id=product)
    deliveries_done(base)
    work_until(all_applied(shop, 1))

    after = stored_offers(db, source.id)
    gone = {v["variant_id"] for v in catalog["variants"] if v["product_id"] == product}
    assert gone and set(before) - set(after) == {k for k in before if k[0] in gone}
    assert {k: v for k, v in before.items() if k[0] not in gone} == after
    # The deletion rule is the sync's too: a full re-sync ends in the same state.
    job = work_until_finished(queue_sync(db, source).id)
    assert job.status == JobStatus.SUCCEEDED
    assert (
        stored_offers(db, source.id)
        == after
        == expected_offers(sandbox_catalog(base, shop)["catalog"])
    )


def test_a_disconnected_level_removes_that_stores_offer(db, base, synced):
    shop, source, catalog = synced
    variant, store = tracked_variant(catalog), catalog["locations"][1]["id"]
    with Session(get_engine()) as session:
        record_receipt(
            session=session,
            provider="shopify",
            webhook_id="disconnect-1",
            topic="inventory_levels/disconnect",
            shop_domain=shop,
            triggered_at=None,
            payload={
                "inventory_item_id": int(variant["inventory_item_id"].rsplit("/", 1)[1]),
                "location_id": int(store.rsplit("/", 1)[1]),
            },
        )
        session.commit()
    work_until(all_applied(shop, 1))

    assert offer_at(db, source.id, variant["variant_id"], store) is None
    other = catalog["locations"][0]["id"]
    assert offer_at(db, source.id, variant["variant_id"], other) is not None


def test_a_new_product_is_read_by_a_catch_up_sync(db, base, synced):
    shop, source, _ = synced
    created = [simulate(base, shop, kind="product_created", variants=2)]
    while created[-1]["payload"]["status"] != "active":  # the sandbox drafts about 1 in 10
        created.append(simulate(base, shop, kind="product_created", variants=2))
    deliveries_done(base)
    work_until(all_applied(shop, len(created)))

    *drafts, active = receipts(shop)
    assert all(r.status == ReceiptStatus.IGNORED for r in drafts)  # not for sale: no offers
    assert active.status == ReceiptStatus.APPLIED and "catch-up sync" in active.error
    with Session(get_engine()) as session:
        job = session.exec(
            select(SyncJob).where(SyncJob.source_id == source.id).order_by(SyncJob.created.desc())
        ).first()
    work_until_finished(job.id)

    assert job_state(job.id).status == JobStatus.SUCCEEDED
    catalog = sandbox_catalog(base, shop)["catalog"]
    stored = stored_offers(db, source.id)
    assert stored == expected_offers(catalog)
    new_ids = {
        f"gid://shopify/ProductVariant/{v['id']}" for v in created[-1]["payload"]["variants"]
    }
    assert new_ids <= {variant for variant, _ in stored}


def test_a_deactivated_store_stops_selling(db, base, synced):
    shop, source, catalog = synced
    store = catalog["locations"][1]["id"]

    simulate(
        base,
        shop,
        kind="location_edited",
        location_id=store,
        changes={"name": "Closed for renovation", "is_active": False},
    )
    deliveries_done(base)
    work_until(all_applied(shop, 1))

    remaining = db.execute(
        text(
            "SELECT count(*) FROM in_store_offer o JOIN location l ON l.id = o.location_id "
            "WHERE l.external_id = :l"
        ),
        {"l": store},
    ).scalar()
    name = db.execute(
        text("SELECT name FROM location WHERE external_id = :l"), {"l": store}
    ).scalar()
    assert (remaining, name) == (0, "Closed for renovation")
    assert db.scalar(select(func.count()).select_from(WebhookReceipt)) == 1


def test_an_unreadable_receipt_fails_alone_and_the_rest_apply(db, base, synced):
    shop, source, catalog = synced
    variant, store = tracked_variant(catalog), catalog["locations"][1]["id"]
    level = {
        "inventory_item_id": int(variant["inventory_item_id"].rsplit("/", 1)[1]),
        "location_id": int(store.rsplit("/", 1)[1]),
        "available": 41,
        "updated_at": "2099-01-01T00:00:00Z",
    }
    with Session(get_engine()) as session:
        for webhook_id, payload in (("broken", {"inventory_item_id": "not a number"}),
                                    ("fine", level)):  # fmt: skip
            record_receipt(session=session, provider="shopify", webhook_id=webhook_id,
                           topic="inventory_levels/update", shop_domain=shop,
                           triggered_at=None, payload=payload)  # fmt: skip
        session.commit()

    work_until(all_applied(shop, 2))

    broken, fine = receipts(shop)
    assert (broken.status, fine.status) == (ReceiptStatus.FAILED, ReceiptStatus.APPLIED)
    assert "MalformedWebhook" in broken.error
    assert offer_at(db, source.id, variant["variant_id"], store)[0] == 41
