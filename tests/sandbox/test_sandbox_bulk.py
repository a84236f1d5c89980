"""Bulk operations: run the query in the background, serve JSONL with `__parentId` rows."""

from __future__ import annotations

import json
import time
from typing import Any

from .helpers import SHOP, Sandbox, WebhookReceiver

RUN = """mutation($query: String!) { bulkOperationRunQuery(query: $query) {
  bulkOperation { id status } userErrors { field message code } } }"""
CURRENT = """{ currentBulkOperation { id status errorCode objectCount rootObjectCount url
  createdAt completedAt } }"""
VARIANTS_WITH_LEVELS = """{ productVariants { edges { node { id sku price
  inventoryItem { id tracked inventoryLevels { edges { node { id location { id }
    quantities(names: ["available"]) { name quantity } } } } } } } } }"""


def run_bulk(sandbox: Sandbox, token: str, query: str) -> dict[str, Any]:
    body = sandbox.graphql(token, RUN, {"query": query}).json()
    return body["data"]["bulkOperationRunQuery"]


def current(sandbox: Sandbox, token: str) -> dict[str, Any]:
    return sandbox.graphql(token, CURRENT).json()["data"]["currentBulkOperation"]


def finished(sandbox: Sandbox, token: str) -> dict[str, Any]:
    sandbox.wait_idle()
    return current(sandbox, token)


def jsonl(sandbox: Sandbox, url: str) -> list[dict[str, Any]]:
    response = sandbox.client.get(url)
    assert response.status_code == 200
    return [json.loads(line) for line in response.text.splitlines()]


def test_variants_with_levels_export_as_jsonl_with_parent_ids(sandbox: Sandbox, token: str):
    started = run_bulk(sandbox, token, VARIANTS_WITH_LEVELS)
    assert started["userErrors"] == []
    assert started["bulkOperation"]["status"] == "CREATED"
    operation = finished(sandbox, token)
    assert operation["id"] == started["bulkOperation"]["id"]
    assert (operation["status"], operation["errorCode"]) == ("COMPLETED", None)
    expected = {v["variant_id"]: v for v in sandbox.expected_catalog()["variants"]}
    locations = len(sandbox.expected_catalog()["locations"])
    assert operation["rootObjectCount"] == str(len(expected))
    assert operation["objectCount"] == str(len(expected) * (1 + locations))
    assert operation["url"].startswith(f"http://testserver/{SHOP}/bulk-operations/")
    rows = jsonl(sandbox, operation["url"])
    variants = [r for r in rows if "__parentId" not in r]
    levels = [r for r in rows if "__parentId" in r]
    assert sorted(v["id"] for v in variants) == sorted(expected)
    for variant in variants:
        want = expected[variant["id"]]
        assert variant == {
            "id": want["variant_id"],
            "sku": want["sku"],
            "price": want["price"],
            "inventoryItem": {"id": want["inventory_item_id"], "tracked": want["tracked"]},
        }
    got: dict[str, dict[str, int]] = {}
    for level in levels:
        got.setdefault(level["__parentId"], {})[level["location"]["id"]] = level["quantities"][0][
            "quantity"
        ]
    assert got == {vid: v["available"] for vid, v in expected.items()}


def test_products_and_variants_export_children_after_parents(sandbox: Sandbox, token: str):
    run_bulk(
        sandbox,
        token,
        "{ products { edges { node { id title variants { edges { node { id title } } } } } } }",
    )
    rows = jsonl(sandbox, finished(sandbox, token)["url"])
    seen: set[str] = set()
    for row in rows:
        if "__parentId" in row:
            assert row["__parentId"] in seen  # the parent line came first
            assert row["id"].startswith("gid://shopify/ProductVariant/")
        else:
            seen.add(row["id"])
    assert len(seen) == 40


def test_the_jsonl_needs_no_token_but_the_right_key(sandbox: Sandbox, token: str):
    run_bulk(sandbox, token, "{ locations { edges { node { id name } } } }")
    url = finished(sandbox, token)["url"]
    assert len(jsonl(sandbox, url)) == 3
    assert sandbox.client.get(url.replace(".jsonl", "x.jsonl")).status_code == 404
    assert sandbox.client.get(url.replace(SHOP, "other.myshopify.com")).status_code == 404


def test_invalid_bulk_queries_are_user_errors(sandbox: Sandbox, token: str):
    too_deep = """{ products { edges { node { id variants { edges { node { id inventoryItem {
      inventoryLevels { edges { node { id } } } } } } } } } } }"""
    cases = {
        too_deep: "Bulk queries cannot contain connections nested more than 2 levels deep.",
        "{ shop { name } }": "Bulk queries must contain at least one connection.",
        "{ products { edges { node { nope } } } }": (
            "Invalid bulk query: Field 'nope' doesn't exist on type 'Product'"
        ),
    }
    for query, message in cases.items():
        result = run_bulk(sandbox, token, query)
        assert result == {
            "bulkOperation": None,
            "userErrors": [{"field": ["query"], "message": message, "code": "INVALID"}],
        }


def test_a_bulk_query_without_the_scope_fails_with_access_denied(sandbox: Sandbox):
    access = sandbox.install(scope="read_products")["access_token"]
    run_bulk(sandbox, access, "{ locations { edges { node { id } } } }")
    operation = finished(sandbox, access)
    assert (operation["status"], operation["errorCode"], operation["url"]) == (
        "FAILED",
        "ACCESS_DENIED",
        None,
    )


def test_bulk_finish_webhook(make_sandbox: Any, receiver: WebhookReceiver):
    sandbox = make_sandbox()
    token = sandbox.install()["access_token"]
    subscribe = """mutation($uri: String!) { webhookSubscriptionCreate(
      topic: BULK_OPERATIONS_FINISH, webhookSubscription: {uri: $uri}) {
        userErrors { message } } }"""
    sandbox.graphql(token, subscribe, {"uri": receiver.url})
    started = run_bulk(sandbox, token, "{ locations { edges { node { id } } } }")
    sandbox.wait_idle()
    [request] = receiver.wait_for(1)
    assert request["headers"]["x-shopify-topic"] == "bulk_operations/finish"
    payload = json.loads(request["body"])
    assert (payload["admin_graphql_api_id"], payload["status"], payload["type"]) == (
        started["bulkOperation"]["id"],
        "completed",
        "query",
    )


def test_an_export_runs_for_bulk_run_s_and_the_shop_lists_its_exports(sandbox: Sandbox, token: str):
    sandbox.admin("PUT", "/settings", json={"bulk_run_s": 60})
    started = run_bulk(sandbox, token, "{ locations { edges { node { id } } } }")
    export = started["bulkOperation"]["id"]
    deadline = time.monotonic() + 10
    while current(sandbox, token)["status"] != "RUNNING":
        assert time.monotonic() < deadline, "the export never started running"
        time.sleep(0.01)
    again = run_bulk(sandbox, token, "{ locations { edges { node { id } } } }")
    assert [e["code"] for e in again["userErrors"]] == ["OPERATION_IN_PROGRESS"]
    listed = sandbox.admin("GET", f"/shops/{SHOP}").json()["bulk_operations"]
    assert [(e["id"], e["status"], e["completed_at"]) for e in listed] == [
        (export, "RUNNING", None)
    ]

    sandbox.admin("PUT", "/settings", json={"bulk_run_s": 0})  # lets the running one finish
    assert finished(sandbox, token)["status"] == "COMPLETED"
    [listed] = sandbox.admin("GET", f"/shops/{SHOP}").json()["bulk_operations"]
    assert (listed["id"], listed["status"]) == (export, "COMPLETED")
    assert listed["completed_at"] is not None
