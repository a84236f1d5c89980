"""Local product search sessions: run the adaptive search, keep the session 30 minutes.

A session remembers the query, point, radius and stock filter so an agent can refine it
(`refine_session`); each use pushes its expiry 30 minutes further. Newly published stores and
newly synced offers are found as soon as their transaction commits: there is no index to rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from closient_app import freshness
from closient_app.clock import utcnow
from closient_app.errors import NotFound, ValidationFailed
from closient_app.geo import search_sql
from closient_app.geo.nearby import radius_params
from closient_app.gtin import GTIN_LENGTHS, InvalidGtin, is_valid_gtin, normalize_gtin
from closient_app.models import SearchSession
from closient_app.schemas.locations import AddressOut
from closient_app.schemas.search import Hit, OfferOut, Price, ProductOut, SearchResponse, StoreOut
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
# Sessions are disposable: losing the last few in a crash is fine; an fsync per search is not.
# `set_config(..., true)` is SET LOCAL inside the INSERT itself: one round trip instead of two.
INSERT_SESSION = text(
    "INSERT INTO search_session "
    "(id, query, latitude, longitude, radius_km, in_stock, caller, created, expires_at) "
    "SELECT :id, :query, :latitude, :longitude, :radius_km, :in_stock, :caller, :created, "
    ":expires_at FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit"
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


def find_hits(session: Session, criteria: Criteria, *, limit: int = HIT_LIMIT) -> list[Any]:
    """The ranked hits (rows for `hit_from_row`), at most `limit`.

    A store-driven search leaves `enable_sort` and `jit` off until the caller's transaction
    ends (see search_sql.PREFER_KNN_SCAN): follow it with key look-ups and writes only, or
    start a new transaction for anything that needs a sort.
    """
    params = {
        **radius_params(criteria.latitude, criteria.longitude, criteria.radius_km),
        "in_stock": criteria.in_stock,
        "limit": limit,
        "offset": 0,
    }
    gtin = exact_gtin(criteria.query)
    if gtin is not None:
        return list(session.execute(search_sql.BY_GTIN, {**params, "gtin": gtin}))
    params["q"] = criteria.query
    plan = choose_plan(session, criteria.query, criteria.radius_km)
    if plan is None:
        return []  # the relevance gate: no product matches, so nothing nearby is shown
    if plan is not search_sql.PRODUCT_DRIVEN:
        session.execute(search_sql.PREFER_KNN_SCAN)
    return list(session.execute(plan, params))


def choose_plan(session: Session, text_query: str, radius_km: float):
    """None when nothing matches; else the cheapest plan for these matches (see geo/search_sql)."""
    offer_limit = product_driven_max_offers(radius_km)
    products, offers = session.execute(
        search_sql.COUNT_MATCHES,
        {"q": text_query, "product_cap": FEW_PRODUCTS + 1, "offer_cap": offer_limit + 1},
    ).one()
    if products == 0:
        return None
    if offers <= offer_limit:
        return search_sql.PRODUCT_DRIVEN
    if products <= FEW_PRODUCTS:
        return search_sql.STORE_DRIVEN_FEW_PRODUCTS
    return search_sql.STORE_DRIVEN


def start_session(*, session: Session, criteria: Criteria, caller: str) -> SearchResponse:
    hits = find_hits(session, criteria)
    record = SearchSession(
        query=criteria.query,
        latitude=criteria.latitude,
        longitude=criteria.longitude,
        radius_km=criteria.radius_km,
        in_stock=criteria.in_stock,
        caller=caller[:120],
        expires_at=utcnow() + SESSION_TTL,
    )
    session.execute(INSERT_SESSION, record.model_dump())  # prebuilt: no ORM flush per search
    return search_response(record, hits)


def refine_session(
    *, session: Session, session_id: str, query=None, radius_km=None, in_stock=None
) -> SearchResponse:
    record = session.get(SearchSession, session_id)
    if record is None or record.expires_at <= utcnow():
        raise NotFound(
            "This search session does not exist or has expired (30 minutes without use).",
            next_step="Start a new one: POST /search/api/v1/search/session.",
        )
    criteria = Criteria(
        record.query, record.latitude, record.longitude, record.radius_km, record.in_stock
    )
    changes = {"query": query, "radius_km": radius_km, "in_stock": in_stock}
    criteria = replace(criteria, **{k: v for k, v in changes.items() if v is not None})
    hits = find_hits(session, criteria)
    record.query, record.radius_km, record.in_stock = (
        criteria.query,
        criteria.radius_km,
        criteria.in_stock,
    )
    record.expires_at = utcnow() + SESSION_TTL
    session.execute(text("SET LOCAL synchronous_commit = off"))
    session.add(record)
    return search_response(record, hits)


def search_response(record: SearchSession, hits: list[Any]) -> SearchResponse:
    return SearchResponse(
        session_id=record.id,
        query=record.query,
        latitude=record.latitude,
        longitude=record.longitude,
        radius_km=record.radius_km,
        in_stock=record.in_stock,
        hits=[hit_from_row(row) for row in hits],
        expires_at=record.expires_at,
    )


def hit_from_row(row: Any) -> Hit:
    r = row._mapping
    return Hit(
        product=ProductOut(
            id=r["product_id"], gtin=r["gtin"], name=r["product_name"], brand=r["brand"]
        ),
        store=StoreOut(
            id=r["store_id"],
            organization_id=r["organization_id"],
            name=r["store_name"],
            address=AddressOut(
                line1=r["line1"],
                line2=r["line2"],
                city=r["city"],
                region=r["region"],
                postal_code=r["postal_code"],
                country=r["country"],
            ),
            distance_km=round(r["dist_m"] / 1000, 4),
            url=public_url(r["organization_id"], r["store_id"]),
        ),
        offer=OfferOut(
            id=r["offer_id"],
            price=Price(amount=r["price_amount"], currency=r["price_currency"]),
            stock_status=r["stock_status"],
            quantity_on_hand=r["quantity_on_hand"],
            last_checked_at=r["last_inventory_sync"],
            inventory_confidence=freshness.NAMES[r["confidence_rank"]],
        ),
    )


def purge_expired_sessions(*, session: Session) -> int:
    """For a periodic job: sessions past their expiry are useless."""
    result = session.execute(text("DELETE FROM search_session WHERE expires_at <= now()"))
    return result.rowcount
