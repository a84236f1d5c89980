"""The benchmark's 200 mixed queries, and the search as raw SQL through psycopg (the floor).

The raw runner sends exactly the SQL the service sends (compiled from geo/search_sql.py) and
makes the same adaptive choice, without the app around it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import psycopg
from sqlalchemy.dialects import postgresql

from closient_app.bench._search_data import ADJECTIVES, BRANDS, NOUNS, City, jitter
from closient_app.geo import search_sql
from closient_app.geo.nearby import radius_params
from closient_app.services import search as search_service

RADII_KM = (5, 10, 50)


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    latitude: float
    longitude: float
    radius_km: float

    def body(self) -> dict:
        return {
            "query": self.text,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "radius_km": self.radius_km,
        }


TERMS = {
    "very common": lambda rng: rng.choice(NOUNS[:3]),
    "common": lambda rng: rng.choice([*BRANDS, *ADJECTIVES]),
    "mid": lambda rng: rng.choice(NOUNS[5:30]),
    "rare": lambda rng: rng.choice(NOUNS[80:]),
    "unique model": lambda rng: f"X{rng.randrange(20_000):05d}",
    "two words": lambda rng: f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS[:40])}",
}


def make_queries(cities: list[City], count: int = 200, seed: int = 11) -> list[Query]:
    rng = random.Random(seed)  # noqa: S311  (reproducible benchmark data, not secrets)
    kinds = list(TERMS)
    queries = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        lat, lon = jitter(rng.choice(cities), rng, sigma_km=5)
        queries.append(Query(kind, TERMS[kind](rng), lat, lon, rng.choice(RADII_KM)))
    return queries


def _compiled(statement) -> str:
    return str(statement.compile(dialect=postgresql.psycopg.dialect()))


class RawSearch:
    """The service's adaptive search on a bare psycopg connection."""

    COUNT = _compiled(search_sql.COUNT_MATCHES)
    PREFER_KNN_SCAN = _compiled(search_sql.PREFER_KNN_SCAN)
    PLANS = {
        "product-driven": _compiled(search_sql.PRODUCT_DRIVEN),
        "store-driven": _compiled(search_sql.STORE_DRIVEN),
        "store-driven, few products": _compiled(search_sql.STORE_DRIVEN_FEW_PRODUCTS),
    }

    def __init__(self, conninfo: str) -> None:
        self.conn = psycopg.connect(conninfo, autocommit=True, prepare_threshold=None)

    def plan_for(self, query: Query) -> str:
        """The same decision as `services.search.choose_plan`."""
        offer_limit = search_service.product_driven_max_offers(query.radius_km)
        caps = {"product_cap": search_service.FEW_PRODUCTS + 1, "offer_cap": offer_limit + 1}
        products, offers = self.conn.execute(self.COUNT, {"q": query.text, **caps}).fetchone()
        if products == 0:
            return "none"
        if offers <= offer_limit:
            return "product-driven"
        if products <= search_service.FEW_PRODUCTS:
            return "store-driven, few products"
        return "store-driven"

    def run(self, query: Query) -> int:
        """Hits found, the way `services.search.find_hits` finds them."""
        with self.conn.transaction():  # as the app: one transaction, SET LOCAL inside it
            return self._run(query)

    def _run(self, query: Query) -> int:
        plan = self.plan_for(query)
        if plan == "none":
            return 0
        params = {
            **radius_params(query.latitude, query.longitude, query.radius_km),
            "in_stock": True,
            "limit": search_service.HIT_LIMIT,
            "offset": 0,
            "q": query.text,
        }
        if plan != "product-driven":
            self.conn.execute(self.PREFER_KNN_SCAN)
        return len(self.conn.execute(self.PLANS[plan], params).fetchall())

    def close(self) -> None:
        self.conn.close()
