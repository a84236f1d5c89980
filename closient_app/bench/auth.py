"""What authentication plus rate limiting add to a request, measured on a real server.

Starts the API (uvicorn, one worker) against the development database, then times, in one
interleaved run over one keep-alive connection: a trivial GET outside the API paths (no auth,
no rate limit), the same trivial GET under /account/api/v1 with an API key (caller resolution,
the counter UPSERT, `require()`), and `whoami` for reference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlmodel import Session

from closient_app.api.app import create_api
from closient_app.api.deps import Access, require
from closient_app.bench._server import start_server
from closient_app.config import get_settings
from closient_app.db import make_engine
from closient_app.ops.database import ensure_database, migrate_to_head
from closient_app.services import accounts

PLAIN, AUTHED, WHOAMI = "/bench/ping", "/account/api/v1/bench/ping", "/account/api/v1/whoami"
NEEDED_TABLES = {"api_key", "rate_limit_counter", "oauth_token", "web_session"}


def create_bench_api() -> FastAPI:
    """The real API plus two identical trivial routes: one plain, one behind auth + limits."""
    api = create_api()
    router = APIRouter()

    @router.get(PLAIN)
    def plain_ping() -> dict:
        return {"ok": True}

    @router.get(AUTHED)
    def authed_ping(access: Annotated[Access, Depends(require())]) -> dict:
        return {"ok": True}

    api.include_router(router)
    return api


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m closient_app.bench auth")
    parser.add_argument("--requests", type=int, default=3000, help="per endpoint")
    parser.add_argument("--warmup", type=int, default=300, help="per endpoint, not timed")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--database", help="database name on the same server (default: dev)")
    return parser.parse_args(argv)


def _database_url(name: str | None) -> str:
    url = get_settings().effective_database_url
    return make_url(url).set(database=name).render_as_string(hide_password=False) if name else url


def _bench_key(database_url: str) -> str:
    """An org and a key with limits high enough for the run (they are still counted)."""
    ensure_database(database_url)
    migrate_to_head(database_url)
    engine = make_engine(database_url, pool_size=1)
    missing = NEEDED_TABLES - set(inspect(engine).get_table_names())
    if missing:
        raise SystemExit(f"The database lacks {sorted(missing)}: run python -m closient_app setup")
    with Session(engine) as session:
        owner = accounts.create_user(
            session=session, email=f"bench-{time.time_ns()}@closient.test", password="x" * 12
        )
        org = accounts.create_organization(session=session, name="Bench", country="US", owner=owner)
        issued = accounts.issue_api_key(
            session=session,
            organization_id=org.id,
            name="auth benchmark",
            scopes=("org:read",),
            rate_limit_per_minute=10_000_000,
            rate_limit_per_day=10_000_000,
        )
        session.commit()
    engine.dispose()
    return issued.key


def _start_server(database_url: str, port: int) -> subprocess.Popen:
    return start_server(
        "closient_app.bench.auth:create_bench_api",
        port,
        env={"DATABASE_URL": database_url, "LOG_LEVEL": "warning"},
        ready_path=PLAIN,
    )


def _measure(http: httpx.Client, rounds: int, headers: dict) -> dict[str, list[float]]:
    """Interleaved, so drift (CPU frequency, autovacuum) affects every endpoint alike."""
    timings: dict[str, list[float]] = {PLAIN: [], AUTHED: [], WHOAMI: []}
    for _ in range(rounds):
        for path in timings:
            start = time.perf_counter()
            response = http.get(path, headers=headers if path != PLAIN else None)
            timings[path].append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}: {response.text}")
    return timings


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    database_url = _database_url(args.database)
    headers = {"X-API-Key": _bench_key(database_url)}
    server = _start_server(database_url, args.port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{args.port}", timeout=10) as http:
            _measure(http, args.warmup, headers)
            timings = _measure(http, args.requests, headers)
    finally:
        server.terminate()
        server.wait(timeout=10)
    medians = {path: statistics.median(values) for path, values in timings.items()}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.requests} requests per endpoint, one keep-alive connection, 1 uvicorn worker")
    print(f"load average after the run: {load} (the figures are only as quiet as the machine)")
    print("| endpoint | median ms | p95 ms |\n|---|---|---|")
    for path, values in timings.items():
        print(f"| GET {path} | {medians[path]:.2f} | {_p95(values):.2f} |")
    overhead = medians[AUTHED] - medians[PLAIN]
    verdict = "within" if overhead <= 2.0 else "OVER"
    print(f"auth + rate limiting add {overhead:.2f} ms at the median ({verdict} the 2 ms target)")
    return 0
