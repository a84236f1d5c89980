"""The local product search, as prebuilt SQL: the adaptive plan of postgis.md, made robust.

Three plans; `services.search.choose_plan` picks one from COUNT_MATCHES (capped counts):
- few offers of matching products -> PRODUCT_DRIVEN: matching products (materialised CTE) ->
  their offers -> each offer's store by primary key. Costs ~2 us per offer, whatever the radius.
- many -> STORE_DRIVEN(_FEW_PRODUCTS): stores in KNN order (`geog <-> point` in a subquery
  fenced with `OFFSET 0`) -> offers per store via LATERAL; with LIMIT it stops after the nearest
  few stores, but for sparse matches it walks far, the more so the larger the radius. With few
  matching products they are hashed once instead of looked up per offer.
The planner cannot pick between them itself: it estimates ~5 rows for any ST_DWithin radius.

Ranking, identical in all: distance, then stock (in/low stock, unknown, out of stock), then
inventory confidence, then price, then offer id. Only published stores; only offers that are
manual or whose InventorySource is connected or syncing; out-of-stock offers only when
`in_stock` is false. Everything is `text()` (no per-request ORM building) and `geography`
(geometry `<->` ranks in degrees). The engine disables server-side prepares, so every run gets
a custom plan for its own parameters.
"""

# SQL here is built once, at import, from constant fragments; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from sqlalchemy import text

from closient_app.freshness import confidence_rank_sql
from closient_app.geo.nearby import POINT

TSQUERY = "websearch_to_tsquery('english', :q)"
STOCK_RANK = (
    "(CASE o.status WHEN 'in_stock' THEN 0 WHEN 'low_stock' THEN 0 WHEN 'unknown' THEN 1 "
    "ELSE 2 END)"
)
CONFIDENCE_RANK = confidence_rank_sql("o.last_inventory_sync")
IN_STOCK_FILTER = "(NOT :in_stock OR o.status <> 'out_of_stock')"
# A scalar subquery, not EXISTS: for an EXISTS the planner hashes the whole inventory_source
# table (~0.5-1.5 ms at 5k sources, on every search); this probes the primary key only for the
# POS offers a search looks at, and manual offers skip it (OR short-circuits).
SOURCE_IS_LIVE = """
    (x.source = 'manual' OR (
        SELECT src.status FROM inventory_source src WHERE src.id = x.source_id
    ) IN ('connected', 'syncing'))
"""
STORE_FIELDS = (
    "l.id, l.organization_id, l.name, l.line1, l.line2, l.city, l.region, l.postal_code, l.country"
)
STORE_COLUMNS = (
    "l.id AS store_id, l.organization_id, l.name AS store_name, l.line1, l.line2, l.city, "
    "l.region, l.postal_code, l.country"
)
OFFER_COLUMNS = f"""
    o.id AS offer_id, o.price_amount, o.price_currency, o.status AS stock_status,
    o.quantity_on_hand, o.last_inventory_sync, o.source, o.source_id,
    {STOCK_RANK} AS stock_rank, {CONFIDENCE_RANK} AS confidence_rank
"""
PRODUCT_COLUMNS = "p.id AS product_id, p.gtin, p.name AS product_name, p.brand"
HIT_ORDER = "dist_m, stock_rank, confidence_rank, price_amount, offer_id"

# What the plan choice needs: matching products and their offers (nationwide), both capped.
COUNT_MATCHES = text(
    f"""
    SELECT
        (SELECT count(*) FROM (
            SELECT 1 FROM product WHERE search_vector @@ {TSQUERY} LIMIT :product_cap
        ) a) AS products,
        (SELECT count(*) FROM (
            SELECT 1 FROM product p JOIN in_store_offer o ON o.product_id = p.id
            WHERE p.search_vector @@ {TSQUERY} LIMIT :offer_cap
        ) b) AS offers
    """
)

# The planner believes any radius holds ~5 stores, so it often prefers a bitmap scan plus a
# sort of every store in range (10+ ms at 50 km) to the KNN index scan that stops after the
# nearest few. Forbidding the sort leaves it the KNN scan (the outer ORDER BY is an incremental
# sort on the presorted distance, which stays allowed). A forbidden node that cannot be avoided
# costs 1e10, which would trigger JIT compilation (~180 ms, measured), so JIT goes off too.
# Local to the store-driven statement's transaction; one round trip for both settings.
PREFER_KNN_SCAN = text(
    "SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)"
)

STORES_BY_DISTANCE = f"""
    SELECT {STORE_COLUMNS}, l.geog <-> {POINT} AS dist_m
    FROM location l
    WHERE l.status = 'published' AND ST_DWithin(l.geog, {POINT}, :radius_m, false)
    ORDER BY l.geog <-> {POINT}
    OFFSET 0
"""


def _store_driven(offers_of_store: str, matching_cte: str = ""):
    # Both subqueries are fenced (OFFSET 0); the source check in the outer WHERE then runs on
    # matching offers only, after the cheap filters, instead of on every offer scanned.
    return text(
        f"""
        {matching_cte}
        SELECT s.*, x.* FROM ({STORES_BY_DISTANCE}) s
        CROSS JOIN LATERAL ({offers_of_store} OFFSET 0) x
        WHERE {SOURCE_IS_LIVE}
        ORDER BY {HIT_ORDER}
        LIMIT :limit
        """
    )


# Many matching products: check each offer's product (primary key + tsvector).
STORE_DRIVEN = _store_driven(
    f"""
    SELECT {OFFER_COLUMNS}, {PRODUCT_COLUMNS}
    FROM in_store_offer o JOIN product p ON p.id = o.product_id
    WHERE o.location_id = s.store_id AND p.search_vector @@ {TSQUERY} AND {IN_STOCK_FILTER}
    """
)
# Few matching products: hash them once (the hash survives the LATERAL rescans), so each
# offer costs a hash probe instead of a product look-up: ~3x less per store visited.
STORE_DRIVEN_FEW_PRODUCTS = _store_driven(
    f"""
    SELECT {OFFER_COLUMNS}, {PRODUCT_COLUMNS}
    FROM in_store_offer o JOIN matching p ON p.id = o.product_id
    WHERE o.location_id = s.store_id AND {IN_STOCK_FILTER}
    """,
    matching_cte=f"""WITH matching AS MATERIALIZED (
        SELECT id, gtin, name, brand FROM product WHERE search_vector @@ {TSQUERY})""",
)


def _product_driven(matching_products: str):
    # Offers of the matching products, then each offer's store by primary key (a fenced
    # LATERAL, so the planner cannot start from the stores in the radius instead). The radius
    # test is `<->` (the same sphere distance), not ST_DWithin: given ST_DWithin, the planner
    # probes the spatial index for every offer (scanning every store in range each time).
    return text(
        f"""
        WITH matching AS MATERIALIZED ({matching_products})
        SELECT x.* FROM (
            SELECT {STORE_COLUMNS}, l.dist_m, {OFFER_COLUMNS}, {PRODUCT_COLUMNS}
            FROM matching p
            JOIN in_store_offer o ON o.product_id = p.id
            CROSS JOIN LATERAL (
                SELECT {STORE_FIELDS}, l.geog <-> {POINT} AS dist_m FROM location l
                WHERE l.id = o.location_id AND l.status = 'published'
                OFFSET 0
            ) l
            WHERE {IN_STOCK_FILTER} AND l.dist_m <= :radius_m
            OFFSET 0
        ) x
        WHERE {SOURCE_IS_LIVE}
        ORDER BY {HIT_ORDER}
        LIMIT :limit OFFSET :offset
        """
    )


PRODUCT_DRIVEN = _product_driven(
    f"SELECT id, gtin, name, brand FROM product WHERE search_vector @@ {TSQUERY}"
)
BY_GTIN = _product_driven("SELECT id, gtin, name, brand FROM product WHERE gtin = :gtin")

COUNT_BY_GTIN = text(
    f"""
    SELECT count(*) FROM (
        SELECT o.source, o.source_id
        FROM product p
        JOIN in_store_offer o ON o.product_id = p.id
        JOIN location l ON l.id = o.location_id
        WHERE p.gtin = :gtin AND l.status = 'published'
          AND l.geog <-> {POINT} <= :radius_m AND {IN_STOCK_FILTER}
        OFFSET 0
    ) x
    WHERE {SOURCE_IS_LIVE}
    """
)
