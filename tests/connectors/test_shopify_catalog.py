"""Page sizing, catalog pages (resumable, complete levels), locations, bulk export."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from closient_app.connectors.interface import (
    PosLocation,
    PosOffer,
    PosRequestRejected,
    PosUnavailable,
    StockLevel,
)
from closient_app.connectors.shopify.bulk import BULK_CATALOG_QUERY, assemble_offers
from closient_app.connectors.shopify.catalog import PageShape, page_shape

from .fakes import ScriptedShopify, graphql_body, make_connector

pytestmark = pytest.mark.anyio

T1 = "2026-03-01T10:00:00Z"
T2 = "2026-03-02T10:00:00Z"


@pytest.mark.parametrize(
    ("locations", "first", "levels", "cost"),
    [(1, 124, 1, 994), (3, 71, 3, 996), (5, 49, 5, 982), (10, 28, 10, 982), (0, 124, 1, 994),
     (80, 6, 50, 932)],
)
def test_page_shape_is_the_largest_page_under_the_max_cost(locations, first, levels, cost):
    shape = page_shape(locations)
    assert (shape.first, shape.levels, shape.requested_cost) == (first, levels, cost)
    assert PageShape(first + 1, levels).requested_cost > 1000 or first == 250


def variant(n: int, levels: list[tuple[int, int]], *, more_levels: bool = False) -> dict:
    return {
        "id": f"gid://shopify/ProductVariant/{n}", "title": f"Size {n}", "sku": f"SKU-{n}",
        "barcode": "0012345678905" if n == 1 else None, "price": "12.99", "updatedAt": T1,
        "product": {"id": "gid://shopify/Product/10", "title": "Tee", "vendor": "Acme",
                    "status": "ACTIVE", "updatedAt": T2},
        "inventoryItem": {
            "id": f"gid://shopify/InventoryItem/{100 + n}", "tracked": True,
            "inventoryLevels": {
                "pageInfo": {"hasNextPage": more_levels, "endCursor": "lvl-c1"},
                "nodes": [level(loc, qty) for loc, qty in levels],
            },
        },
    }


def level(location: int, quantity: int) -> dict:
    return {"updatedAt": T1, "location": {"id": f"gid://shopify/Location/{location}"},
            "quantities": [{"name": "available", "quantity": quantity}]}


def page(nodes: list[dict], next_cursor: str | None) -> dict:
    return {"productVariants": {
        "pageInfo": {"hasNextPage": next_cursor is not None, "endCursor": next_cursor},
        "nodes": nodes}}


LOCATIONS = {"locations": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": [
    {"id": f"gid://shopify/Location/{n}", "name": f"Store {n}", "isActive": True,
     "address": {"address1": f"{n} Main St", "address2": None, "city": "Ottawa",
                 "zip": "K1N 9J7", "province": "Ontario", "provinceCode": "ON",
                 "countryCode": "CA", "phone": None, "latitude": 45.42, "longitude": -75.69}}
    for n in (1, 2, 3)]}}


class FakeCatalog:
    """Answers by operation name, like Shopify would for these queries."""

    def __init__(self, pages: dict[str | None, dict], extra: dict | None = None) -> None:
        self.pages, self.extra = pages, extra or {}
        self.variables: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        payload = json.loads(request.content)
        query, variables = payload["query"], payload["variables"]
        self.variables.append(variables)
        if "ShopCurrency" in query:
            return httpx.Response(200, json=graphql_body({"shop": {"currencyCode": "CAD"}}))
        if "query Locations" in query:
            return httpx.Response(200, json=graphql_body(LOCATIONS))
        if "CatalogPage" in query:
            return httpx.Response(200, json=graphql_body(self.pages[variables["after"]],
                                                         requested=996))
        for marker, answer in self.extra.items():
            if marker in query:
                return answer if isinstance(answer, httpx.Response) else httpx.Response(
                    200, json=graphql_body(answer))
        raise AssertionError(f"unexpected query: {query}")


def offer(n: int, levels: tuple[StockLevel, ...]) -> PosOffer:
    return PosOffer(
        external_product_id="gid://shopify/Product/10",
        external_variant_id=f"gid://shopify/ProductVariant/{n}",
        inventory_item_id=f"gid://shopify/InventoryItem/{100 + n}",
        title="Tee", variant_title=f"Size {n}", vendor="Acme", sku=f"SKU-{n}",
        barcode="0012345678905" if n == 1 else None, price_amount=1299, currency="CAD",
        tracked=True, is_active=True, updated_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
        levels=levels,
    )


def stock(location: int, quantity: int) -> StockLevel:
    return StockLevel(f"gid://shopify/Location/{location}", quantity,
                      datetime(2026, 3, 1, 10, tzinfo=UTC))


async def test_catalog_pages_walk_to_the_end_with_exact_rows(fake_time):
    catalog = FakeCatalog({None: page([variant(1, [(1, 5), (2, 0)])], "c1"),
                           "c1": page([variant(2, [(3, 7)])], None)})
    connector = make_connector(ScriptedShopify(catalog), fake_time)
    pages = [p async for p in connector.catalog_pages("acme", "shpat_t")]
    assert [p.next_cursor for p in pages] == ["c1", None]
    assert pages[0].rows == (offer(1, (stock(1, 5), stock(2, 0))),)
    assert pages[1].rows == (offer(2, (stock(3, 7),)),)
    assert pages[0].cost.requested == 996
    page_variables = [v for v in catalog.variables if "levels" in v]
    assert page_variables == [{"first": 71, "levels": 3, "after": None},
                              {"first": 71, "levels": 3, "after": "c1"}]


async def test_catalog_pages_resume_from_a_cursor(fake_time):
    catalog = FakeCatalog({"c1": page([variant(2, [(3, 7)])], None)})
    connector = make_connector(ScriptedShopify(catalog), fake_time)
    pages = [p async for p in connector.catalog_pages("acme", "shpat_t", cursor="c1")]
    assert [row.external_variant_id for p in pages for row in p.rows] == [
        "gid://shopify/ProductVariant/2"]


async def test_an_item_with_more_levels_than_asked_gets_the_rest(fake_time):
    more = {"inventoryItem": {"inventoryLevels": {
        "pageInfo": {"hasNextPage": False, "endCursor": "lvl-c2"}, "nodes": [level(4, 9)]}}}
    catalog = FakeCatalog({None: page([variant(1, [(1, 5), (2, 0), (3, 1)], more_levels=True)],
                                      None)}, extra={"MoreLevels": more})
    connector = make_connector(ScriptedShopify(catalog), fake_time)
    [only] = [p async for p in connector.catalog_pages("acme", "shpat_t")]
    assert only.rows[0].levels == (stock(1, 5), stock(2, 0), stock(3, 1), stock(4, 9))
    assert {"id": "gid://shopify/InventoryItem/101", "after": "lvl-c1"} in catalog.variables


async def test_a_page_shopify_finds_too_costly_is_halved(fake_time):
    too_costly = {"errors": [{"message": "Query cost is 1100",
                              "extensions": {"code": "MAX_COST_EXCEEDED"}}]}
    answers = iter([too_costly])

    class Stingy(FakeCatalog):
        def __call__(self, request):
            if "CatalogPage" in json.loads(request.content)["query"]:
                for answer in answers:
                    self.variables.append(json.loads(request.content)["variables"])
                    return httpx.Response(200, json=answer)
            return super().__call__(request)

    catalog = Stingy({None: page([variant(1, [(1, 5)])], None)})
    connector = make_connector(ScriptedShopify(catalog), fake_time)
    pages = [p async for p in connector.catalog_pages("acme", "shpat_t")]
    assert len(pages) == 1
    assert [v["first"] for v in catalog.variables if "levels" in v] == [71, 35]


async def test_list_locations(fake_time):
    connector = make_connector(ScriptedShopify([graphql_body(LOCATIONS)]), fake_time)
    locations = await connector.list_locations("acme", "shpat_t")
    assert locations[0] == PosLocation(
        external_id="gid://shopify/Location/1", name="Store 1", is_active=True,
        line1="1 Main St", line2=None, city="Ottawa", region="ON", postal_code="K1N 9J7",
        country="CA", phone=None, latitude=45.42, longitude=-75.69)
    assert len(locations) == 3


async def test_catalog_size_counts_variants(fake_time):
    shopify = ScriptedShopify([graphql_body({"productVariantsCount": {"count": 20000,
                                                                      "precision": "EXACT"}})])
    assert await make_connector(shopify, fake_time).catalog_size("acme", "t") == 20000


# --- bulk export -----------------------------------------------------------------------------

BULK_LINES = [
    # Shopify promises no order: a level line may come before its variant.
    {"id": "gid://shopify/InventoryLevel/2?inventory_item_id=102", "updatedAt": T1,
     "location": {"id": "gid://shopify/Location/3"},
     "quantities": [{"name": "available", "quantity": 7}],
     "__parentId": "gid://shopify/ProductVariant/2"},
    {k: v for k, v in variant(1, []).items() if k != "inventoryItem"}
    | {"inventoryItem": {"id": "gid://shopify/InventoryItem/101", "tracked": True}},
    {"id": "gid://shopify/InventoryLevel/1?inventory_item_id=101", "updatedAt": T1,
     "location": {"id": "gid://shopify/Location/1"},
     "quantities": [{"name": "available", "quantity": 5}],
     "__parentId": "gid://shopify/ProductVariant/1"},
    {k: v for k, v in variant(2, []).items() if k != "inventoryItem"}
    | {"inventoryItem": {"id": "gid://shopify/InventoryItem/102", "tracked": True}},
]


def test_bulk_lines_reassemble_by_parent_id_in_any_order():
    offers = assemble_offers([json.dumps(line) for line in BULK_LINES], "CAD")
    assert offers == [offer(1, (stock(1, 5),)), offer(2, (stock(3, 7),))]


def bulk_shopify(status_answers: list[dict], download: httpx.Response | None = None,
                 run_errors: list[dict] | None = None):
    jsonl = "\n".join(json.dumps(line) for line in BULK_LINES) + "\n"
    statuses = iter(status_answers)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "storage.googleapis.com":
            assert "X-Shopify-Access-Token" not in request.headers  # never leak the token
            return download or httpx.Response(200, text=jsonl)
        query = json.loads(request.content)["query"]
        if "ShopCurrency" in query:
            return httpx.Response(200, json=graphql_body({"shop": {"currencyCode": "CAD"}}))
        if "RunCatalogExport" in query:
            operation = {"id": "gid://shopify/BulkOperation/1", "status": "CREATED"}
            return httpx.Response(200, json=graphql_body({"bulkOperationRunQuery": {
                "bulkOperation": None if run_errors else operation,
                "userErrors": run_errors or []}}))
        return httpx.Response(200, json=graphql_body({"currentBulkOperation": next(statuses)}))

    return ScriptedShopify(handler)


RUNNING = {"id": "gid://shopify/BulkOperation/1", "status": "RUNNING", "errorCode": None,
           "objectCount": "2", "url": None, "partialDataUrl": None}
DONE = {**RUNNING, "status": "COMPLETED", "objectCount": "4",
        "url": "https://storage.googleapis.com/bulk/export.jsonl"}


async def test_bulk_catalog_polls_with_backoff_and_reads_the_file(fake_time):
    shopify = bulk_shopify([RUNNING, RUNNING, DONE])
    connector = make_connector(shopify, fake_time)
    offers = [o async for o in connector.bulk_catalog("acme", "shpat_t")]
    assert offers == [offer(1, (stock(1, 5),)), offer(2, (stock(3, 7),))]
    assert fake_time.sleeps == [0.25, 0.5, 1.0]


async def test_a_long_export_is_polled_every_two_seconds(fake_time):
    shopify = bulk_shopify([RUNNING] * 6 + [DONE])
    connector = make_connector(shopify, fake_time)
    assert len([o async for o in connector.bulk_catalog("acme", "shpat_t")]) == 2
    assert fake_time.sleeps == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0, 2.0]  # never more than 2 s late


async def test_bulk_export_with_no_file_is_an_empty_catalog(fake_time):
    connector = make_connector(bulk_shopify([{**DONE, "url": None, "objectCount": "0"}]),
                               fake_time)
    assert [o async for o in connector.bulk_catalog("acme", "t")] == []


@pytest.mark.parametrize(("error", "failure"), [("TIMEOUT", PosUnavailable),
                                                ("ACCESS_DENIED", PosRequestRejected)])
async def test_failed_export_says_whether_to_retry(fake_time, error, failure):
    failed = {**RUNNING, "status": "FAILED", "errorCode": error}
    connector = make_connector(bulk_shopify([failed]), fake_time)
    with pytest.raises(failure):
        [o async for o in connector.bulk_catalog("acme", "t")]


async def test_export_file_from_an_unexpected_place_is_not_fetched(fake_time):
    elsewhere = {**DONE, "url": "http://169.254.169.254/latest/meta-data"}
    shopify = bulk_shopify([elsewhere])
    with pytest.raises(PosRequestRejected):
        [o async for o in make_connector(shopify, fake_time).bulk_catalog("acme", "t")]
    assert all(r.url.host != "169.254.169.254" for r in shopify.requests)


OTHER_QUERY = {**RUNNING, "query": "{ products { edges { node { id } } } }"}
OUR_EXPORT = {**RUNNING, "query": BULK_CATALOG_QUERY}


@pytest.mark.parametrize(("code", "current", "failure"),
                         [("OPERATION_IN_PROGRESS", [OTHER_QUERY], PosUnavailable),
                          ("INVALID", [], PosRequestRejected)])
async def test_refused_export_says_whether_to_retry(fake_time, code, current, failure):
    errors = [{"field": ["query"], "message": "no", "code": code}]
    connector = make_connector(bulk_shopify(current, run_errors=errors), fake_time)
    with pytest.raises(failure):
        [o async for o in connector.bulk_catalog("acme", "t")]


async def test_an_export_that_is_no_longer_current_is_retryable(fake_time):
    connector = make_connector(bulk_shopify([None]), fake_time)
    with pytest.raises(PosUnavailable):
        [o async for o in connector.bulk_catalog("acme", "t")]


class Exports:
    """An ExportCheckpoint: the export an earlier attempt read, and the ones used since."""

    def __init__(self, export_id: str | None = None) -> None:
        self.export_id, self.used = export_id, []

    async def use_export(self, export_id: str) -> None:
        self.used.append(export_id)


def export_runs(shopify: ScriptedShopify) -> int:
    return sum("RunCatalogExport" in p["query"] for p in shopify.graphql_payloads())


@pytest.mark.parametrize("status", [RUNNING, DONE])
async def test_a_resumed_read_re_attaches_to_its_export(fake_time, status):
    # Still running, it is polled to the end; finished, its file is read again. No new export.
    shopify, exports = bulk_shopify([status, RUNNING, DONE]), Exports(RUNNING["id"])
    rows = make_connector(shopify, fake_time).bulk_catalog("acme", "t", exports)
    assert len([o async for o in rows]) == 2
    assert (exports.used, export_runs(shopify)) == ([RUNNING["id"]], 0)


EARLIER = "gid://shopify/BulkOperation/0"


@pytest.mark.parametrize(("previous", "current"), [
    (RUNNING["id"], {**RUNNING, "status": "FAILED", "errorCode": "TIMEOUT"}),  # it failed
    (EARLIER, {**DONE, "id": "gid://shopify/BulkOperation/9"}),  # another one came after
    (EARLIER, None),  # none at all
])
async def test_a_resumed_read_whose_export_is_gone_starts_another(fake_time, previous, current):
    shopify, exports = bulk_shopify([current, DONE]), Exports(previous)
    rows = make_connector(shopify, fake_time).bulk_catalog("acme", "t", exports)
    assert len([o async for o in rows]) == 2
    assert (exports.used, export_runs(shopify)) == ([RUNNING["id"]], 1)


async def test_our_export_already_running_is_read_not_refused(fake_time):
    # An attempt died between starting the export and checkpointing it: read that one.
    errors = [{"field": ["query"], "message": "in progress", "code": "OPERATION_IN_PROGRESS"}]
    shopify, exports = bulk_shopify([OUR_EXPORT, RUNNING, DONE], run_errors=errors), Exports()
    rows = make_connector(shopify, fake_time).bulk_catalog("acme", "t", exports)
    assert len([o async for o in rows]) == 2
    assert exports.used == [RUNNING["id"]]


async def test_pages_shrink_to_fit_a_smaller_bucket(fake_time):
    catalog = FakeCatalog({None: page([variant(1, [(1, 5)])], None)})

    def small_bucket(request: httpx.Request) -> httpx.Response:
        answer = catalog(request)
        body = json.loads(answer.content)
        body["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] = 500
        return httpx.Response(200, json=body)

    connector = make_connector(ScriptedShopify(small_bucket), fake_time)
    [only] = [p async for p in connector.catalog_pages("acme", "t")]
    assert [v["first"] for v in catalog.variables if "levels" in v] == [35]  # 2 + 35 x 14 = 492
