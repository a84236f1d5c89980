"""A first sync against the sandbox over real HTTP: every offer exact, stores as drafts."""

from __future__ import annotations

from sqlmodel import select

from closient_app.clock import utcnow
from closient_app.models import (
    GeocodeSource,
    InventorySource,
    JobStatus,
    Location,
    LocationStatus,
    Product,
    SourceStatus,
)
from tests.factories import make_org
from tests.sync.conftest import work_until_finished
from tests.sync.support import (
    connect_source,
    expected_offers,
    new_shop,
    queue_sync,
    sandbox_catalog,
    stored_offers,
)


def test_a_1000_product_3_location_shop_syncs_every_offer_exactly(db, base):
    shop = new_shop(base, products=1000, locations=3)
    catalog = sandbox_catalog(base, shop)
    source = connect_source(db, make_org(db), shop)

    job = work_until_finished(queue_sync(db, source).id)

    assert (job.status, job.error) == (JobStatus.SUCCEEDED, None)
    expected = expected_offers(catalog["catalog"])
    stored = stored_offers(db, source.id)
    # Every variant of an active product at every store, nothing more: DRAFT and ARCHIVED
    # products are not for sale (Shopify POS does not sell them either).
    active_variants = sum(v["status"] == "ACTIVE" for v in catalog["catalog"]["variants"])
    assert len(stored) == len(expected) == active_variants * catalog["counts"]["locations"]
    assert catalog["counts"]["products"] == 1000
    assert stored == expected  # sku, price, quantity, stock status and GTIN of every row
    assert (job.progress_done, job.progress_total) == (catalog["counts"]["variants"],) * 2
    assert job.offers_upserted == len(expected)
    db.refresh(source := db.get(InventorySource, source.id))
    assert (source.status, source.currency, source.last_error) == (
        SourceStatus.CONNECTED,
        "USD",
        None,
    )
    assert source.last_sync_at is not None


def test_variants_without_a_valid_barcode_become_private_products(db, base):
    shop = new_shop(base, products=120, locations=1)
    catalog = sandbox_catalog(base, shop)["catalog"]
    org = make_org(db)
    source = connect_source(db, org, shop)

    work_until_finished(queue_sync(db, source).id)

    private = {
        p.pos_product_ref: p
        for p in db.exec(select(Product).where(Product.organization_id == org.id)).all()
    }
    no_gtin = {
        v["variant_id"]
        for v in catalog["variants"]
        if v["status"] == "ACTIVE"
        and expected_offers({"locations": catalog["locations"], "variants": [v]}).popitem()[1][4]
        is None
    }
    assert no_gtin and set(private) == no_gtin
    assert all(p.gtin is None and p.pos_provider == "shopify" for p in private.values())


def test_each_pos_location_becomes_a_draft_store_with_its_address(db, base):
    shop = new_shop(base, products=5, locations=3)
    pos_locations = sandbox_catalog(base, shop)["catalog"]["locations"]
    source = connect_source(db, make_org(db), shop)

    work_until_finished(queue_sync(db, source).id)

    stores = {
        s.external_id: s
        for s in db.exec(select(Location).where(Location.source_id == source.id)).all()
    }
    assert set(stores) == {loc["id"] for loc in pos_locations}
    for pos in pos_locations:
        store = stores[pos["id"]]
        assert (store.name, store.line1, store.city, store.postal_code, store.country) == (
            pos["name"],
            pos["address1"],
            pos["city"],
            pos["zip"],
            pos["country_code"],
        )
        assert store.status == LocationStatus.DRAFT and not store.coordinates_confirmed
        if pos["latitude"] is not None:  # approximate: the retailer confirms before publishing
            assert store.geocode_source == GeocodeSource.POS
        else:
            assert store.geocode_source in (GeocodeSource.POSTAL_CODE, GeocodeSource.CITY, None)


def test_a_bulk_job_whose_export_is_gone_reads_a_new_one_and_counts_afresh(db, base):
    shop = new_shop(base, variants=150, locations=2)
    catalog = sandbox_catalog(base, shop)["catalog"]
    source = connect_source(db, make_org(db), shop)
    job = queue_sync(db, source)
    # As an earlier attempt left it: 100 variants written from an export Shopify no longer has.
    gone = "gid://shopify/BulkOperation/1"
    job.checkpoint = {
        "started_at": utcnow().isoformat(),
        "mode": "bulk",
        "bulk_export": gone,
        "variants_done": 100,
        "variants_total": 150,
    }
    job.progress_done, job.offers_upserted = 100, 180
    db.add(job)
    db.commit()

    done = work_until_finished(job.id)

    expected = expected_offers(catalog)
    assert (done.status, done.error) == (JobStatus.SUCCEEDED, None)
    assert done.checkpoint["bulk_export"] not in (None, gone)
    assert done.checkpoint["resumed_at"] == [100]
    # The new export is written whole, and counted once.
    assert (done.progress_done, done.offers_upserted) == (150, len(expected))
    assert stored_offers(db, source.id) == expected
