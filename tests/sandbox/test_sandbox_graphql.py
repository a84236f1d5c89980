"""Admin GraphQL: pagination, lookups, scopes, Shopify's error shapes, faults."""

from __future__ import annotations

from typing import Any

from .helpers import API_VERSION, SHOP, Sandbox

PRODUCTS_PAGE = """
query Page($first: Int!, $after: String) {
  products(first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}"""
VARIANTS_PAGE = """
query Page($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku barcode price product { id } inventoryItem { id tracked } }
  }
}"""


def data(response: Any) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    return body["data"]


def paced(sandbox: Sandbox, token: str, query: str, variables: dict[str, Any]) -> Any:
    """Like a well-behaved client: on THROTTLED wait what throttleStatus says, then retry."""
    while True:
        response = sandbox.graphql(token, query, variables)
        body = response.json()
        if body.get("errors", [{}])[0].get("extensions", {}).get("code") != "THROTTLED":
            return response
        cost = body["extensions"]["cost"]
        status = cost["throttleStatus"]
        needed = cost["requestedQueryCost"] - status["currentlyAvailable"]
        sandbox.clock.advance(needed / status["restoreRate"])


def walk(sandbox: Sandbox, token: str, query: str, field: str, first: int) -> list[Any]:
    """Every page of `field`; checks the cursors chain and the last page says it is last."""
    seen: list[Any] = []
    after = None
    while True:
        page = data(paced(sandbox, token, query, {"first": first, "after": after}))[field]
        items = page["nodes"] if "nodes" in page else [e["node"] for e in page["edges"]]
        if "edges" in page:
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
            assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen.extend(items)
        if not page["pageInfo"]["hasNextPage"]:
            assert len(items) <= first
            return seen
        assert len(items) == first
        after = page["pageInfo"]["endCursor"]


def test_products_pagination_walks_the_catalog_exactly_once(sandbox: Sandbox, token: str):
    created = sandbox.admin("POST", "/shops", json={"shop": SHOP, "products": 103})
    assert created.status_code == 201
    expected = {v["product_id"] for v in sandbox.expected_catalog()["variants"]}
    ids = [p["id"] for p in walk(sandbox, token, PRODUCTS_PAGE, "products", 10)]
    assert len(ids) == 103 == len(set(ids))
    assert set(ids) == expected
    assert ids == sorted(ids, key=lambda g: int(g.rsplit("/", 1)[1]))


def test_product_variants_pagination_matches_the_expected_catalog(sandbox: Sandbox, token: str):
    sandbox.admin("POST", "/shops", json={"shop": SHOP, "products": 300, "locations": 2})
    expected = {v["variant_id"]: v for v in sandbox.expected_catalog()["variants"]}
    rows = walk(sandbox, token, VARIANTS_PAGE, "productVariants", 250)
    assert len(rows) == len(expected) == len({r["id"] for r in rows})
    for row in rows:
        want = expected[row["id"]]
        assert (row["sku"], row["barcode"], row["price"], row["product"]["id"]) == (
            want["sku"],
            want["barcode"],
            want["price"],
            want["product_id"],
        )
        assert row["inventoryItem"] == {"id": want["inventory_item_id"], "tracked": want["tracked"]}


def test_backward_pagination_with_last_and_before(sandbox: Sandbox, token: str):
    first_page = data(sandbox.graphql(token, PRODUCTS_PAGE, {"first": 5}))["products"]
    cursor = first_page["edges"][3]["cursor"]
    query = """query($before: String) { products(last: 2, before: $before) {
      pageInfo { hasNextPage hasPreviousPage } nodes { id } } }"""
    page = data(sandbox.graphql(token, query, {"before": cursor}))["products"]
    assert [n["id"] for n in page["nodes"]] == [e["node"]["id"] for e in first_page["edges"][1:3]]
    assert page["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": True}


def test_more_than_250_per_page_is_an_error(sandbox: Sandbox, token: str):
    body = sandbox.graphql(token, "{ products(first: 251) { nodes { id } } }").json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == (
        "The requested page size (251) exceeds the maximum of 250 for `first`."
    )
    assert body["errors"][0]["path"] == ["products"]


def test_a_connection_needs_first_or_last(sandbox: Sandbox, token: str):
    body = sandbox.graphql(token, "{ locations { nodes { id } } }").json()
    assert body["errors"][0]["message"] == "you must provide one of first or last"


def test_product_inventory_item_and_levels_agree_with_the_expected_catalog(
    sandbox: Sandbox, token: str
):
    want = sandbox.expected_catalog()["variants"][4]
    query = """query($id: ID!, $item: ID!) {
      product(id: $id) { id title vendor status variants(first: 10) { nodes { id } } }
      inventoryItem(id: $item) { id sku tracked variant { id }
        inventoryLevels(first: 10) { nodes { id location { id }
          quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } }"""
    got = data(
        sandbox.graphql(token, query, {"id": want["product_id"], "item": want["inventory_item_id"]})
    )
    assert got["product"]["title"] == want["product_title"]
    assert got["product"]["vendor"] == want["vendor"]
    assert got["product"]["status"] == want["status"]
    assert want["variant_id"] in [n["id"] for n in got["product"]["variants"]["nodes"]]
    item = got["inventoryItem"]
    assert (item["sku"], item["tracked"], item["variant"]["id"]) == (
        want["sku"],
        want["tracked"],
        want["variant_id"],
    )
    levels = item["inventoryLevels"]["nodes"]
    assert {lv["location"]["id"]: lv["quantities"][0]["quantity"] for lv in levels} == (
        want["available"]
    )
    item_number = want["inventory_item_id"].rsplit("/", 1)[1]
    location_number = levels[0]["location"]["id"].rsplit("/", 1)[1]
    assert levels[0]["id"] == (
        f"gid://shopify/InventoryLevel/{location_number}?inventory_item_id={item_number}"
    )
    available = levels[0]["quantities"][0]["quantity"]
    assert levels[0]["quantities"] == [
        {"name": "available", "quantity": available},
        {"name": "on_hand", "quantity": available},
        {"name": "committed", "quantity": 0},
    ]


def test_unknown_ids_resolve_to_null(sandbox: Sandbox, token: str):
    query = """{ product(id: "gid://shopify/Product/1") { id }
      inventoryItem(id: "gid://shopify/InventoryItem/1") { id }
      location(id: "gid://shopify/Location/1") { id } }"""
    assert data(sandbox.graphql(token, query)) == {
        "product": None,
        "inventoryItem": None,
        "location": None,
    }


def test_locations_carry_addresses_and_coordinates(sandbox: Sandbox, token: str):
    query = """{ locations(first: 10) { nodes { id name isActive address { address1 address2
      city zip province provinceCode countryCode phone latitude longitude } } } }"""
    nodes = data(sandbox.graphql(token, query))["locations"]["nodes"]
    expected = sandbox.expected_catalog()["locations"]
    assert [n["id"] for n in nodes] == [e["id"] for e in expected]
    for node, want in zip(nodes, expected, strict=True):
        address = node["address"]
        assert node["name"] == want["name"] and node["isActive"] is True
        assert (address["address1"], address["city"], address["zip"]) == (
            want["address1"],
            want["city"],
            want["zip"],
        )
        assert (address["latitude"], address["longitude"]) == (want["latitude"], want["longitude"])
        assert address["countryCode"] in ("US", "CA", "MX")


def test_a_location_without_coordinates_answers_null(sandbox: Sandbox, token: str):
    for n in range(40):
        shop = f"coords-{n}.myshopify.com"
        locations = sandbox.admin("GET", f"/shops/{shop}", params={"catalog": "1"}).json()
        if any(loc["latitude"] is None for loc in locations["catalog"]["locations"]):
            break
    else:
        raise AssertionError("no generated shop has a location without coordinates")
    access = sandbox.install(shop=shop)["access_token"]
    query = "{ locations(first: 10) { nodes { address { latitude longitude } } } }"
    nodes = data(sandbox.graphql(access, query, shop=shop))["locations"]["nodes"]
    assert sum(n["address"] == {"latitude": None, "longitude": None} for n in nodes) == 1


def test_scopes_that_were_not_granted_give_access_denied(sandbox: Sandbox):
    access = sandbox.install(scope="read_products")["access_token"]
    body = sandbox.graphql(access, "{ locations(first: 1) { nodes { id } } }").json()
    assert body["data"] is None
    assert body["errors"] == [
        {
            "message": "Access denied for locations field. Required access: "
            "`read_locations` access scope.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["locations"],
            "extensions": {
                "code": "ACCESS_DENIED",
                "documentation": "https://shopify.dev/api/usage/access-scopes",
                "requiredAccess": "`read_locations` access scope.",
            },
        }
    ]
    levels = sandbox.graphql(
        access,
        "{ productVariants(first: 1) { nodes { id inventoryItem { inventoryLevels(first: 1) "
        "{ nodes { id } } } } } }",
    ).json()
    assert levels["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert levels["errors"][0]["path"] == [
        "productVariants",
        "nodes",
        0,
        "inventoryItem",
        "inventoryLevels",
    ]


def test_write_scope_includes_read(sandbox: Sandbox):
    access = sandbox.install(scope="write_products")["access_token"]
    assert data(sandbox.graphql(access, "{ products(first: 1) { nodes { id } } }"))


def test_unknown_field_is_a_validation_error_in_shopifys_shape(sandbox: Sandbox, token: str):
    body = sandbox.graphql(token, "query Cat { products(first: 2) { nodes { id colour } } }").json()
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": "Field 'colour' doesn't exist on type 'Product'",
            "locations": [{"line": 1, "column": 45}],
            "path": ["query Cat", "products", "nodes", "colour"],
            "extensions": {"code": "undefinedField", "typeName": "Product", "fieldName": "colour"},
        }
    ]
    assert body["extensions"]["cost"]["requestedQueryCost"] == 0


def test_shop_and_counts(sandbox: Sandbox, token: str):
    query = """{ shop { name myshopifyDomain currencyCode }
      productVariantsCount { count precision } productsCount(limit: 5) { count precision } }"""
    got = data(sandbox.graphql(token, query))
    counts = sandbox.admin("GET", f"/shops/{SHOP}").json()["counts"]
    assert got["shop"] == {"name": "Acme", "myshopifyDomain": SHOP, "currencyCode": "USD"}
    assert got["productVariantsCount"] == {"count": counts["variants"], "precision": "EXACT"}
    assert got["productsCount"] == {"count": 5, "precision": "AT_LEAST"}


def test_raw_graphql_body_and_missing_query(sandbox: Sandbox, token: str):
    url = f"/{SHOP}/admin/api/{API_VERSION}/graphql.json"
    headers = {"X-Shopify-Access-Token": token}
    raw = sandbox.client.post(
        url, headers={**headers, "Content-Type": "application/graphql"}, content="{ shop { name } }"
    )
    assert raw.json()["data"] == {"shop": {"name": "Acme"}}
    assert raw.headers["x-shopify-api-version"] == API_VERSION
    missing = sandbox.client.post(url, headers=headers, json={"variables": {}})
    assert (missing.status_code, missing.json()) == (
        400,
        {"errors": {"query": "Required parameter missing or invalid"}},
    )


def test_unknown_api_version_is_not_found(sandbox: Sandbox, token: str):
    response = sandbox.client.post(
        f"/{SHOP}/admin/api/2026-08/graphql.json",
        headers={"X-Shopify-Access-Token": token},
        json={"query": "{ shop { name } }"},
    )
    assert (response.status_code, response.json()) == (404, {"errors": "Not Found"})


def test_webhook_subscriptions_create_list_delete(sandbox: Sandbox, token: str):
    create = """mutation($uri: String!) {
      webhookSubscriptionCreate(topic: INVENTORY_LEVELS_UPDATE,
                                webhookSubscription: {uri: $uri, format: JSON}) {
        webhookSubscription { id topic uri format apiVersion { handle } }
        userErrors { field message } } }"""
    uri = "https://closient.test/webhooks/shopify"
    made = data(sandbox.graphql(token, create, {"uri": uri}))["webhookSubscriptionCreate"]
    assert made["userErrors"] == []
    subscription = made["webhookSubscription"]
    assert subscription["id"].startswith("gid://shopify/WebhookSubscription/")
    assert (subscription["topic"], subscription["uri"], subscription["format"]) == (
        "INVENTORY_LEVELS_UPDATE",
        uri,
        "JSON",
    )
    assert subscription["apiVersion"] == {"handle": API_VERSION}
    again = data(sandbox.graphql(token, create, {"uri": uri}))["webhookSubscriptionCreate"]
    assert again == {
        "webhookSubscription": None,
        "userErrors": [
            {
                "field": ["webhookSubscription", "callbackUrl"],
                "message": "Address for this topic has already been taken",
            }
        ],
    }
    listed = data(
        sandbox.graphql(token, "{ webhookSubscriptions(first: 10) { nodes { id topic uri } } }")
    )
    assert listed["webhookSubscriptions"]["nodes"] == [
        {"id": subscription["id"], "topic": "INVENTORY_LEVELS_UPDATE", "uri": uri}
    ]
    delete = """mutation($id: ID!) { webhookSubscriptionDelete(id: $id) {
      deletedWebhookSubscriptionId userErrors { field message } } }"""
    deleted = data(sandbox.graphql(token, delete, {"id": subscription["id"]}))
    assert deleted["webhookSubscriptionDelete"] == {
        "deletedWebhookSubscriptionId": subscription["id"],
        "userErrors": [],
    }
    gone = data(sandbox.graphql(token, delete, {"id": subscription["id"]}))
    assert gone["webhookSubscriptionDelete"]["userErrors"] == [
        {"field": ["id"], "message": "Webhook subscription does not exist"}
    ]


def test_subscriptions_are_per_app(sandbox: Sandbox, token: str):
    from .helpers import OTHER_CLIENT_ID, OTHER_SECRET

    other = sandbox.install(client_id=OTHER_CLIENT_ID, secret=OTHER_SECRET)["access_token"]
    create = """mutation { webhookSubscriptionCreate(topic: PRODUCTS_UPDATE,
      webhookSubscription: {uri: "https://other.test/hooks"}) { userErrors { message } } }"""
    assert data(sandbox.graphql(other, create))["webhookSubscriptionCreate"]["userErrors"] == []
    listed = data(sandbox.graphql(token, "{ webhookSubscriptions(first: 5) { nodes { id } } }"))
    assert listed["webhookSubscriptions"]["nodes"] == []


def test_http_500_fault_for_the_next_n_calls(sandbox: Sandbox, token: str):
    set_fault = sandbox.admin("POST", "/faults", json={"mode": "http_500", "count": 2})
    assert set_fault.json() == {"fault": {"mode": "http_500", "remaining": 2, "shop": None}}
    statuses = [sandbox.graphql(token, "{ shop { name } }").status_code for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert sandbox.admin("GET", "/faults").json() == {"fault": None}


def test_graphql_internal_error_fault_until_cleared(sandbox: Sandbox, token: str):
    sandbox.admin("POST", "/faults", json={"mode": "graphql_internal_error"})
    for _ in range(3):
        response = sandbox.graphql(token, "{ shop { name } }")
        body = response.json()
        assert response.status_code == 200
        assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert body["errors"][0]["message"].startswith(
            "Internal error. Looks like something went wrong on our end."
        )
    sandbox.admin("DELETE", "/faults")
    assert data(sandbox.graphql(token, "{ shop { name } }")) == {"shop": {"name": "Acme"}}


def test_a_fault_can_target_one_shop(sandbox: Sandbox, token: str):
    sandbox.admin("POST", "/faults", json={"mode": "http_500", "shop": "other.myshopify.com"})
    assert sandbox.graphql(token, "{ shop { name } }").status_code == 200


def test_inventory_items_pagination_follows_item_ids(sandbox: Sandbox, token: str):
    query = """query Page($first: Int!, $after: String) { inventoryItems(first: $first,
      after: $after) { pageInfo { hasNextPage endCursor } nodes { id sku variant { id } } } }"""
    items = walk(sandbox, token, query, "inventoryItems", 25)
    expected = sandbox.expected_catalog()["variants"]
    assert [(i["id"], i["sku"], i["variant"]["id"]) for i in items] == [
        (v["inventory_item_id"], v["sku"], v["variant_id"]) for v in expected
    ]


def test_inactive_locations_are_hidden_unless_asked_for(sandbox: Sandbox, token: str):
    location = sandbox.expected_catalog()["locations"][1]["id"]
    sandbox.activity(kind="location_edited", location_id=location, changes={"is_active": False})
    query = """query($all: Boolean) { locations(first: 5, includeInactive: $all) {
      nodes { id isActive } } }"""
    active = data(sandbox.graphql(token, query, {"all": False}))["locations"]["nodes"]
    everything = data(sandbox.graphql(token, query, {"all": True}))["locations"]["nodes"]
    assert location not in [n["id"] for n in active] and len(active) == 2
    assert {"id": location, "isActive": False} in everything and len(everything) == 3


def test_unknown_quantity_names_are_an_error(sandbox: Sandbox, token: str):
    query = """{ inventoryItems(first: 1) { nodes { inventoryLevels(first: 1) { nodes {
      quantities(names: ["available", "sold"]) { quantity } } } } } }"""
    body = sandbox.graphql(token, query).json()
    assert body["errors"][0]["message"].startswith("Invalid quantity names: sold.")


def test_meta_fields_are_known_and_made_up_ones_are_not(sandbox: Sandbox, token: str):
    assert data(sandbox.graphql(token, "{ shop { __typename } }")) == {
        "shop": {"__typename": "Shop"}
    }
    body = sandbox.graphql(token, "{ shop { __secret } }").json()
    assert body["errors"][0]["message"] == "Field '__secret' doesn't exist on type 'Shop'"
