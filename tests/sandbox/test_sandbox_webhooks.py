"""Simulated store activity -> signed webhook deliveries over real HTTP to a test receiver."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from .helpers import (
    API_VERSION,
    CLIENT_SECRET,
    SHOP,
    Sandbox,
    WebhookReceiver,
    verify_webhook_hmac,
)

HEADERS = (
    "topic",
    "hmac-sha256",
    "shop-domain",
    "api-version",
    "webhook-id",
    "event-id",
    "triggered-at",
)


def subscribe(sandbox: Sandbox, token: str, topic: str, uri: str) -> str:
    mutation = """mutation($topic: WebhookSubscriptionTopic!, $uri: String!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri, format: JSON}) {
        webhookSubscription { id } userErrors { message } } }"""
    body = sandbox.graphql(token, mutation, {"topic": topic, "uri": uri}).json()
    payload = body["data"]["webhookSubscriptionCreate"]
    assert payload["userErrors"] == []
    return payload["webhookSubscription"]["id"]


def deliveries(sandbox: Sandbox) -> list[dict[str, Any]]:
    return sandbox.admin("GET", "/deliveries").json()["deliveries"]


def iso_now(sandbox: Sandbox) -> str:
    return datetime.fromtimestamp(sandbox.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sale_setup(sandbox: Sandbox, receiver: WebhookReceiver) -> tuple[str, dict[str, Any], str]:
    token = sandbox.install()["access_token"]
    subscribe(sandbox, token, "INVENTORY_LEVELS_UPDATE", receiver.url)
    variant = sandbox.expected_catalog()["variants"][2]
    location = sandbox.expected_catalog()["locations"][1]["id"]
    return token, variant, location


def test_a_sale_sends_a_correctly_signed_inventory_levels_update(
    make_sandbox: Any, receiver: WebhookReceiver
):
    sandbox = make_sandbox()
    token, variant, location = sale_setup(sandbox, receiver)
    before = variant["available"][location]
    result = sandbox.activity(
        kind="sale", variant_id=variant["variant_id"], location_id=location, quantity=2
    )
    sandbox.wait_idle()
    [request] = receiver.wait_for(1)
    headers = request["headers"]
    assert all(f"x-shopify-{name}" in headers for name in HEADERS)
    assert headers["x-shopify-topic"] == "inventory_levels/update"
    assert headers["x-shopify-shop-domain"] == SHOP
    assert headers["x-shopify-api-version"] == API_VERSION
    assert headers["x-shopify-webhook-id"] == result["deliveries"][0]["webhook_id"]
    assert uuid.UUID(headers["x-shopify-event-id"])
    assert headers["x-shopify-triggered-at"].startswith(iso_now(sandbox)[:-1])
    assert headers["content-type"] == "application/json"
    assert request["path"] == "/webhooks/shopify"
    hmac_header = headers["x-shopify-hmac-sha256"]
    assert verify_webhook_hmac(request["body"], hmac_header, CLIENT_SECRET) is True
    tampered = request["body"].replace(b'"available":', b'"available":1')
    assert verify_webhook_hmac(tampered, hmac_header, CLIENT_SECRET) is False
    assert verify_webhook_hmac(request["body"], hmac_header, "another-secret") is False
    item = int(variant["inventory_item_id"].rsplit("/", 1)[1])
    location_number = int(location.rsplit("/", 1)[1])
    assert json.loads(request["body"]) == {
        "inventory_item_id": item,
        "location_id": location_number,
        "available": before - 2,
        "updated_at": iso_now(sandbox),
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location_number}"
        f"?inventory_item_id={item}",
    }
    query = """query($id: ID!, $loc: ID!) { inventoryItem(id: $id) {
      inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { quantity } } } }"""
    read = sandbox.graphql(token, query, {"id": variant["inventory_item_id"], "loc": location})
    level = read.json()["data"]["inventoryItem"]["inventoryLevel"]
    assert level == {"quantities": [{"quantity": before - 2}]}
    [log] = deliveries(sandbox)
    assert (log["state"], log["duplicate"], [a["status_code"] for a in log["attempts"]]) == (
        "delivered",
        False,
        [200],
    )


def test_duplicate_rate_one_delivers_twice_with_the_same_webhook_id(
    make_sandbox: Any, receiver: WebhookReceiver
):
    sandbox = make_sandbox(duplicate_rate=1.0)
    sale_setup(sandbox, receiver)
    sandbox.activity(kind="sale")
    sandbox.wait_idle()
    first, second = receiver.wait_for(2)
    assert first["headers"]["x-shopify-webhook-id"] == second["headers"]["x-shopify-webhook-id"]
    assert first["body"] == second["body"]
    assert len(receiver.requests) == 2
    assert [d["duplicate"] for d in deliveries(sandbox)] == [False, True]


def test_no_duplicates_by_default(make_sandbox: Any, receiver: WebhookReceiver):
    sandbox = make_sandbox()
    sale_setup(sandbox, receiver)
    for _ in range(5):
        sandbox.activity(kind="restock", quantity=1)
    sandbox.wait_idle()
    ids = [r["headers"]["x-shopify-webhook-id"] for r in receiver.wait_for(5)]
    assert len(ids) == len(set(ids)) == 5


def test_the_unprefixed_header_spelling(make_sandbox: Any, receiver: WebhookReceiver):
    sandbox = make_sandbox(webhook_header_style="shopify")
    sale_setup(sandbox, receiver)
    sandbox.activity(kind="sale")
    sandbox.wait_idle()
    [request] = receiver.wait_for(1)
    assert all(f"shopify-{name}" in request["headers"] for name in HEADERS)
    assert not any(name.startswith("x-shopify-") for name in request["headers"])
    signature = request["headers"]["shopify-hmac-sha256"]
    assert verify_webhook_hmac(request["body"], signature, CLIENT_SECRET) is True


def test_non_2xx_answers_are_retried_with_the_same_webhook_id(
    make_sandbox: Any, receiver: WebhookReceiver
):
    sandbox = make_sandbox(retry_backoff_scale=1e-5)
    sale_setup(sandbox, receiver)
    receiver.statuses.extend([500, 503])
    sandbox.activity(kind="sale")
    sandbox.wait_idle()
    requests = receiver.wait_for(3)
    assert len({r["headers"]["x-shopify-webhook-id"] for r in requests}) == 1
    [log] = deliveries(sandbox)
    assert [a["status_code"] for a in log["attempts"]] == [500, 503, 200]
    assert log["state"] == "delivered"


def test_eight_failed_tries_delete_the_subscription(make_sandbox: Any, receiver: WebhookReceiver):
    sandbox = make_sandbox(retry_backoff_scale=1e-5)
    token, _, _ = sale_setup(sandbox, receiver)
    receiver.statuses.extend([500] * 8)
    sandbox.activity(kind="sale")
    sandbox.wait_idle()
    [log] = deliveries(sandbox)
    assert [a["status_code"] for a in log["attempts"]] == [500] * 8
    assert (log["state"], log["subscription_deleted"]) == ("failed", True)
    listed = sandbox.graphql(token, "{ webhookSubscriptions(first: 5) { nodes { id } } }")
    assert listed.json()["data"]["webhookSubscriptions"]["nodes"] == []


def test_out_of_order_delivers_the_newer_event_first(make_sandbox: Any, receiver: WebhookReceiver):
    sandbox = make_sandbox(out_of_order=True, out_of_order_window_s=0.3)
    _, variant, location = sale_setup(sandbox, receiver)
    before = variant["available"][location]
    for _ in range(2):
        sandbox.activity(kind="sale", variant_id=variant["variant_id"], location_id=location)
    sandbox.wait_idle()
    bodies = [json.loads(r["body"]) for r in receiver.wait_for(2)]
    assert [b["available"] for b in bodies] == [before - 2, before - 1]


def test_latency_delays_the_first_try(make_sandbox: Any, receiver: WebhookReceiver):
    sandbox = make_sandbox(latency_s=0.3)
    sale_setup(sandbox, receiver)
    sandbox.activity(kind="sale")
    assert receiver.requests == []
    sandbox.wait_idle()
    assert len(receiver.wait_for(1)) == 1


def test_product_and_location_events_change_state_and_notify(
    make_sandbox: Any, receiver: WebhookReceiver
):
    sandbox = make_sandbox()
    token = sandbox.install()["access_token"]
    for topic in ("PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE", "LOCATIONS_UPDATE"):
        subscribe(sandbox, token, topic, receiver.url)
    variant = sandbox.expected_catalog()["variants"][0]
    location = sandbox.expected_catalog()["locations"][0]["id"]

    sandbox.activity(kind="price_change", variant_id=variant["variant_id"], price="19.9")
    created = sandbox.activity(kind="product_created", title="Sandbox Lantern", variants=2)
    sandbox.activity(kind="product_deleted", product_id=variant["product_id"])
    sandbox.activity(
        kind="location_edited",
        location_id=location,
        changes={"name": "Flagship", "address1": "1 Market St"},
    )
    sandbox.wait_idle()
    by_topic = {
        r["headers"]["x-shopify-topic"]: json.loads(r["body"]) for r in receiver.wait_for(4)
    }
    assert set(by_topic) == {
        "products/update",
        "products/create",
        "products/delete",
        "locations/update",
    }
    updated = by_topic["products/update"]
    assert updated["id"] == int(variant["product_id"].rsplit("/", 1)[1])
    assert [
        v["price"]
        for v in updated["variants"]
        if v["admin_graphql_api_id"] == variant["variant_id"]
    ] == ["19.90"]
    new_product = by_topic["products/create"]
    assert new_product["title"] == "Sandbox Lantern" == created["payload"]["title"]
    assert len(new_product["variants"]) == 2
    assert by_topic["products/delete"] == {"id": updated["id"]}
    assert (by_topic["locations/update"]["name"], by_topic["locations/update"]["address1"]) == (
        "Flagship",
        "1 Market St",
    )

    query = """query($old: ID!, $new: ID!, $loc: ID!) {
      old: product(id: $old) { id } new: product(id: $new) { title variants(first: 5) {
        nodes { id } } } location(id: $loc) { name address { address1 } } }"""
    read = sandbox.graphql(
        token,
        query,
        {"old": variant["product_id"], "new": new_product["admin_graphql_api_id"], "loc": location},
    ).json()["data"]
    assert read["old"] is None
    assert read["new"]["title"] == "Sandbox Lantern"
    assert len(read["new"]["variants"]["nodes"]) == 2
    assert read["location"] == {"name": "Flagship", "address": {"address1": "1 Market St"}}


def test_price_change_is_visible_before_deletion(sandbox: Sandbox, token: str):
    variant = sandbox.expected_catalog()["variants"][3]
    sandbox.activity(kind="price_change", variant_id=variant["variant_id"], price="7")
    read = sandbox.graphql(
        token,
        "query($id: ID!) { productVariant(id: $id) { price } }",
        {"id": variant["variant_id"]},
    )
    assert read.json()["data"] == {"productVariant": {"price": "7.00"}}


def test_app_uninstalled_notifies_then_revokes_access(make_sandbox: Any, receiver: WebhookReceiver):
    sandbox = make_sandbox()
    token = sandbox.install()["access_token"]
    subscribe(sandbox, token, "APP_UNINSTALLED", receiver.url)
    sandbox.activity(kind="app_uninstalled")
    sandbox.wait_idle()
    [request] = receiver.wait_for(1)
    payload = json.loads(request["body"])
    assert request["headers"]["x-shopify-topic"] == "app/uninstalled"
    assert (payload["domain"], payload["myshopify_domain"], payload["name"]) == (SHOP, SHOP, "Acme")
    assert verify_webhook_hmac(
        request["body"], request["headers"]["x-shopify-hmac-sha256"], CLIENT_SECRET
    )
    assert sandbox.graphql(token, "{ shop { name } }").status_code == 401
    shop = sandbox.admin("GET", f"/shops/{SHOP}").json()
    assert (shop["installed_apps"], shop["subscriptions"]) == ([], [])


def test_privacy_topics_go_to_the_compliance_uri_signed(
    make_sandbox: Any, receiver: WebhookReceiver
):
    sandbox = make_sandbox()
    sandbox.install()
    for kind in ("customers_data_request", "customers_redact", "shop_redact"):
        sandbox.activity(kind=kind, uri=receiver.url, customer_id=42)
    sandbox.wait_idle()
    requests = receiver.wait_for(3)
    topics = [r["headers"]["x-shopify-topic"] for r in requests]
    assert sorted(topics) == ["customers/data_request", "customers/redact", "shop/redact"]
    for request in requests:
        signature = request["headers"]["x-shopify-hmac-sha256"]
        assert verify_webhook_hmac(request["body"], signature, CLIENT_SECRET)
        body = json.loads(request["body"])
        assert body["shop_domain"] == SHOP
        if request["headers"]["x-shopify-topic"] != "shop/redact":
            assert body["customer"]["id"] == 42


def test_bad_activity_requests_are_400(sandbox: Sandbox):
    untracked = next(v for v in sandbox.expected_catalog()["variants"] if not v["tracked"])
    for body in (
        {"kind": "explode"},
        {"kind": "sale", "quantity": 0},
        {"kind": "sale", "variant_id": "gid://shopify/ProductVariant/1"},
        {"kind": "price_change", "price": "cheap"},
        {"kind": "location_edited", "changes": {"colour": "red"}},
        {"kind": "shop_redact"},
        {"kind": "sale", "variant_id": untracked["variant_id"]},
    ):
        response = sandbox.admin("POST", f"/shops/{SHOP}/activity", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]
