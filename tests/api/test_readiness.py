"""Readiness flips check by check as the retailer connects, publishes and syncs."""

# ruff: noqa: F811  (pytest injects the imported `client` fixture as a same-named argument)
from __future__ import annotations

from closient_app.models import InventorySource, OfferSource, Role, SourceStatus, StockStatus
from tests.api.geo_support import (
    client,  # noqa: F401  (a fixture, injected by name)
    org_and_key,
)
from tests.factories import make_location, make_offer, make_product


def readiness(client, org, key):
    response = client.get(f"/retailers/api/v1/organizations/{org.id}/readiness", headers=key)
    assert response.status_code == 200, response.text
    return response.json()


def failing(body):
    return [step["check"] for step in body["next_steps"]]


def test_readiness_flips_check_by_check(client, db) -> None:
    org, key = org_and_key(db)

    fresh = readiness(client, org, key)
    source = InventorySource(
        organization_id=org.id,
        provider="shopify",
        shop_domain="corner.myshopify.com",
        status=SourceStatus.CONNECTED,
    )
    db.add(source)
    db.commit()
    connected = readiness(client, org, key)
    store = make_location(db, org, published=False)
    drafted = readiness(client, org, key)
    client.post(f"/locations/api/v1/locations/{store.id}/publish", headers=key)
    published = readiness(client, org, key)
    synced_offer = make_offer(
        db, org=org, product=make_product(db), location=store, source=OfferSource.POS_SYNC
    )
    synced_offer.source_id = source.id
    db.add(synced_offer)
    db.commit()
    synced = readiness(client, org, key)

    assert fresh == {
        "organization_id": org.id,
        "discoverable": False,
        "checks": {"pos_connected": False, "location_published": False, "in_stock_offer": False},
        "next_steps": fresh["next_steps"],
    }
    assert failing(fresh) == ["pos_connected", "location_published", "in_stock_offer"]
    assert fresh["next_steps"][0]["endpoint"] == "POST /integrations/api/v1/shopify/install-links"
    assert fresh["next_steps"][1]["endpoint"] == "POST /locations/api/v1/locations"
    assert connected["checks"] == {
        "pos_connected": True,
        "location_published": False,
        "in_stock_offer": False,
    }
    assert failing(connected) == ["location_published", "in_stock_offer"]
    assert drafted["next_steps"][0]["endpoint"] == (
        f"POST /locations/api/v1/locations/{store.id}/publish"
    )
    assert published["checks"] == {
        "pos_connected": True,
        "location_published": True,
        "in_stock_offer": False,
    }
    assert published["discoverable"] is False
    assert published["next_steps"][0]["endpoint"] == (
        f"GET /retailers/api/v1/organizations/{org.id}/in-store-offers"
    )
    assert synced["checks"] == {
        "pos_connected": True,
        "location_published": True,
        "in_stock_offer": True,
    }
    assert synced["discoverable"] is True
    assert synced["next_steps"] == []


def test_out_of_stock_and_unpublished_offers_do_not_count(client, db) -> None:
    org, key = org_and_key(db)
    product = make_product(db)
    published = make_location(db, org, name="Open")
    draft = make_location(db, org, name="Draft", published=False)
    make_offer(db, org=org, product=product, location=published, status=StockStatus.OUT_OF_STOCK)
    make_offer(db, org=org, product=product, location=draft)

    body = readiness(client, org, key)

    assert body["checks"]["in_stock_offer"] is False
    assert body["discoverable"] is False


def test_a_disconnected_pos_says_so_and_its_offers_stop_counting(client, db) -> None:
    org, key = org_and_key(db)
    source = InventorySource(
        organization_id=org.id,
        provider="shopify",
        shop_domain="corner.myshopify.com",
        status=SourceStatus.ERROR,
        last_error="token revoked",
    )
    db.add(source)
    db.commit()
    store = make_location(db, org)
    offer = make_offer(
        db, org=org, product=make_product(db), location=store, source=OfferSource.POS_SYNC
    )
    offer.source_id = source.id
    db.add(offer)
    db.commit()

    body = readiness(client, org, key)

    assert body["checks"] == {
        "pos_connected": False,
        "location_published": True,
        "in_stock_offer": False,
    }
    assert "is error: token revoked" in body["next_steps"][0]["action"]


def test_a_manual_only_retailer_is_discoverable_and_told_about_freshness(client, db) -> None:
    org, key = org_and_key(db)
    make_offer(db, org=org, product=make_product(db), location=make_location(db, org))

    body = readiness(client, org, key)

    assert body["discoverable"] is True
    assert body["checks"] == {
        "pos_connected": False,
        "location_published": True,
        "in_stock_offer": True,
    }
    assert failing(body) == ["pos_connected"]
    assert "stale" in body["next_steps"][0]["action"]


def test_any_member_may_ask_but_another_organization_is_not_found(client, db) -> None:
    org, viewer_key = org_and_key(db, role=Role.VIEWER)
    other, other_key = org_and_key(db)

    mine = client.get(f"/retailers/api/v1/organizations/{org.id}/readiness", headers=viewer_key)
    theirs = client.get(f"/retailers/api/v1/organizations/{org.id}/readiness", headers=other_key)
    anonymous = client.get(f"/retailers/api/v1/organizations/{org.id}/readiness")

    assert mine.status_code == 200
    assert theirs.status_code == 404
    assert anonymous.status_code == 401
