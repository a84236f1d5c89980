"""The GraphQL client paces from throttleStatus, waits out THROTTLED, retries what can heal."""

from __future__ import annotations

import httpx
import pytest

from closient_app.connectors.interface import (
    PosRequestRejected,
    PosUnavailable,
    RequestCost,
    TokenRejected,
)
from closient_app.connectors.shopify.graphql import AdminGraphQL, QueryTooCostly, ThrottleBudget

from .fakes import GRAPHQL_URL, FakeTime, ScriptedShopify, graphql_body

pytestmark = pytest.mark.anyio

QUERY = "query Q { shop { name } }"
THROTTLED = {
    "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
    "extensions": {"cost": {
        "requestedQueryCost": 500, "actualQueryCost": None,
        "throttleStatus": {"maximumAvailable": 1000, "currentlyAvailable": 200,
                           "restoreRate": 100},
    }},
}


async def run(shopify: ScriptedShopify, fake_time: FakeTime, calls: list[dict]):
    """Execute one query per entry of `calls` (kwargs for execute) on one client."""
    budget = ThrottleBudget()
    results = []
    async with shopify.factory()() as client:
        gql = AdminGraphQL(client=client, endpoint=GRAPHQL_URL, access_token="shpat_token",
                           budget=budget, sleep=fake_time.sleep, monotonic=fake_time.monotonic)
        for call in calls:
            fake_time.now += call.pop("work", 0.0)  # time the caller spends between queries
            results.append(await gql.execute(call.pop("query", QUERY), **call))
    return results, budget


async def test_sends_the_token_to_the_versioned_endpoint(fake_time):
    shopify = ScriptedShopify([graphql_body({"shop": {"name": "Acme"}})])
    [result], _ = await run(shopify, fake_time, [{}])
    request = shopify.requests[0]
    assert str(request.url) == "https://acme.myshopify.com/admin/api/2026-07/graphql.json"
    assert request.headers["X-Shopify-Access-Token"] == "shpat_token"
    assert request.headers["User-Agent"].startswith("closient-onboarding/")
    assert result.data == {"shop": {"name": "Acme"}}
    assert result.cost == RequestCost(requested=10, actual=10, available=990, maximum=1000,
                                      restore_rate=100)


async def test_waits_exactly_the_shortfall_before_a_query_the_bucket_cannot_pay(fake_time):
    shopify = ScriptedShopify([
        graphql_body({}, requested=400, actual=300, available=100),  # bucket left at 100
        graphql_body({}, requested=400, actual=400, available=50),
        graphql_body({}, requested=400, actual=400, available=600),
        graphql_body({}, requested=400, actual=400, available=200),
    ])
    await run(shopify, fake_time, [
        {},            # first query: cost unknown, nothing to wait for
        {},            # learned 400; 100 available -> (400 - 100) / 100 = 3.0 s
        {"work": 1.0},  # 50 available, 1 s of work refilled 100 -> (400 - 150) / 100 = 2.5 s
        {},            # 600 available: no wait
    ])
    assert fake_time.sleeps == [3.0, 2.5]
    assert len(shopify.requests) == 4


async def test_expected_cost_paces_the_first_query_of_a_kind(fake_time):
    shopify = ScriptedShopify([
        graphql_body({}, requested=10, actual=10, available=100),
        graphql_body({}, requested=996, actual=700, available=300),
    ])
    page_query = "query Page { productVariants(first: 71) { nodes { id } } }"
    await run(shopify, fake_time, [{}, {"query": page_query, "expected_cost": 996}])
    assert fake_time.sleeps == [8.96]  # (996 - 100) / 100


async def test_learned_cost_of_the_same_query_beats_the_estimate(fake_time):
    shopify = ScriptedShopify([
        graphql_body({}, requested=300, actual=300, available=100),
        graphql_body({}, requested=300, actual=300, available=100),
    ])
    await run(shopify, fake_time, [{"expected_cost": 50}, {"expected_cost": 50}])
    assert fake_time.sleeps == [2.0]  # Shopify said 300, not our 50: (300 - 100) / 100


async def test_refill_never_exceeds_the_bucket(fake_time):
    budget = ThrottleBudget()
    budget.observe(RequestCost(None, None, available=900, maximum=1000, restore_rate=100), 0.0)
    assert budget.estimate(60.0) == 1000
    assert budget.wait_before(1000, 60.0) == 0.0


async def test_throttled_waits_the_computed_shortfall_once_then_succeeds(fake_time):
    shopify = ScriptedShopify([THROTTLED, graphql_body({"ok": True}, requested=500)])
    [result], _ = await run(shopify, fake_time, [{}])
    assert fake_time.sleeps == [3.0]  # (500 requested - 200 available) / 100 per second
    assert result.data == {"ok": True}
    assert len(shopify.requests) == 2


async def test_throttled_without_cost_figures_still_waits(fake_time):
    bare = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}
    shopify = ScriptedShopify([bare, graphql_body({})])
    await run(shopify, fake_time, [{}])
    assert fake_time.sleeps == [1.0]


async def test_endless_throttling_gives_up_retryably_without_spinning(fake_time):
    shopify = ScriptedShopify([THROTTLED] * 9)
    with pytest.raises(PosUnavailable):
        await run(shopify, fake_time, [{}])
    assert len(shopify.requests) == 9
    assert all(wait > 0 for wait in fake_time.sleeps)
    assert len(fake_time.sleeps) == 8


async def test_429_honours_retry_after(fake_time):
    shopify = ScriptedShopify([httpx.Response(429, headers={"Retry-After": "2.0"}),
                               graphql_body({})])
    await run(shopify, fake_time, [{}])
    assert fake_time.sleeps == [2.0]


async def test_server_errors_and_network_errors_back_off_then_succeed(fake_time):
    shopify = ScriptedShopify([
        httpx.Response(503),
        httpx.ConnectError("connection refused"),
        httpx.Response(502, text="<html>bad gateway</html>"),
        graphql_body({"ok": True}),
    ])
    [result], _ = await run(shopify, fake_time, [{}])
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    assert result.data == {"ok": True}


async def test_server_errors_give_up_after_four_attempts(fake_time):
    shopify = ScriptedShopify([httpx.Response(500)] * 4)
    with pytest.raises(PosUnavailable) as failure:
        await run(shopify, fake_time, [{}])
    assert failure.value.retryable is True
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    assert len(shopify.requests) == 4


async def test_internal_error_in_a_200_is_retried(fake_time):
    internal = {"errors": [{"message": "Internal error",
                            "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}
    shopify = ScriptedShopify([internal, graphql_body({"ok": 1})])
    [result], _ = await run(shopify, fake_time, [{}])
    assert (fake_time.sleeps, result.data) == ([0.5], {"ok": 1})


async def test_401_raises_token_rejected_without_retrying(fake_time):
    shopify = ScriptedShopify([httpx.Response(401, json={"errors": "Invalid API key"})])
    with pytest.raises(TokenRejected):
        await run(shopify, fake_time, [{}])
    assert (len(shopify.requests), fake_time.sleeps) == (1, [])


@pytest.mark.parametrize("status", [400, 402, 403, 404, 423])
async def test_other_4xx_are_terminal(fake_time, status):
    shopify = ScriptedShopify([httpx.Response(status, json={"errors": "nope"})])
    with pytest.raises(PosRequestRejected) as failure:
        await run(shopify, fake_time, [{}])
    assert (failure.value.status, failure.value.retryable) == (status, False)
    assert (len(shopify.requests), fake_time.sleeps) == (1, [])


async def test_graphql_errors_are_terminal(fake_time):
    shopify = ScriptedShopify([{"errors": [{"message": "Field 'nope' doesn't exist",
                                            "extensions": {"code": "undefinedField"}}]}])
    with pytest.raises(PosRequestRejected, match="doesn't exist"):
        await run(shopify, fake_time, [{}])
    assert len(shopify.requests) == 1


async def test_max_cost_exceeded_is_its_own_error(fake_time):
    shopify = ScriptedShopify([{"errors": [{"message": "Query cost is 1502, max is 1000",
                                            "extensions": {"code": "MAX_COST_EXCEEDED"}}]}])
    with pytest.raises(QueryTooCostly):
        await run(shopify, fake_time, [{}])


async def test_a_cost_above_the_bucket_waits_only_for_a_full_bucket(fake_time):
    budget = ThrottleBudget()
    budget.observe(RequestCost(None, None, available=100, maximum=500, restore_rate=100), 0.0)
    assert budget.wait_before(996, 0.0) == 4.0  # (500 - 100) / 100, then Shopify decides


async def test_throttled_for_more_than_the_bucket_holds_is_too_costly(fake_time):
    never_fits = {**THROTTLED, "extensions": {"cost": {
        "requestedQueryCost": 996, "actualQueryCost": None,
        "throttleStatus": {"maximumAvailable": 500, "currentlyAvailable": 500,
                           "restoreRate": 100}}}}
    shopify = ScriptedShopify([never_fits])
    with pytest.raises(QueryTooCostly):
        await run(shopify, fake_time, [{}])
    assert fake_time.sleeps == []
