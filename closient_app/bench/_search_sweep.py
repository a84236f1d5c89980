"""`--plans`: every benchmark query under every plan (statement only, best of 3).

Shows how close the adaptive choice comes to an oracle that knows the fastest plan per query,
and what each plan alone would cost. The product-driven plan is skipped above 60,000 matching
offers (it takes seconds there, which is the point of not choosing it).
"""

from __future__ import annotations

import time

from closient_app.bench._search_queries import Query, RawSearch
from closient_app.db import psycopg_sql
from closient_app.geo import search_sql
from closient_app.geo.nearby import radius_params
from closient_app.services import search as search_service

SKIP_PRODUCT_DRIVEN_ABOVE = 60_000
COUNT = psycopg_sql(search_sql.COUNT_MATCHES)


def best_of_3(raw: RawSearch, plan: str, query: Query) -> float:
    params = {
        **radius_params(query.latitude, query.longitude, query.radius_km),
        "in_stock": True,
        "limit": search_service.HIT_LIMIT,
        "offset": 0,
        "q": query.text,
    }
    best = float("inf")
    for _ in range(3):
        with raw.conn.transaction():
            if plan != "product-driven":
                raw.conn.execute(raw.PREFER_KNN_SCAN)
            started = time.perf_counter()
            raw.conn.execute(raw.plan_sql(plan), params).fetchall()
            best = min(best, (time.perf_counter() - started) * 1000)
    return best


def sweep(raw: RawSearch, queries: list[Query]) -> None:
    chosen, oracle, alone = [], [], {plan: [] for plan in raw.PLANS}
    for query in queries:
        plan = raw.plan_for(query)
        if plan == "none":
            continue
        counts = {"q": query.text, "product_cap": 10**9, "offer_cap": SKIP_PRODUCT_DRIVEN_ABOVE}
        offers = raw.conn.execute(COUNT, counts).fetchone()[1]
        times = {
            name: best_of_3(raw, name, query)
            for name in raw.PLANS
            if name != "product-driven" or offers < SKIP_PRODUCT_DRIVEN_ABOVE
        }
        chosen.append(times[plan])
        oracle.append(min(times.values()))
        for name, value in times.items():
            alone[name].append(value)
    print("\n| plan choice (statement only, best of 3) | p50 ms | p95 ms | max ms | queries |")
    print("|---|---|---|---|---|")
    rows = [("adaptive, as shipped", chosen), ("oracle (fastest per query)", oracle)]
    rows += [(f"{name} alone", samples) for name, samples in alone.items()]
    for name, samples in rows:
        ordered = sorted(samples)
        p50, p95 = ordered[len(ordered) // 2], ordered[-(-len(ordered) * 95 // 100) - 1]
        print(f"| {name} | {p50:.2f} | {p95:.2f} | {ordered[-1]:.2f} | {len(ordered)} |")
