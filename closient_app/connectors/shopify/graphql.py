"""The Admin GraphQL client: paces itself from Shopify's leaky bucket, retries what can heal.

Pacing: each response reports `throttleStatus` (bucket size, points available, restore rate).
We keep an estimate of the bucket, refill it by elapsed time x restore rate, and before a
query whose requested cost exceeds the estimate we sleep exactly (cost - estimate) / rate.
Shopify rejects a query when its *requested* cost exceeds the bucket, so that is the number
we wait for. A THROTTLED answer (another process shares the bucket) waits the computed
shortfall and tries again: never an immediate retry. 5xx and network errors back off
exponentially a bounded number of times; 4xx and GraphQL errors are terminal; 401 raises
TokenRejected so the caller can refresh once and retry.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from closient_app.connectors.interface import (
    PosRequestRejected,
    PosUnavailable,
    RequestCost,
    TokenRejected,
)
from closient_app.connectors.shopify.consts import ACCESS_TOKEN_HEADER

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]

MAX_ATTEMPTS = 4  # transient failures: waits of 0.5, 1, 2 s, then give up (PosUnavailable)
BACKOFF_BASE = 0.5
MAX_THROTTLED_RETRIES = 8
FALLBACK_THROTTLE_WAIT = 1.0  # when a THROTTLED answer carries no cost figures
MIN_WAIT = 0.001  # below this a wait is rounding noise, not a real shortfall


class QueryTooCostly(PosRequestRejected):
    """The query's requested cost exceeds what a single query may cost."""


@dataclass
class ThrottleBudget:
    """Our estimate of one app+shop bucket, shared by every request to that shop."""

    maximum: float | None = None
    available: float | None = None
    restore_rate: float | None = None
    observed_at: float = 0.0

    def estimate(self, now: float) -> float | None:
        if self.available is None or not self.restore_rate:
            return None
        refilled = self.available + max(0.0, now - self.observed_at) * self.restore_rate
        return min(self.maximum, refilled) if self.maximum else refilled

    def wait_before(self, cost: float | None, now: float) -> float:
        """Seconds until the bucket holds `cost` points (0 when unknown or already there)."""
        estimate = self.estimate(now)
        if cost is None or estimate is None:
            return 0.0
        # A cost above the bucket size never fits: wait for a full bucket, let Shopify judge.
        target = min(cost, self.maximum) if self.maximum else cost
        if estimate >= target:
            return 0.0
        return (target - estimate) / self.restore_rate  # type: ignore[operator]

    def spend(self, cost: float | None, now: float) -> None:
        """Deduct a query we are about to send, so concurrent senders see the drain."""
        estimate = self.estimate(now)
        if cost is not None and estimate is not None:
            self.available, self.observed_at = estimate - cost, now

    def observe(self, cost: RequestCost, now: float) -> None:
        if cost.available is None or not cost.restore_rate:
            return
        self.maximum, self.restore_rate = cost.maximum, cost.restore_rate
        self.available, self.observed_at = cost.available, now


@dataclass(frozen=True)
class GraphQLResult:
    data: dict[str, Any]
    cost: RequestCost | None


def parse_cost(body: Mapping[str, Any]) -> RequestCost | None:
    cost = (body.get("extensions") or {}).get("cost")
    if not isinstance(cost, Mapping):
        return None
    status = cost.get("throttleStatus") or {}
    return RequestCost(
        requested=cost.get("requestedQueryCost"),
        actual=cost.get("actualQueryCost"),
        available=status.get("currentlyAvailable"),
        maximum=status.get("maximumAvailable"),
        restore_rate=status.get("restoreRate"),
    )


def _error_codes(body: Mapping[str, Any]) -> set[str]:
    errors = body.get("errors")
    if not isinstance(errors, list):
        return {"ERROR"} if errors else set()
    return {str((e.get("extensions") or {}).get("code") or "ERROR") for e in errors}


class AdminGraphQL:
    """POSTs queries to one shop's `graphql.json` with one access token."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient,
        endpoint: str,
        access_token: str,
        budget: ThrottleBudget,
        sleep: Sleep,
        monotonic: Monotonic,
    ) -> None:
        self._client, self._endpoint, self._token = client, endpoint, access_token
        self._budget, self._sleep, self._monotonic = budget, sleep, monotonic
        self._learned_cost: dict[str, float] = {}

    def affordable_cost(self, ceiling: float) -> int:
        """The largest requested cost worth asking for: `ceiling`, or less on a smaller bucket
        (a query larger than the bucket would be throttled forever)."""
        maximum = self._budget.maximum
        return int(min(ceiling, maximum) if maximum else ceiling)

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        expected_cost: float | None = None,
    ) -> GraphQLResult:
        """Run one query or mutation; returns `data` or raises a PosError."""
        key = _cost_key(query, variables)
        retries = _Retries(self._sleep)
        while True:
            await self._pace(self._learned_cost.get(key, expected_cost))
            try:
                body = await self._post(query, variables)
            except (httpx.TransportError, _Transient) as exc:
                await retries.back_off(f"Shopify unavailable: {exc}")
                continue
            except _Throttled429 as exc:
                await retries.wait_throttled(exc.retry_after)
                continue
            reported = self._observe(key, body)
            codes = _error_codes(body)
            if "THROTTLED" in codes:
                await retries.wait_throttled(_throttled_wait(reported))
            elif "INTERNAL_SERVER_ERROR" in codes:  # Shopify's 5xx, delivered with HTTP 200
                await retries.back_off(f"Shopify internal error: {_messages(body)}")
            elif "MAX_COST_EXCEEDED" in codes:
                raise QueryTooCostly(_messages(body))
            elif codes:
                raise PosRequestRejected(f"Shopify GraphQL error: {_messages(body)}")
            else:
                return GraphQLResult(data=body.get("data") or {}, cost=reported)

    async def _post(self, query: str, variables: Mapping[str, Any] | None) -> dict[str, Any]:
        response = await self._client.post(
            self._endpoint,
            json={"query": query, "variables": dict(variables or {})},
            headers={ACCESS_TOKEN_HEADER: self._token, "Accept": "application/json"},
        )
        return _json_body(response)

    def _observe(self, key: str, body: Mapping[str, Any]) -> RequestCost | None:
        reported = parse_cost(body)
        if reported is not None:
            self._budget.observe(reported, self._monotonic())
            if reported.requested is not None:
                self._learned_cost[key] = reported.requested
        return reported

    async def _pace(self, cost: float | None) -> None:
        # A loop, not one sleep: another coroutine may have spent the refill meanwhile.
        while (wait := self._budget.wait_before(cost, self._monotonic())) > MIN_WAIT:
            await self._sleep(wait)
        self._budget.spend(cost, self._monotonic())


def _throttled_wait(reported: RequestCost | None) -> float:
    """(requested - available) / restoreRate; a fixed pause when Shopify gave no figures."""
    if not reported or reported.requested is None or not reported.restore_rate:
        return FALLBACK_THROTTLE_WAIT
    if reported.maximum and reported.requested > reported.maximum:
        raise QueryTooCostly("the query costs more than the whole bucket holds")
    wait = (reported.requested - (reported.available or 0.0)) / reported.restore_rate
    return wait if wait > MIN_WAIT else FALLBACK_THROTTLE_WAIT


class _Retries:
    """Counts the two kinds of retry separately: failures back off exponentially a few
    times; throttling waits what Shopify's figures say, a bounded number of times."""

    def __init__(self, sleep: Sleep) -> None:
        self._sleep, self.failures, self.throttled = sleep, 0, 0

    async def back_off(self, reason: str) -> None:
        self.failures += 1
        if self.failures >= MAX_ATTEMPTS:
            raise PosUnavailable(reason)
        await self._sleep(BACKOFF_BASE * 2 ** (self.failures - 1))

    async def wait_throttled(self, seconds: float) -> None:
        self.throttled += 1
        if self.throttled > MAX_THROTTLED_RETRIES:
            raise PosUnavailable("Shopify kept throttling us")
        await self._sleep(seconds)


class _Transient(Exception):
    """A 5xx or an unreadable answer: worth another try after a pause."""


class _Throttled429(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429, retry after {retry_after}s")
        self.retry_after = retry_after


def _json_body(response: httpx.Response) -> dict[str, Any]:
    status = response.status_code
    if status == 401:
        raise TokenRejected("Shopify rejected the access token (401)")
    if status == 429:
        raise _Throttled429(_retry_after(response))
    if status >= 500:
        raise _Transient(f"HTTP {status}")
    if status >= 400:
        raise PosRequestRejected(f"Shopify answered HTTP {status}", status=status)
    try:
        body = response.json()
    except ValueError as exc:
        raise _Transient("response is not JSON") from exc
    if not isinstance(body, dict):
        raise _Transient("response is not a JSON object")
    return body


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("Retry-After", "")), MIN_WAIT)
    except ValueError:
        return FALLBACK_THROTTLE_WAIT


def _messages(body: Mapping[str, Any]) -> str:
    errors = body.get("errors")
    if isinstance(errors, list):
        return "; ".join(str(e.get("message", e)) for e in errors)
    return str(errors)


def _cost_key(query: str, variables: Mapping[str, Any] | None) -> str:
    # Page sizes are variables, so they belong to the key; cursors do not change the cost.
    sizes = {k: v for k, v in (variables or {}).items() if isinstance(v, int)}
    return query + json.dumps(sizes, sort_keys=True)
