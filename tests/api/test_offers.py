"""In-store offers: list with filters and count, manual create with the 422 triple rule, read,
change, delete, and who may do what."""

# ruff: noqa: F811  (pytest injects the imported `client` fixture as a same-named argument)
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from closient_app.clock import utcnow
from closient_app.models import InStoreOffer, OfferSource, Product, Role, StockStatus
from tests.api.geo_support import (
    client,  # noqa: F401  (a fixture, injected by name)
    org_and_key,
)
from tests.factories import make_location, make_offer, make_org, make_product

GTIN = "00012345678905"


def collection(org_id: str) -> str:
    return f"/retailers/api/v1/organizations/{org_id}/in-store-offers"


def offer_url(offer_id: str) -> str:
    return f"/retailers/api/v1/in-store-offers/{offer_id}"


@pytest.fixture
def shop(db):
    """An organization with a MANAGER key, a store and a catalog product."""
    org, key = org_and_key(db)
    return org, key, make_location(db, org), make_product(db, gtin=GTIN)


def body(product, store, **changes) -> dict:
    return {
        "product_id": product.id,
        "physical_store_id": store.id,
        "sku": "DRILL-18V",
        "price_amount": 1099,
        "price_currency": "USD",
        "quantity_on_hand": 12,
        "status": "in_stock",
        **changes,
    }


def test_create_answers_201_with_every_contract_field(client, db, shop):
    org, key, store, product = shop

    created = client.post(collection(org.id), json=body(product, store), headers=key)

    assert created.status_code == 201, created.text
    offer = created.json()
    assert set(offer) == {
        "id",
        "product_id",
        "gtin",
        "physical_store_id",
        "sku",
        "price_amount",
        "price_currency",
        "quantity_on_hand",
        "status",
        "source",
        "last_inventory_sync",
        "inventory_confidence",
        "created",
        "updated",
    }
    assert {
        k: offer[k]
        for k in (
            "product_id",
            "gtin",
            "physical_store_id",
            "sku",
            "price_amount",
            "price_currency",
            "quantity_on_hand",
            "status",
            "source",
            "inventory_confidence",
        )
    } == {
        "product_id": product.id,
        "gtin": GTIN,
        "physical_store_id": store.id,
        "sku": "DRILL-18V",
        "price_amount": 1099,
        "price_currency": "USD",
        "quantity_on_hand": 12,
        "status": "in_stock",
        "source": "manual",
        "inventory_confidence": "confirmed",
    }


def test_status_is_derived_from_the_quantity_when_omitted(client, db, shop):
    org, key, store, product = shop
    statuses = {}
    for sku, quantity in (("A", 0), ("B", 2), ("C", 3), ("D", None)):
        sent = body(product, store, sku=sku, quantity_on_hand=quantity)
        del sent["status"]
        statuses[quantity] = client.post(collection(org.id), json=sent, headers=key).json()[
            "status"
        ]
    assert statuses == {0: "out_of_stock", 2: "low_stock", 3: "in_stock", None: "unknown"}


def test_a_duplicate_triple_is_a_422_naming_it_and_nothing_is_written(client, db, shop):
    org, key, store, product = shop
    first = client.post(collection(org.id), json=body(product, store), headers=key)

    again = client.post(collection(org.id), json=body(product, store, price_amount=5), headers=key)

    assert first.status_code == 201
    assert again.status_code == 422
    error = again.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in error["details"]] == ["product_id,physical_store_id,sku"]
    assert db.exec(select(func.count()).select_from(InStoreOffer)).one() == 1
    assert db.exec(select(InStoreOffer.price_amount)).one() == 1099


def test_the_same_product_and_store_with_another_sku_is_another_offer(client, db, shop):
    org, key, store, product = shop
    client.post(collection(org.id), json=body(product, store), headers=key)
    other = client.post(collection(org.id), json=body(product, store, sku="DRILL-KIT"), headers=key)
    assert other.status_code == 201


def test_unknown_or_foreign_product_or_store_is_404(client, db, shop):
    org, key, store, product = shop
    other_org = make_org(db, name="Elsewhere")
    foreign_store = make_location(db, other_org)
    private = Product(
        name="Their own thing",
        organization_id=other_org.id,
        pos_provider="shopify",
        pos_product_ref="gid://shopify/ProductVariant/1",
    )
    db.add(private)
    db.commit()

    for changes, field in (
        ({"product_id": "x" * 22}, "product_id"),
        ({"product_id": private.id}, "product_id"),
        ({"physical_store_id": "x" * 22}, "physical_store_id"),
        ({"physical_store_id": foreign_store.id}, "physical_store_id"),
    ):
        answer = client.post(collection(org.id), json=body(product, store, **changes), headers=key)
        assert answer.status_code == 404, changes
        assert answer.json()["error"]["details"][0]["field"] == field
    assert db.exec(select(func.count()).select_from(InStoreOffer)).one() == 0


def test_list_has_count_and_filters_by_store_status_and_update_time(client, db, shop):
    org, key, store, product = shop
    second_store = make_location(db, org, name="Uptown")
    old = make_offer(db, org=org, product=product, location=store, sku="OLD")
    old.updated = utcnow() - timedelta(days=2)
    db.add(old)
    db.commit()
    make_offer(
        db,
        org=org,
        product=product,
        location=store,
        sku="LOW",
        quantity=1,
        status=StockStatus.LOW_STOCK,
    )
    make_offer(db, org=org, product=product, location=second_store, sku="UP")
    make_offer(db, org=make_org(db), product=product, location=make_location(db, make_org(db)))

    def skus(**params) -> tuple[int, set[str]]:
        page = client.get(collection(org.id), params=params, headers=key).json()
        return page["count"], {o["sku"] for o in page["data"]}

    assert skus() == (3, {"OLD", "LOW", "UP"})
    assert skus(physical_store_id=second_store.id) == (1, {"UP"})
    assert skus(status="low_stock") == (1, {"LOW"})
    since = (utcnow() - timedelta(hours=1)).isoformat()
    assert skus(updated_since=since) == (2, {"LOW", "UP"})
    page = client.get(collection(org.id), params={"page_size": 2}, headers=key).json()
    assert page["pagination"] == {
        "page": 1,
        "page_size": 2,
        "total_count": 3,
        "total_pages": 2,
        "has_next": True,
        "has_previous": False,
    }


def test_get_put_delete_a_manual_offer(client, db, shop):
    org, key, store, product = shop
    offer = client.post(collection(org.id), json=body(product, store), headers=key).json()

    changes = {"quantity_on_hand": 0, "price_amount": 999}
    changed = client.put(offer_url(offer["id"]), json=changes, headers=key)
    read = client.get(offer_url(offer["id"]), headers=key)
    deleted = client.delete(offer_url(offer["id"]), headers=key)

    assert changed.status_code == 200, changed.text
    assert (
        changed.json()["quantity_on_hand"],
        changed.json()["status"],
        changed.json()["price_amount"],
    ) == (0, "out_of_stock", 999)
    assert read.json() == changed.json()
    assert deleted.status_code == 204
    assert client.get(offer_url(offer["id"]), headers=key).status_code == 404


def test_a_pos_offer_cannot_be_edited_here_but_can_be_deleted(client, db, shop):
    org, key, store, product = shop
    offer = make_offer(db, org=org, product=product, location=store, source=OfferSource.POS_SYNC)

    edit = client.put(offer_url(offer.id), json={"price_amount": 1}, headers=key)
    removal = client.delete(offer_url(offer.id), headers=key)

    assert edit.status_code == 409
    assert "POS" in edit.json()["error"]["message"]
    assert removal.status_code == 204


def test_a_put_to_an_existing_triple_is_a_422(client, db, shop):
    org, key, store, product = shop
    client.post(collection(org.id), json=body(product, store), headers=key)
    other = client.post(collection(org.id), json=body(product, store, sku="B"), headers=key)

    clash = client.put(offer_url(other.json()["id"]), json={"sku": "DRILL-18V"}, headers=key)

    assert clash.status_code == 422
    assert clash.json()["error"]["details"][0]["field"] == "product_id,physical_store_id,sku"


def test_confidence_follows_the_age_of_the_last_sync(client, db, shop):
    org, key, store, product = shop
    ages = {"confirmed": 0.5, "likely": 5, "uncertain": 30, "stale": 50}
    for name, hours in ages.items():
        make_offer(
            db,
            org=org,
            product=product,
            location=store,
            sku=name,
            last_inventory_sync=utcnow() - timedelta(hours=hours),
        )
    page = client.get(collection(org.id), headers=key).json()
    assert {o["sku"]: o["inventory_confidence"] for o in page["data"]} == {n: n for n in ages}


def test_access_rules(client, db, shop):
    org, key, store, product = shop
    offer = make_offer(db, org=org, product=product, location=store)
    _, stranger = org_and_key(db)

    assert client.get(collection(org.id)).status_code == 401
    assert client.get(collection(org.id), headers=stranger).status_code == 404
    assert client.get(offer_url(offer.id), headers=stranger).status_code == 404
    assert client.delete(offer_url(offer.id), headers=stranger).status_code == 404
    # A viewer of its own organization reads but cannot write.
    viewer_org, viewer_key = org_and_key(db, role=Role.VIEWER)
    viewer_store = make_location(db, viewer_org)
    assert client.get(collection(viewer_org.id), headers=viewer_key).status_code == 200
    assert (
        client.post(
            collection(viewer_org.id), json=body(product, viewer_store), headers=viewer_key
        ).status_code
        == 403
    )
    ro_org, ro_key = org_and_key(db, scopes=("offers:read",))
    assert (
        client.post(
            collection(ro_org.id), json=body(product, make_location(db, ro_org)), headers=ro_key
        ).status_code
        == 403
    )
