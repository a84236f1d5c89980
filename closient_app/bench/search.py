"""`python -m closient_app.bench search`: the local search, over HTTP and as raw SQL, in one run.

Builds (or with --reuse, keeps) the bench database `closient_bench` on the same server: 50,000
published stores around 200 North American cities, 20,000 products, 2,000,000 offers. Starts the
API alone (`uvicorn --factory closient_app.api.app:create_api`, one worker), then for 200 mixed
queries times `POST /search/api/v1/search/session` on a keep-alive client and the same SQL on a
bare psycopg connection, interleaved, and finally the throughput of 8 concurrent HTTP clients.

The HTTP client is the standard library's `http.client` on one keep-alive connection: httpx
spent about 0.5 ms per request of its own on this machine (measured side by side), which is
the client's cost, not the app's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections import defaultdict

import psycopg
from sqlalchemy.engine import make_url

from closient_app.bench import _search_data as data
from closient_app.bench._search_queries import Query, RawSearch, make_queries
from closient_app.bench._search_sweep import sweep
from closient_app.bench._server import start_server
from closient_app.config import get_settings
from closient_app.ops.database import drop_database, ensure_database, libpq_dsn, migrate_to_head

SEARCH_PATH = "/search/api/v1/search/session"


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    rank = lambda p: ordered[max(0, -(-len(ordered) * p // 100) - 1)]  # noqa: E731  nearest rank
    return {"p50": rank(50), "p95": rank(95), "max": ordered[-1], "n": len(ordered)}


def bench_url(name: str) -> str:
    url = make_url(get_settings().effective_database_url).set(database=name)
    return url.render_as_string(hide_password=False)


def prepare_database(url: str, reuse: bool) -> None:
    conninfo = libpq_dsn(url)
    if reuse:
        try:
            with psycopg.connect(conninfo) as conn:
                offers = conn.execute("SELECT count(*) FROM in_store_offer").fetchone()[0]
            if offers >= data.Sizes().offers:
                print(f"reusing {make_url(url).database} ({offers:,} offers)")
                return
        except psycopg.Error:
            pass
    drop_database(url)
    ensure_database(url)
    migrate_to_head(url)
    print("loading data (COPY into bare tables, then keys and indexes) ...", flush=True)
    timings = data.load(conninfo, data.Sizes())
    print("  " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()), flush=True)


def start_api(url: str, port: int) -> subprocess.Popen:
    return start_server(
        "closient_app.api.app:create_api",
        port,
        env={
            "DATABASE_URL": url,
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "warning",
            # One client IP sends every request here; real traffic spreads over many budgets.
            "RATE_LIMIT_PER_MINUTE": str(10**9),
            "RATE_LIMIT_PER_DAY": str(10**12),
        },
        ready_path="/healthz",
    )


class SearchClient:
    """One keep-alive HTTP/1.1 connection to the API."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def search(self, query: Query) -> tuple[int, bytes]:
        body = json.dumps(query.body())
        headers = {"content-type": "application/json"}
        self.connection.request("POST", SEARCH_PATH, body, headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.connection.close()


def timed_http(client: SearchClient, query: Query) -> tuple[float, int]:
    started = time.perf_counter()
    status, payload = client.search(query)
    hits = len(json.loads(payload)["hits"])
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"HTTP {status}: {payload[:300]!r}")
    return elapsed, hits


def timed_sql(raw: RawSearch, query: Query) -> tuple[float, int]:
    started = time.perf_counter()
    hits = raw.run(query)
    return (time.perf_counter() - started) * 1000, hits


def interleaved(port: int, raw: RawSearch, queries: list[Query], rounds: int):
    """Each query over HTTP, then as raw SQL, so both see the same machine state."""
    http_ms, sql_ms, by_kind = [], [], defaultdict(list)
    client = SearchClient(port)
    try:
        # First pass, reported apart: caches, pool, the first PostGIS call per backend, and
        # the plan choice (services/search.py remembers it per words and radius) all cold.
        first_http, first_sql = [], []
        for query in queries:
            first_http.append(timed_http(client, query)[0])
            first_sql.append(timed_sql(raw, query)[0])
        for _ in range(rounds):
            for query in queries:
                h_ms, h_hits = timed_http(client, query)
                s_ms, s_hits = timed_sql(raw, query)
                assert h_hits == s_hits, (query, h_hits, s_hits)
                http_ms.append(h_ms)
                sql_ms.append(s_ms)
                by_kind[(query.kind, raw.plan_for(query))].append(s_ms)
    finally:
        client.close()
    return http_ms, sql_ms, by_kind, (first_http, first_sql)


def concurrent_http(port: int, queries: list[Query], clients: int, seconds: float):
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client_loop(offset: int) -> None:
        mine: list[float] = []
        client = SearchClient(port)
        n = offset
        while time.perf_counter() < stop_at:
            mine.append(timed_http(client, queries[n % len(queries)])[0])
            n += clients
        client.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def report(http_ms, sql_ms, by_kind, rps, loaded_ms, clients, first) -> None:
    h, s = percentiles(http_ms), percentiles(sql_ms)
    gap = percentiles([a - b for a, b in zip(http_ms, sql_ms, strict=True)])
    # Other work on this 2-core machine moves every figure; say how busy it was.
    print(f"\nload average (1, 5, 15 min) at the end: {os.getloadavg()}")
    print("\n| measure | p50 ms | p95 ms | max ms | samples |\n|---|---|---|---|---|")
    for name, p in (("HTTP POST /search/api/v1/search/session", h), ("raw SQL (psycopg)", s)):
        print(f"| {name} | {p['p50']:.2f} | {p['p95']:.2f} | {p['max']:.2f} | {p['n']} |")
    for name, samples in zip(
        ("HTTP, first pass (cold)", "raw SQL, first pass"), first, strict=True
    ):
        p = percentiles(samples)
        print(f"| {name} | {p['p50']:.2f} | {p['p95']:.2f} | {p['max']:.2f} | {p['n']} |")
    loaded = percentiles(loaded_ms)
    print(f"\nHTTP p95 / SQL p95 = {h['p95'] / s['p95']:.2f}x; per query, HTTP minus SQL: "
          f"p50 {gap['p50']:.2f} ms, p95 {gap['p95']:.2f} ms")  # fmt: skip
    print(f"{clients} concurrent HTTP clients: {rps:.0f} requests/s "
          f"(p50 {loaded['p50']:.1f} ms, p95 {loaded['p95']:.1f} ms under load)")  # fmt: skip
    print("\n| query kind | plan | SQL p50 ms | SQL p95 ms | samples |\n|---|---|---|---|---|")
    for (kind, plan), samples in sorted(by_kind.items()):
        p = percentiles(samples)
        print(f"| {kind} | {plan} | {p['p50']:.2f} | {p['p95']:.2f} | {p['n']} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m closient_app.bench search")
    parser.add_argument("--database", default="closient_bench")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    parser.add_argument("--rounds", type=int, default=2, help="measured passes over the queries")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--plans", action="store_true", help="only time every plan per query")
    args = parser.parse_args(argv)

    url = bench_url(args.database)
    prepare_database(url, args.reuse)
    conninfo = libpq_dsn(url)
    queries = make_queries(data.north_american_cities(data.Sizes().cities))
    if args.plans:
        raw = RawSearch(conninfo)
        sweep(raw, queries)
        raw.close()
        return 0
    server = start_api(url, args.port)
    raw = RawSearch(conninfo)
    try:
        http_ms, sql_ms, by_kind, first = interleaved(args.port, raw, queries, args.rounds)
        rps, loaded_ms = concurrent_http(args.port, queries, args.clients, args.seconds)
    finally:
        raw.close()
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=20)
    report(http_ms, sql_ms, by_kind, rps, loaded_ms, args.clients, first)
    return 0
