"""Manual offers survive re-syncs and webhooks; the job status endpoint reports a sync."""

from __future__ import annotations

import httpx
from sqlmodel import select

from closient_app.models import InStoreOffer, JobStatus, Location, OfferSource, ReceiptStatus
from closient_app.services.webhook_intake import record_receipt
from tests.api.geo_support import org_and_key
from tests.sync.conftest import work_until, work_until_finished
from tests.sync.support import (
    connect_source,
    expected_offers,
    new_shop,
    queue_sync,
    sandbox_catalog,
    stored_offers,
)


def offers_url(base: str, org_id: str) -> str:
    return f"{base}/retailers/api/v1/organizations/{org_id}/in-store-offers"


def test_manual_offers_survive_resyncs_and_webhooks(db, base):
    org, key = org_and_key(db)
    shop = new_shop(base, products=10, locations=2)
    catalog = sandbox_catalog(base, shop)["catalog"]
    source = connect_source(db, org, shop)
    work_until_finished(queue_sync(db, source).id)
    # The retailer takes over one POS offer: delete it, then claim its exact triple by hand.
    pos = db.exec(
        select(InStoreOffer).where(
            InStoreOffer.source_id == source.id, InStoreOffer.quantity_on_hand > 0
        )
    ).first()
    pos = pos.model_copy()  # a plain copy: the row itself is about to be deleted
    assert (
        httpx.delete(f"{base}/retailers/api/v1/in-store-offers/{pos.id}", headers=key).status_code
        == 204
    )
    manual = {
        "product_id": pos.product_id,
        "physical_store_id": pos.location_id,
        "sku": pos.sku,
        "price_amount": 1,
        "price_currency": "USD",
        "quantity_on_hand": 99,
        "status": "in_stock",
    }
    taken = httpx.post(offers_url(base, org.id), json=manual, headers=key)
    extra = httpx.post(offers_url(base, org.id), json={**manual, "sku": "HAND-1"}, headers=key)
    assert (taken.status_code, extra.status_code) == (201, 201)

    resync = work_until_finished(queue_sync(db, source).id)
    store = db.get(Location, pos.location_id).external_id
    with db.begin_nested():  # a level webhook for the same item and store
        record_receipt(
            session=db,
            provider="shopify",
            webhook_id="level-after-manual",
            topic="inventory_levels/update",
            shop_domain=shop,
            triggered_at=None,
            payload={
                "inventory_item_id": int(pos.external_inventory_item_id.rsplit("/", 1)[1]),
                "location_id": int(store.rsplit("/", 1)[1]),
                "available": 0,
                "updated_at": "2099-01-01T00:00:00Z",
            },
        )
    db.commit()
    work_until(lambda: _receipt_done(db, "level-after-manual"))

    assert resync.status == JobStatus.SUCCEEDED
    for created in (taken.json(), extra.json()):
        now = httpx.get(
            f"{base}/retailers/api/v1/in-store-offers/{created['id']}", headers=key
        ).json()
        assert {k: now[k] for k in ("source", "price_amount", "quantity_on_hand", "status")} == {
            "source": "manual",
            "price_amount": 1,
            "quantity_on_hand": 99,
            "status": "in_stock",
        }
    expected = expected_offers(catalog)
    del expected[(pos.external_variant_id, store)]  # that triple is the retailer's now
    stored = stored_offers(db, source.id)
    assert stored == expected
    total = httpx.get(offers_url(base, org.id), headers=key).json()["count"]
    assert total == len(expected) + 2
    manual_rows = db.exec(
        select(InStoreOffer).where(
            InStoreOffer.organization_id == org.id, InStoreOffer.source == OfferSource.MANUAL
        )
    ).all()
    assert len(manual_rows) == 2


def _receipt_done(db, webhook_id: str) -> bool:
    from closient_app.models import WebhookReceipt

    db.expire_all()
    receipt = db.exec(select(WebhookReceipt).where(WebhookReceipt.webhook_id == webhook_id)).one()
    return receipt.status != ReceiptStatus.QUEUED


def test_the_job_endpoint_reports_progress_and_outcome(db, base):
    org, key = org_and_key(db)
    _, stranger = org_and_key(db)
    shop = new_shop(base, products=40, locations=2)
    catalog = sandbox_catalog(base, shop)
    source = connect_source(db, org, shop)

    queued = httpx.post(f"{base}/integrations/api/v1/sources/{source.id}/sync", headers=key)
    job_id = queued.json()["job_id"]
    before = httpx.get(f"{base}/integrations/api/v1/jobs/{job_id}", headers=key).json()
    work_until_finished(job_id)
    after = httpx.get(f"{base}/integrations/api/v1/jobs/{job_id}", headers=key).json()

    assert queued.status_code == 202
    assert (before["status"], before["progress"], before["started_at"]) == (
        "queued",
        {"done": 0, "total": None, "unit": "variants"},
        None,
    )
    variants = catalog["counts"]["variants"]
    assert {k: after[k] for k in ("id", "kind", "source_id", "status", "progress", "error")} == {
        "id": job_id,
        "kind": "resync",
        "source_id": source.id,
        "status": "succeeded",
        "progress": {"done": variants, "total": variants, "unit": "variants"},
        "error": None,
    }
    assert after["offers_upserted"] == len(expected_offers(catalog["catalog"]))
    assert after["started_at"] <= after["finished_at"]
    assert (
        httpx.get(f"{base}/integrations/api/v1/jobs/{job_id}", headers=stranger).status_code == 404
    )
    assert httpx.get(f"{base}/integrations/api/v1/jobs/{job_id}").status_code == 401
