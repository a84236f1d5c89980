"""`python -m closient_app.bench <name> [options]`: run one benchmark.

Each benchmark is a module here with `main(argv) -> int` that parses its own options; add it to
BENCHMARKS. Results are recorded in docs/benchmarks.md with the command that produced them.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "auth": "per-request cost of authentication + rate limiting",
    "search": "local search over HTTP and as raw SQL",
    "sync": "inventory sync: time to discoverable, bulk threshold, upserts, webhook latency",
}


def usage() -> str:
    lines = [f"  {name:<8} {about}" for name, about in BENCHMARKS.items()]
    return "usage: python -m closient_app.bench <name> [options]\n" + "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print(usage(), file=sys.stderr)
        return 2
    module = importlib.import_module(f"closient_app.bench.{argv[0]}")
    return module.main(argv[1:])


sys.exit(main(sys.argv[1:]))
