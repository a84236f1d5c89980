"""Calculated query cost and the leaky bucket, with exact numbers and an injected clock."""

from __future__ import annotations

from typing import Any

from .helpers import SHOP, Sandbox


def cost_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == 200
    return body["extensions"]["cost"]


def test_a_single_object_costs_one(sandbox: Sandbox, token: str):
    assert cost_of(sandbox.graphql(token, "{ shop { name currencyCode } }")) == {
        "requestedQueryCost": 1,
        "actualQueryCost": 1,
        "throttleStatus": {
            "maximumAvailable": 1000.0,
            "currentlyAvailable": 999,
            "restoreRate": 100.0,
        },
    }


def test_a_connection_costs_two_plus_first_times_its_node(sandbox: Sandbox, token: str):
    cost = cost_of(sandbox.graphql(token, "{ products(first: 10) { nodes { id title } } }"))
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (12, 12)


def test_nested_connections_multiply_and_actual_counts_what_came_back(sandbox: Sandbox, token: str):
    query = """{ products(first: 10) { edges { node { title
      variants(first: 5) { edges { node { price } } } } } } }"""
    response = sandbox.graphql(token, query)
    returned = [
        len(e["node"]["variants"]["edges"]) for e in response.json()["data"]["products"]["edges"]
    ]
    cost = cost_of(response)
    assert cost["requestedQueryCost"] == 2 + 10 * (1 + 2 + 5 * 1) == 82
    assert cost["actualQueryCost"] == 2 + sum(1 + 2 + n for n in returned)
    assert cost["actualQueryCost"] < 82


def test_the_difference_between_requested_and_actual_is_refunded(sandbox: Sandbox, token: str):
    cost = cost_of(sandbox.graphql(token, "{ products(first: 250) { nodes { id } } }"))
    assert cost["requestedQueryCost"] == 252
    assert cost["actualQueryCost"] == 2 + 40  # the shop has 40 products
    assert cost["throttleStatus"]["currentlyAvailable"] == 1000 - 42


def test_variables_and_fragments_count(sandbox: Sandbox, token: str):
    query = """query($n: Int!) { products(first: $n) { ...Ids } }
      fragment Ids on ProductConnection { nodes { id } pageInfo { hasNextPage } }"""
    cost = cost_of(sandbox.graphql(token, query, {"n": 3}))
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (5, 5)


def test_the_connectors_catalog_page_costs_what_it_plans(sandbox: Sandbox, token: str):
    # 2 + N x (5 + 3L): variant 1, product 1, inventoryItem 1, levels 2 + L x (level,
    # location, quantities); N = 71 and L = 3 give 996.
    query = """query($first: Int!, $levels: Int!) { productVariants(first: $first) {
      pageInfo { hasNextPage endCursor }
      nodes { id sku product { id title } inventoryItem { id tracked
        inventoryLevels(first: $levels) { nodes { updatedAt location { id }
          quantities(names: ["available"]) { name quantity } } } } } } }"""
    cost = cost_of(sandbox.graphql(token, query, {"first": 71, "levels": 3}))
    assert cost["requestedQueryCost"] == 996
    assert cost["actualQueryCost"] == 996  # 80 variants, each stocked at 3 locations


def test_a_mutation_costs_ten(sandbox: Sandbox, token: str):
    mutation = """mutation { webhookSubscriptionCreate(topic: PRODUCTS_UPDATE,
      webhookSubscription: {uri: "https://closient.test/hooks"}) {
        webhookSubscription { id } userErrors { message } } }"""
    cost = cost_of(sandbox.graphql(token, mutation))
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (10, 10)


def test_a_query_over_the_single_query_maximum_is_refused_before_running(
    sandbox: Sandbox, token: str
):
    query = """{ products(first: 250) { nodes { id title variants(first: 100) { nodes {
      id sku inventoryItem { id tracked inventoryLevels(first: 50) { nodes {
        location { id } quantities(names: ["available"]) { name quantity } } } } } } } } }"""
    body = sandbox.graphql(token, query).json()
    requested = 2 + 250 * (1 + 2 + 100 * (1 + 1 + 2 + 50 * (1 + 1 + 1)))
    assert requested == 3_850_752
    assert "data" not in body
    assert body["errors"][0]["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "cost": requested,
        "maxCost": 1000,
    }
    assert body["errors"][0]["message"].startswith(
        "Query cost is 3850752, which exceeds the single query max cost limit (1000)."
    )
    assert body["extensions"]["cost"] == {
        "requestedQueryCost": requested,
        "actualQueryCost": None,
        "throttleStatus": {
            "maximumAvailable": 1000.0,
            "currentlyAvailable": 1000,
            "restoreRate": 100.0,
        },
    }


def test_a_burst_over_budget_is_throttled_until_the_bucket_refills(sandbox: Sandbox, token: str):
    sandbox.admin("POST", "/shops", json={"shop": SHOP, "products": 300})
    query = "{ products(first: 249) { nodes { id title } } }"  # 251, all of it returned
    for expected_left in (749, 498, 247):
        cost = cost_of(sandbox.graphql(token, query))
        assert cost["actualQueryCost"] == 251
        assert cost["throttleStatus"]["currentlyAvailable"] == expected_left
    refused = sandbox.graphql(token, query)
    assert refused.status_code == 200
    assert refused.json() == {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {
                    "code": "THROTTLED",
                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                },
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": 251,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 1000.0,
                    "currentlyAvailable": 247,
                    "restoreRate": 100.0,
                },
            }
        },
    }
    wait = (251 - 247) / 100.0  # (needed - available) / restoreRate
    sandbox.clock.advance(wait * 0.9)
    assert cost_of(sandbox.graphql(token, query))["actualQueryCost"] is None  # still too early
    sandbox.clock.advance(wait * 0.1)
    after = sandbox.graphql(token, query)
    assert "errors" not in after.json()
    assert cost_of(after)["throttleStatus"]["currentlyAvailable"] == 0


def test_the_bucket_never_refills_past_its_maximum(sandbox: Sandbox, token: str):
    sandbox.graphql(token, "{ products(first: 100) { nodes { id } } }")
    sandbox.clock.advance(600)  # refills 60,000 points' worth, capped at 1000
    cost = cost_of(sandbox.graphql(token, "{ shop { name } }"))
    assert cost["throttleStatus"]["currentlyAvailable"] == 999


def test_buckets_are_per_shop_and_app(sandbox: Sandbox, token: str):
    from .helpers import OTHER_CLIENT_ID, OTHER_SECRET

    other_app = sandbox.install(client_id=OTHER_CLIENT_ID, secret=OTHER_SECRET)["access_token"]
    other_shop = sandbox.install(shop="other.myshopify.com")["access_token"]
    sandbox.graphql(token, "{ products(first: 30) { nodes { id } } }")  # 32 points
    for access, shop in ((other_app, SHOP), (other_shop, "other.myshopify.com")):
        response = sandbox.graphql(access, "{ shop { name } }", shop=shop)
        assert cost_of(response)["throttleStatus"]["currentlyAvailable"] == 999


def test_bucket_size_and_restore_rate_are_settings(sandbox: Sandbox, token: str):
    updated = sandbox.admin("PUT", "/settings", json={"bucket_max": 2000, "restore_rate": 1000})
    assert (updated.json()["bucket_max"], updated.json()["restore_rate"]) == (2000, 1000)
    sandbox.clock.advance(10)
    status = cost_of(sandbox.graphql(token, "{ shop { name } }"))["throttleStatus"]
    assert status == {"maximumAvailable": 2000.0, "currentlyAvailable": 1999, "restoreRate": 1000.0}
