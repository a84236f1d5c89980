"""Subscribing our topics, unsubscribing, and the connector's webhook verify/parse."""

from __future__ import annotations

import json

import httpx
import pytest

from closient_app.connectors.interface import InventoryLevelChanged, PosRequestRejected
from closient_app.connectors.shopify.consts import SUBSCRIBED_TOPICS
from closient_app.connectors.shopify.signatures import webhook_hmac

from .fakes import ScriptedShopify, fixture_bytes, graphql_body, make_connector

pytestmark = pytest.mark.anyio

RECEIVE_URL = "https://closient.example/integrations/shopify/webhooks"


def created(request: httpx.Request) -> httpx.Response:
    variables = json.loads(request.content)["variables"]
    number = list(SUBSCRIBED_TOPICS.values()).index(variables["topic"]) + 1
    return httpx.Response(200, json=graphql_body({"webhookSubscriptionCreate": {
        "webhookSubscription": {"id": f"gid://shopify/WebhookSubscription/{number}",
                                "topic": variables["topic"]},
        "userErrors": []}}, requested=10))


async def test_subscribes_every_topic_to_the_receive_url_as_json(fake_time):
    shopify = ScriptedShopify(created)
    subscriptions = await make_connector(shopify, fake_time).subscribe_webhooks(
        "acme", "shpat_t", RECEIVE_URL)
    assert subscriptions[0] == ("inventory_levels/update",
                                "gid://shopify/WebhookSubscription/1")
    assert [s.topic for s in subscriptions] == list(SUBSCRIBED_TOPICS)
    sent = [json.loads(r.content)["variables"] for r in shopify.requests]
    assert sent[0] == {"topic": "INVENTORY_LEVELS_UPDATE",
                       "subscription": {"uri": RECEIVE_URL, "format": "JSON"}}
    assert len(sent) == 11


async def test_an_existing_subscription_is_reused(fake_time):
    taken = graphql_body({"webhookSubscriptionCreate": {"webhookSubscription": None,
        "userErrors": [{"field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address for this topic has already been taken"}]}})
    existing = graphql_body({"webhookSubscriptions": {"nodes": [
        {"id": "gid://shopify/WebhookSubscription/7", "topic": "INVENTORY_LEVELS_UPDATE",
         "uri": "https://elsewhere.example/hooks"},
        {"id": "gid://shopify/WebhookSubscription/8", "topic": "INVENTORY_LEVELS_UPDATE",
         "uri": RECEIVE_URL}]}})
    answers = [taken, existing]

    def shopify_answer(request: httpx.Request) -> httpx.Response:
        query = json.loads(request.content)["query"]
        if answers and ("ExistingSubscriptions" in query or answers[0] is taken):
            return httpx.Response(200, json=answers.pop(0))
        return created(request)

    subscriptions = await make_connector(ScriptedShopify(shopify_answer), fake_time)\
        .subscribe_webhooks("acme", "t", RECEIVE_URL)
    assert subscriptions[0] == ("inventory_levels/update",
                                "gid://shopify/WebhookSubscription/8")
    assert len(subscriptions) == 11


async def test_a_refused_subscription_is_terminal(fake_time):
    refused = graphql_body({"webhookSubscriptionCreate": {"webhookSubscription": None,
        "userErrors": [{"field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address is invalid"}]}})
    with pytest.raises(PosRequestRejected, match="Address is invalid"):
        await make_connector(ScriptedShopify([refused]), fake_time).subscribe_webhooks(
            "acme", "t", "ftp://nope")


async def test_unsubscribe_tolerates_already_deleted(fake_time):
    shopify = ScriptedShopify([
        graphql_body({"webhookSubscriptionDelete": {
            "deletedWebhookSubscriptionId": "gid://shopify/WebhookSubscription/1",
            "userErrors": []}}),
        graphql_body({"webhookSubscriptionDelete": {"deletedWebhookSubscriptionId": None,
            "userErrors": [{"field": ["id"],
                            "message": "Webhook subscription does not exist"}]}}),
    ])
    await make_connector(shopify, fake_time).unsubscribe_webhooks(
        "acme", "t", ["gid://shopify/WebhookSubscription/1",
                      "gid://shopify/WebhookSubscription/2"])
    assert [json.loads(r.content)["variables"]["id"] for r in shopify.requests] == [
        "gid://shopify/WebhookSubscription/1", "gid://shopify/WebhookSubscription/2"]


async def test_unsubscribe_reports_other_errors(fake_time):
    shopify = ScriptedShopify([graphql_body({"webhookSubscriptionDelete": {
        "deletedWebhookSubscriptionId": None,
        "userErrors": [{"field": ["id"], "message": "Access denied"}]}})])
    with pytest.raises(PosRequestRejected):
        await make_connector(shopify, fake_time).unsubscribe_webhooks("acme", "t", ["x"])


@pytest.mark.parametrize("prefix", ["X-Shopify-", "shopify-"])
async def test_connector_verifies_then_parses_a_delivery(fake_time, prefix):
    body = fixture_bytes("inventory_levels_update.json")
    headers = {f"{prefix}Topic": "inventory_levels/update",
               f"{prefix}Hmac-Sha256": webhook_hmac(body, "old-hush"),  # previous secret
               f"{prefix}Shop-Domain": "acme.myshopify.com",
               f"{prefix}Webhook-Id": "wh-1"}
    connector = make_connector(ScriptedShopify([]), fake_time)
    assert connector.verify_webhook(headers, body) is True
    assert connector.verify_webhook(headers, body + b" ") is False
    delivery = connector.parse_webhook(headers, body)
    assert (delivery.webhook_id, delivery.shop) == ("wh-1", "acme.myshopify.com")
    assert isinstance(delivery.event, InventoryLevelChanged)


async def test_forged_delivery_fails_verification(fake_time):
    body = fixture_bytes("shop_redact.json")
    headers = {"X-Shopify-Topic": "shop/redact",
               "X-Shopify-Hmac-Sha256": webhook_hmac(body, "attacker")}
    assert make_connector(ScriptedShopify([]), fake_time).verify_webhook(headers, body) is False
