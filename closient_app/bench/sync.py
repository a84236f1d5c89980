"""`python -m closient_app.bench sync <part>`: the inventory sync's benchmarks.

  discoverable  callback -> every offer committed and searchable, 1,000 products x 3 stores and
                20,000 variants x 5 stores, sandbox at 100 points/s; `--paged` adds the 1,000-
                product shop read by pages (about 5 minutes: that is the point)
  threshold     pages vs bulk export by catalog size: where SYNC_BULK_MIN_VARIANTS comes from
  upsert        offers/s upserted into a table already holding 2,000,000 offers
  webhooks      receipt -> visible latency, p50/p95, at 200 deliveries/s

Each part uses its own fresh database on the project's server (`closient_bench_sync`, or
`closient_bench_upsert` for the 2M-row table), never the development or test database.
"""

from __future__ import annotations

import argparse
import asyncio

from closient_app.bench import _sync_env as env

SHOPS = {
    "1k-products": {"products": 1000, "variants_per_product": 3, "locations": 3},
    "20k-variants": {"variants": 20_000, "variants_per_product": 3, "locations": 5},
}
THRESHOLD_SIZES = (20, 50, 70, 100, 150, 250, 500)


def discoverable(args: argparse.Namespace) -> None:
    from closient_app.bench import _sync_discoverable as bench

    url = env.fresh_database(args.database)
    with env.api_with_sandbox(url, args.port) as base:
        plan = [(label, size, None) for label, size in SHOPS.items()]
        if args.paged:
            plan.append(("1k-products", SHOPS["1k-products"], "pages"))
        runs = [asyncio.run(bench.time_to_discoverable(base, *step)) for step in plan]
    print(bench.HEADER)
    for run in runs:
        print(run.row())


def threshold(args: argparse.Namespace) -> None:
    from closient_app.bench import _sync_discoverable as bench

    url = env.fresh_database(args.database)
    rows = []
    with env.api_with_sandbox(url, args.port) as base:
        for variants in THRESHOLD_SIZES:
            size = {"variants": variants, "variants_per_product": 3, "locations": args.locations}
            times = {}
            for mode in ("pages", "bulk"):
                run = asyncio.run(bench.time_to_discoverable(base, f"{variants}v", size, mode))
                times[mode] = run.job_seconds
            rows.append((variants, times["pages"], times["bulk"]))
    print(f"| variants (x {args.locations} stores) | by pages | by bulk export | faster |")
    print("|---|---|---|---|")
    for variants, paged, bulk in rows:
        faster = "pages" if paged < bulk else "bulk"
        print(f"| {variants} | {paged:.2f} s | {bulk:.2f} s | {faster} |")


def upsert(args: argparse.Namespace) -> None:
    from closient_app.bench import _sync_upsert

    _sync_upsert.run(database=args.database_upsert, reuse=args.reuse, rows=args.rows)


def webhooks(args: argparse.Namespace) -> None:
    from closient_app.bench import _sync_webhooks

    url = env.fresh_database(args.database)
    with env.api_with_sandbox(url, args.port) as base:
        _sync_webhooks.run(base, rate=args.rate, seconds=args.seconds)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m closient_app.bench sync")
    parser.add_argument("part", choices=("discoverable", "threshold", "upsert", "webhooks"))
    parser.add_argument("--database", default="closient_bench_sync")
    parser.add_argument("--database-upsert", default="closient_bench_upsert")
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--paged", action="store_true", help="discoverable: also read by pages")
    parser.add_argument("--locations", type=int, default=3, help="threshold: stores per shop")
    parser.add_argument("--reuse", action="store_true", help="upsert: keep a loaded database")
    parser.add_argument("--rows", type=int, default=200_000, help="upsert: offers to write")
    parser.add_argument("--rate", type=float, default=200.0, help="webhooks: deliveries/s")
    parser.add_argument("--seconds", type=float, default=15.0, help="webhooks: how long")
    args = parser.parse_args(argv)
    {"discoverable": discoverable, "threshold": threshold, "upsert": upsert,
     "webhooks": webhooks}[args.part](args)  # fmt: skip
    return 0
