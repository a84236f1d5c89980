"""Local product search sessions: run the adaptive search, keep the session 30 minutes.

A session remembers the query, point, radius and stock filter so an agent can refine it
(`refine_session`); each use pushes its expiry 30 minutes further. Newly published stores and
newly synced offers are found as soon as their transaction commits: there is no index to rebuild.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

import psycopg
from cachetools import TTLCache
from psycopg.rows import dict_row
from sqlalchemy import TextClause, text

from closient_app import freshness
from closient_app.clock import utcnow
from closient_app.db import psycopg_sql
from closient_app.errors import NotFound, ValidationFailed
from closient_app.geo import search_sql
from closient_app.geo.nearby import radius_params
from closient_app.gtin import GTIN_LENGTHS, InvalidGtin, is_valid_gtin, normalize_gtin
from closient_app.ids import new_short_id
from closient_app.schemas.search import Hit, SearchResponse
from closient_app.services.locations import public_url

SESSION_TTL = timedelta(minutes=30)
HIT_LIMIT = 20
# Up to this many offers of matching products (nationwide), reading them all (product-driven) is
# cheaper than walking stores outward until 20 hits turn up (store-driven). The walk can only get
# longer with the radius, so the limit grows with it (measured: docs/benchmarks.md).
PRODUCT_DRIVEN_BASE_OFFERS = 1000
PRODUCT_DRIVEN_OFFERS_PER_KM = 40


# Up to this many matching products, the store-driven plan hashes them once (building the hash
# costs well under 1 us a product; it saves ~35 us per store visited). Constants chosen on the
# benchmark's per-plan sweep: they minimise its p95 (docs/benchmarks.md).
FEW_PRODUCTS = 800


def product_driven_max_offers(radius_km: float) -> int:
    return int(PRODUCT_DRIVEN_BASE_OFFERS + PRODUCT_DRIVEN_OFFERS_PER_KM * radius_km)


GTIN_PREFIX = "gtin:"


@dataclass
class SessionRecord:
    """A `search_session` row as plain data: on this hot path, building the SQLModel instance
    cost more CPU than the INSERT it fed (measured)."""

    query: str
    latitude: float
    longitude: float
    radius_km: float
    in_stock: bool
    caller: str
    expires_at: datetime
    id: str = field(default_factory=new_short_id)
    created: datetime = field(default_factory=utcnow)


# The row's columns, in SessionRecord's order (a read's values zip back into one).
SESSION_FIELDS = tuple(f.name for f in fields(SessionRecord))
_COLUMNS = ", ".join(SESSION_FIELDS)
# Sessions are disposable: losing the last few in a crash is fine; an fsync per search is not.
# `set_config(..., true)` is SET LOCAL inside the INSERT itself: one round trip instead of two.
INSERT_SESSION = text(
    f"INSERT INTO search_session ({_COLUMNS}) "  # noqa: S608  (constant names; values bound)
    f"SELECT {', '.join(':' + name for name in SESSION_FIELDS)} "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit"
)
LIVE_SESSION = text(
    f"SELECT {_COLUMNS} FROM search_session "  # noqa: S608  (constant names; values bound)
    "WHERE id = :id AND expires_at > :now"
)
UPDATE_SESSION = text(
    "UPDATE search_session SET query = :query, radius_km = :radius_km, in_stock = :in_stock, "
    "expires_at = :expires_at "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit WHERE id = :id"
)


@dataclass(frozen=True)
class Criteria:
    query: str
    latitude: float
    longitude: float
    radius_km: float
    in_stock: bool = True


def exact_gtin(query: str) -> str | None:
    """`gtin:<digits>` (or a bare valid barcode) -> GTIN-14; other text -> None."""
    if query[: len(GTIN_PREFIX)].lower() == GTIN_PREFIX:
        try:
            return normalize_gtin(query[len(GTIN_PREFIX) :])
        except InvalidGtin as exc:
            raise ValidationFailed(
                "The gtin: query is not a valid GTIN.",
                details=[{"field": "query", "message": f"{exc}; e.g. gtin:00012345678905"}],
            ) from None
    if query.isdigit() and len(query) in GTIN_LENGTHS and is_valid_gtin(query):
        return normalize_gtin(query)
    return None


def find_hits(
    conn: psycopg.Connection,
    criteria: Criteria,
    *,
    limit: int = HIT_LIMIT,
    also: Sequence[tuple[TextClause, dict[str, Any]]] = (),
) -> list[dict[str, Any]]:
    """The ranked hits (rows for `hit_from_row`), at most `limit`, in one transaction with the
    writes in `also` (the session record).

    Two round trips whatever the plan (psycopg's pipeline mode): BEGIN + the match counts that
    choose the plan; then the plan settings, the search, the writes and COMMIT together. A
    store-driven search turns `enable_sort` and `jit` off until that COMMIT (see
    search_sql.PREFER_KNN_SCAN), so `also` holds key look-ups and writes only.
    """
    params = {
        **radius_params(criteria.latitude, criteria.longitude, criteria.radius_km),
        "in_stock": criteria.in_stock,
        "limit": limit,
        "offset": 0,
    }
    gtin = exact_gtin(criteria.query)
    with conn.pipeline(), conn.transaction():
        if gtin is not None:
            plan, params["gtin"] = search_sql.BY_GTIN, gtin
        else:
            params["q"] = criteria.query
            plan = choose_plan(conn, criteria.query, criteria.radius_km)
        if plan in (search_sql.STORE_DRIVEN, search_sql.STORE_DRIVEN_FEW_PRODUCTS):
            conn.execute(psycopg_sql(search_sql.PREFER_KNN_SCAN))
        hits = None
        if plan is not None:  # None is the relevance gate: nothing matches, nothing is shown
            hits = conn.cursor(row_factory=dict_row)
            hits.execute(psycopg_sql(plan), params)
        for statement, values in also:
            conn.execute(psycopg_sql(statement), values)
    return hits.fetchall() if hits is not None else []


# The plan choice depends on the words and the radius only (the counts are nationwide), and it
# decides speed, never results: every plan returns the same hits. So it is remembered for a
# few minutes per (words, radius): a popular search skips the counting round trip (~0.7 ms).
# A catalog change shows in the choice after at most PLAN_CACHE_SECONDS, in the hits at once.
# "Nothing matches" is never remembered: it decides the result (no hits), and a product synced
# a second later must be found.
PLAN_CACHE_SECONDS = 300
_plan_cache: TTLCache = TTLCache(maxsize=20_000, ttl=PLAN_CACHE_SECONDS)
_plan_cache_lock = threading.Lock()


def choose_plan(conn: psycopg.Connection, text_query: str, radius_km: float):
    """None when nothing matches; else the cheapest plan for these matches (see geo/search_sql)."""
    key = (text_query, radius_km)
    with _plan_cache_lock:
        cached = _plan_cache.get(key)
    if cached is not None:
        return cached
    plan = count_and_choose(conn, text_query, radius_km)
    if plan is not None:
        with _plan_cache_lock:
            _plan_cache[key] = plan
    return plan


def forget_plan_choices() -> None:
    """For tests and benchmarks that change the catalog or the thresholds under a search."""
    with _plan_cache_lock:
        _plan_cache.clear()


def count_and_choose(conn: psycopg.Connection, text_query: str, radius_km: float):
    """The choice from the capped counts of matching products and offers: one round trip."""
    offer_limit = product_driven_max_offers(radius_km)
    products, offers = conn.execute(
        psycopg_sql(search_sql.COUNT_MATCHES),
        {"q": text_query, "product_cap": FEW_PRODUCTS + 1, "offer_cap": offer_limit + 1},
    ).fetchone()
    if products == 0:
        return None
    if offers <= offer_limit:
        return search_sql.PRODUCT_DRIVEN
    if products <= FEW_PRODUCTS:
        return search_sql.STORE_DRIVEN_FEW_PRODUCTS
    return search_sql.STORE_DRIVEN


def start_session(*, conn: psycopg.Connection, criteria: Criteria, caller: str) -> SearchResponse:
    record = SessionRecord(
        query=criteria.query,
        latitude=criteria.latitude,
        longitude=criteria.longitude,
        radius_km=criteria.radius_km,
        in_stock=criteria.in_stock,
        caller=caller[:120],
        expires_at=utcnow() + SESSION_TTL,
    )
    hits = find_hits(conn, criteria, also=[(INSERT_SESSION, vars(record))])
    return search_response(record, hits)


def refine_session(
    *, conn: psycopg.Connection, session_id: str, query=None, radius_km=None, in_stock=None
) -> SearchResponse:
    with conn.pipeline(), conn.transaction():  # find_hits opens its own transaction
        found = conn.execute(
            psycopg_sql(LIVE_SESSION), {"id": session_id, "now": utcnow()}
        ).fetchone()
    if found is None:
        raise NotFound(
            "This search session does not exist or has expired (30 minutes without use).",
            next_step="Start a new one: POST /search/api/v1/search/session.",
        )
    record = SessionRecord(**dict(zip(SESSION_FIELDS, found, strict=True)))
    changes = {"query": query, "radius_km": radius_km, "in_stock": in_stock}
    criteria = Criteria(
        record.query, record.latitude, record.longitude, record.radius_km, record.in_stock
    )
    criteria = replace(criteria, **{k: v for k, v in changes.items() if v is not None})
    record.query, record.radius_km, record.in_stock = (
        criteria.query,
        criteria.radius_km,
        criteria.in_stock,
    )
    record.expires_at = utcnow() + SESSION_TTL
    hits = find_hits(conn, criteria, also=[(UPDATE_SESSION, vars(record))])
    return search_response(record, hits)


def search_response(record: SessionRecord, hits: list[Mapping[str, Any]]) -> SearchResponse:
    # Validated from plain data in one pydantic-core call: building the ~120 nested models of
    # 20 hits one by one in Python cost about as much as the search statement (measured).
    return SearchResponse.model_validate(
        {
            "session_id": record.id,
            "query": record.query,
            "latitude": record.latitude,
            "longitude": record.longitude,
            "radius_km": record.radius_km,
            "in_stock": record.in_stock,
            "hits": [hit_fields(row) for row in hits],
            "expires_at": record.expires_at,
        }
    )


def hit_from_row(row: Mapping[str, Any]) -> Hit:
    return Hit.model_validate(hit_fields(row))


def hit_fields(r: Mapping[str, Any]) -> dict[str, Any]:
    """A search row (geo/search_sql.py columns) as the fields of a `Hit`."""
    return {
        "product": {
            "id": r["product_id"],
            "gtin": r["gtin"],
            "name": r["product_name"],
            "brand": r["brand"],
        },
        "store": {
            "id": r["store_id"],
            "organization_id": r["organization_id"],
            "name": r["store_name"],
            "address": {
                "line1": r["line1"],
                "line2": r["line2"],
                "city": r["city"],
                "region": r["region"],
                "postal_code": r["postal_code"],
                "country": r["country"],
            },
            "distance_km": round(r["dist_m"] / 1000, 4),
            "url": public_url(r["organization_id"], r["store_id"]),
        },
        "offer": {
            "id": r["offer_id"],
            "price": {"amount": r["price_amount"], "currency": r["price_currency"]},
            "stock_status": r["stock_status"],
            "quantity_on_hand": r["quantity_on_hand"],
            "last_checked_at": r["last_inventory_sync"],
            "inventory_confidence": freshness.NAMES[r["confidence_rank"]],
        },
    }
