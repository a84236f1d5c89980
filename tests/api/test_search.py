"""Search sessions on a hand-built neighbourhood: ranking, gates, sources, sessions."""

# ruff: noqa: F811  (pytest injects the imported `client` fixture as a same-named argument)
from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from closient_app.api.app import create_api
from closient_app.api.ratelimit import admission_engine
from closient_app.clock import utcnow
from closient_app.db import hot_path_engine
from closient_app.geo import search_sql
from closient_app.models import (
    InventorySource,
    OfferSource,
    SearchSession,
    SourceStatus,
    StockStatus,
)
from closient_app.services import search as search_service
from tests.api.geo_support import (
    client,  # noqa: F401  (a fixture, injected by name)
    error_fields,
    haversine_km,
    north_of,
    org_and_key,
)
from tests.factories import make_location, make_offer, make_org, make_product

URL = "/search/api/v1/search/session"
HOME = (44.9778, -93.2650)
UPC = "012345678905"  # a valid UPC-A; stored as GTIN-14 00012345678905


@pytest.fixture
def town(db):
    """Store A 1 km north; stores B and C side by side 3 km north; all published."""
    org = make_org(db)
    a = make_location(db, org, lat=north_of(HOME[0], 1), lon=HOME[1], name="A")
    b = make_location(db, org, lat=north_of(HOME[0], 3), lon=HOME[1], name="B")
    c = make_location(db, org, lat=north_of(HOME[0], 3), lon=HOME[1], name="C")
    drill = make_product(db, gtin="00" + UPC, name="Cordless Drill 18V")
    hose = make_product(db, name="Garden Hose 50ft", brand="Gilmour")
    return {"org": org, "a": a, "b": b, "c": c, "drill": drill, "hose": hose}


def ago(**delta):
    return utcnow() - timedelta(**delta)


def search(client, query, radius_km=10, **extra):
    body = {"query": query, "latitude": HOME[0], "longitude": HOME[1], "radius_km": radius_km}
    response = client.post(URL, json={**body, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def stores_of(body):
    return [hit["store"]["name"] for hit in body["hits"]]


def offer(db, town, store, product="drill", **kwargs):
    kwargs.setdefault("last_inventory_sync", ago(minutes=10))
    return make_offer(db, org=town["org"], product=town[product], location=town[store], **kwargs)


def test_the_nearer_in_stock_store_comes_first(client, db, town) -> None:
    offer(db, town, "b", price_amount=500)
    offer(db, town, "a", price_amount=900)

    body = search(client, "cordless drill")

    assert stores_of(body) == ["A", "B"]
    first = body["hits"][0]
    assert first["store"]["distance_km"] == pytest.approx(1.0, rel=0.005)
    assert first["store"]["distance_km"] == pytest.approx(
        haversine_km(*HOME, north_of(HOME[0], 1), HOME[1]), rel=0.005
    )
    assert first["product"] == {
        "id": town["drill"].id,
        "gtin": "00" + UPC,
        "name": "Cordless Drill 18V",
        "brand": "Makita",
    }
    assert first["offer"]["price"] == {"amount": 900, "currency": "USD"}
    assert first["offer"]["stock_status"] == "in_stock"
    assert first["offer"]["inventory_confidence"] == "confirmed"
    assert first["store"]["url"].endswith(f"/marketplace/{town['org'].id}/locations/{town['a'].id}")


def test_stale_ranks_below_fresh_at_the_same_distance_even_when_cheaper(client, db, town) -> None:
    offer(db, town, "b", price_amount=100, last_inventory_sync=ago(days=3))
    offer(db, town, "c", price_amount=999, last_inventory_sync=ago(minutes=5))

    body = search(client, "drill")

    assert stores_of(body) == ["C", "B"]
    assert [h["offer"]["inventory_confidence"] for h in body["hits"]] == ["confirmed", "stale"]


def test_confidence_levels_then_price(client, db, town) -> None:
    offer(db, town, "b", sku="likely", price_amount=100, last_inventory_sync=ago(hours=5))
    offer(db, town, "b", sku="uncertain", price_amount=50, last_inventory_sync=ago(hours=30))
    offer(db, town, "c", sku="cheap", price_amount=200, last_inventory_sync=ago(hours=3))
    offer(db, town, "c", sku="never", price_amount=10, last_inventory_sync=None)

    hits = search(client, "drill")["hits"]

    assert [(h["store"]["name"], h["offer"]["price"]["amount"]) for h in hits] == [
        ("B", 100),
        ("C", 200),
        ("B", 50),
        ("C", 10),
    ]
    assert [h["offer"]["inventory_confidence"] for h in hits] == [
        "likely",
        "likely",
        "uncertain",
        "stale",
    ]


def test_out_of_stock_only_when_asked_and_after_in_stock_at_the_same_distance(
    client, db, town
) -> None:
    offer(db, town, "a", sku="gone", price_amount=1, status=StockStatus.OUT_OF_STOCK, quantity=0)
    offer(db, town, "a", sku="here", price_amount=999, last_inventory_sync=ago(hours=20))
    offer(db, town, "b", sku="far", price_amount=5)

    default = search(client, "drill")
    everything = search(client, "drill", in_stock=False)

    assert [h["offer"]["stock_status"] for h in default["hits"]] == ["in_stock", "in_stock"]
    assert [(h["store"]["name"], h["offer"]["stock_status"]) for h in everything["hits"]] == [
        ("A", "in_stock"),
        ("A", "out_of_stock"),
        ("B", "in_stock"),
    ]


def test_a_query_below_the_relevance_gate_returns_nothing(client, db, town) -> None:
    offer(db, town, "a")
    offer(db, town, "a", product="hose")

    assert search(client, "banana")["hits"] == []
    assert search(client, "drill banana")["hits"] == []  # every word must match
    assert search(client, "the")["hits"] == []  # stop words alone match nothing
    assert stores_of(search(client, "hose")) == ["A"]
    assert search(client, "hose")["hits"][0]["product"]["name"] == "Garden Hose 50ft"


def test_gtin_with_a_12_digit_upc_finds_the_gtin_14_product(client, db, town) -> None:
    offer(db, town, "a")
    offer(db, town, "a", product="hose")

    by_upc = search(client, f"gtin:{UPC}")
    by_gtin14 = search(client, f"gtin:00{UPC}")
    bare = search(client, UPC)

    for body in (by_upc, by_gtin14, bare):
        assert [h["product"]["id"] for h in body["hits"]] == [town["drill"].id]


def test_an_invalid_gtin_query_names_the_field(client, db) -> None:
    response = client.post(
        URL, json={"query": "gtin:012345678901", "latitude": HOME[0], "longitude": HOME[1]}
    )

    assert response.status_code == 422
    assert error_fields(response) == ["query"]
    assert "check digit" in response.json()["error"]["details"][0]["message"]


def test_unpublished_stores_never_appear_and_publishing_is_immediate(client, db, town) -> None:
    org, key = org_and_key(db)
    draft = make_location(db, org, lat=HOME[0], lon=HOME[1], name="Draft", published=False)
    make_offer(db, org=org, product=town["drill"], location=draft)
    offer(db, town, "b")

    before = search(client, "drill")
    client.post(f"/locations/api/v1/locations/{draft.id}/publish", headers=key)
    after = search(client, "drill")

    assert stores_of(before) == ["B"]
    assert stores_of(after) == ["Draft", "B"]


@pytest.mark.parametrize(
    ("status", "found"),
    [
        (SourceStatus.CONNECTED, True),
        (SourceStatus.SYNCING, True),
        (SourceStatus.PENDING, False),
        (SourceStatus.ERROR, False),
        (SourceStatus.DISCONNECTED, False),
    ],
)
def test_pos_offers_count_only_while_their_source_is_connected(client, db, town, status, found):
    source = InventorySource(
        organization_id=town["org"].id,
        provider="shopify",
        shop_domain="a.myshopify.com",
        status=status,
    )
    db.add(source)
    db.commit()
    pos_offer = offer(db, town, "a", source=OfferSource.POS_SYNC)
    pos_offer.source_id = source.id
    db.add(pos_offer)
    db.commit()
    offer(db, town, "b", source=OfferSource.MANUAL)

    body = search(client, "drill")

    assert stores_of(body) == (["A", "B"] if found else ["B"])


def test_the_radius_limits_the_hits(client, db, town) -> None:
    offer(db, town, "a")
    offer(db, town, "b")

    assert stores_of(search(client, "drill", radius_km=2)) == ["A"]
    assert stores_of(search(client, "drill", radius_km=3)) == ["A", "B"]  # the edge counts


@pytest.mark.parametrize(
    ("product_driven_below", "few_products", "plan"),
    [
        (1000, 200, search_sql.PRODUCT_DRIVEN),
        (0, 200, search_sql.STORE_DRIVEN_FEW_PRODUCTS),
        (0, 0, search_sql.STORE_DRIVEN),
    ],
    ids=["product-driven", "store-driven-few-products", "store-driven"],
)
def test_every_plan_ranks_the_same(
    client, db, town, monkeypatch, product_driven_below, few_products, plan
) -> None:
    offer(db, town, "b", sku="1", price_amount=300, last_inventory_sync=ago(days=3))
    offer(db, town, "c", sku="2", price_amount=200)
    offer(db, town, "a", sku="3", status=StockStatus.UNKNOWN)
    offer(db, town, "a", sku="4", price_amount=700)
    offer(db, town, "a", sku="5", product="hose")
    monkeypatch.setattr(search_service, "product_driven_max_offers", lambda _: product_driven_below)
    monkeypatch.setattr(search_service, "FEW_PRODUCTS", few_products)
    chosen = []
    choose = search_service.choose_plan
    monkeypatch.setattr(
        search_service, "choose_plan", lambda *a: chosen.append(choose(*a)) or chosen[-1]
    )

    hits = search(client, "drill")["hits"]

    assert chosen == [plan]
    assert [(h["store"]["name"], h["offer"]["stock_status"]) for h in hits] == [
        ("A", "in_stock"),
        ("A", "unknown"),
        ("C", "in_stock"),
        ("B", "in_stock"),
    ]


def test_the_session_echoes_its_criteria_and_expires_in_30_minutes(client, db, town) -> None:
    offer(db, town, "a")

    body = search(client, "drill", radius_km=5)

    assert set(body) == {
        "session_id",
        "query",
        "latitude",
        "longitude",
        "radius_km",
        "in_stock",
        "hits",
        "expires_at",
    }
    assert (body["query"], body["radius_km"], body["in_stock"]) == ("drill", 5, True)
    assert set(body["hits"][0]) == {"product", "store", "offer"}
    assert set(body["hits"][0]["offer"]) == {
        "id",
        "price",
        "stock_status",
        "quantity_on_hand",
        "last_checked_at",
        "inventory_confidence",
    }
    record = db.get(SearchSession, body["session_id"])
    remaining = record.expires_at - utcnow()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_refine_keeps_the_session_and_changes_only_what_is_sent(client, db, town) -> None:
    offer(db, town, "a")
    offer(db, town, "b", product="hose")
    started = search(client, "drill", radius_km=2)

    wider = client.post(f"{URL}/{started['session_id']}/refine", json={"radius_km": 5}).json()
    hose = client.post(f"{URL}/{started['session_id']}/refine", json={"query": "hose"}).json()

    assert wider["session_id"] == started["session_id"]
    assert (wider["query"], wider["radius_km"]) == ("drill", 5)
    assert stores_of(wider) == ["A"]
    assert (hose["query"], hose["radius_km"]) == ("hose", 5)
    assert stores_of(hose) == ["B"]


def test_an_expired_or_unknown_session_is_404_with_a_next_step(client, db, town) -> None:
    started = search(client, "drill")
    record = db.get(SearchSession, started["session_id"])
    record.expires_at = ago(seconds=1)
    db.add(record)
    db.commit()

    expired = client.post(f"{URL}/{started['session_id']}/refine", json={"radius_km": 5})
    unknown = client.post(f"{URL}/NoSuchSession2345678901/refine", json={})

    for response in (expired, unknown):
        assert response.status_code == 404
        assert response.json()["error"]["next_step"].startswith("Start a new one: POST ")


def test_anonymous_is_welcome_but_a_bad_key_is_refused(client, db) -> None:
    body = {"query": "drill", "latitude": HOME[0], "longitude": HOME[1]}

    anonymous = client.post(URL, json=body)
    bad_key = client.post(URL, json=body, headers={"X-API-Key": "csb_nope"})

    _, key = org_and_key(db)
    with_key = client.post(URL, json=body, headers=key)

    assert anonymous.status_code == 200
    assert bad_key.status_code == 401
    assert with_key.status_code == 200
    assert db.get(SearchSession, anonymous.json()["session_id"]).caller.startswith("ip:")
    assert db.get(SearchSession, with_key.json()["session_id"]).caller.startswith("key:")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"radius_km": 0}, "radius_km"),
        ({"radius_km": 51}, "radius_km"),
        ({"latitude": -91}, "latitude"),
        ({"query": ""}, "query"),
        ({"query": None}, "query"),
        ({"in_stock": "maybe"}, "in_stock"),
    ],
)
def test_bad_search_requests_name_the_field(client, db, change, field) -> None:
    body = {"query": "drill", "latitude": HOME[0], "longitude": HOME[1], **change}

    response = client.post(URL, json=body)

    assert response.status_code == 422
    assert error_fields(response) == [field]


def test_the_plan_choice_is_remembered_but_never_hides_new_products(
    client, db, town, monkeypatch
) -> None:
    offer(db, town, "a")
    counted = []
    count = search_service.count_and_choose
    monkeypatch.setattr(
        search_service, "count_and_choose", lambda *a: counted.append(a[1:]) or count(*a)
    )

    assert stores_of(search(client, "drill")) == ["A"]
    assert stores_of(search(client, "drill")) == ["A"]  # the choice was remembered
    assert search(client, "hose")["hits"] == []  # a product without offers: a plan, no hits
    offer(db, town, "b", product="hose")
    assert stores_of(search(client, "hose")) == ["B"]  # its remembered plan finds the new offer
    assert search(client, "saw")["hits"] == []  # no product: "nothing matches" is not kept...
    town["saw"] = make_product(db, name="Circular Saw")
    offer(db, town, "c", product="saw")
    assert stores_of(search(client, "saw")) == ["C"]  # ...so a new product is found at once
    assert stores_of(search(client, "drill", radius_km=2)) == ["A"]  # another radius: counted

    assert counted == [("drill", 10), ("hose", 10), ("saw", 10), ("saw", 10), ("drill", 2)]


def test_after_a_database_restart_the_pools_recover_at_once(client, db, town) -> None:
    """The hot paths' pools skip the pre-ping round trip; a dead connection empties its pool."""
    offer(db, town, "a")
    assert stores_of(search(client, "drill")) == ["A"]
    for engine in (hot_path_engine(), admission_engine()):  # three idle connections in each
        held = [engine.raw_connection() for _ in range(3)]
        for connection in held:
            connection.close()
    db.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    body = {"query": "drill", "latitude": HOME[0], "longitude": HOME[1], "radius_km": 10}

    with TestClient(create_api(), raise_server_exceptions=False) as answering:
        statuses = [answering.post(URL, json=body).status_code for _ in range(5)]

    # The rate limiter's pool meets a dead connection first, then the search's: one failed
    # request each (not one per dead connection), then every request is answered again.
    assert statuses == [500, 500, 200, 200, 200]
