"""The benchmark's 200 mixed queries, and the search as raw SQL through psycopg (the floor).

The raw runner sends exactly the SQL the service sends (compiled from geo/search_sql.py) and
makes the same adaptive choice, without the app around it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import psycopg

from closient_app.bench._search_data import ADJECTIVES, BRANDS, NOUNS, City, jitter
from closient_app.db import psycopg_sql
from closient_app.geo import search_sql
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


class RawSearch:
    """The service's adaptive search on a bare psycopg connection: the same statements in the
    same round trips (`services.search.find_hits`), without HTTP, the app or the session row."""

    PREFER_KNN_SCAN = psycopg_sql(search_sql.PREFER_KNN_SCAN)
    PLANS = {
        "product-driven": search_sql.PRODUCT_DRIVEN,
        "store-driven": search_sql.STORE_DRIVEN,
        "store-driven, few products": search_sql.STORE_DRIVEN_FEW_PRODUCTS,
    }
    PLAN_NAMES = {plan: name for name, plan in PLANS.items()}

    def __init__(self, conninfo: str) -> None:
        self.conn = psycopg.connect(conninfo, autocommit=True, prepare_threshold=None)

    def plan_for(self, query: Query) -> str:
        """The plan `services.search.choose_plan` picks for this query."""
        plan = search_service.choose_plan(self.conn, query.text, query.radius_km)
        return "none" if plan is None else self.PLAN_NAMES[plan]

    def plan_sql(self, name: str) -> str:
        return psycopg_sql(self.PLANS[name])

    def run(self, query: Query) -> int:
        """Hits found, exactly as the app finds them."""
        criteria = search_service.Criteria(
            query.text, query.latitude, query.longitude, query.radius_km
        )
        return len(search_service.find_hits(self.conn, criteria))

    def close(self) -> None:
        self.conn.close()
