"""How fast the Shopify sandbox is: `python -m closient_app.sandbox.bench`.

Prints the time to generate a 50,000-variant x 10-location shop (the issue asks for < 2 s) and
the latency of one full GraphQL catalog page, so sync benchmarks can tell the emulator's share.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from .shopify.catalog import ShopSize
from .shopify.config import SandboxConfig
from .shopify.context import RequestContext, parse_scopes
from .shopify.generator import generate_catalog
from .shopify.graphql_api import execute_admin_query
from .shopify.store import SandboxStore, ShopState

PAGE_QUERY = """
query Page($after: String) {
  productVariants(first: 250, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku barcode price inventoryItem { id tracked } }
  }
}"""


def time_generation(variants: int, locations: int, repeat: int = 3) -> float:
    """Best of `repeat` wall-clock seconds to generate a shop of that size."""
    best = float("inf")
    for attempt in range(repeat):
        started = time.perf_counter()
        generate_catalog(f"bench-{attempt}.myshopify.com", ShopSize(None, variants, 3, locations))
        best = min(best, time.perf_counter() - started)
    return best


def time_graphql_page(variants: int, locations: int) -> float:
    """Milliseconds for one 250-variant page, executed without HTTP."""
    store = SandboxStore(SandboxConfig(apps={"bench": "bench"}))
    state: ShopState = store.create_shop(
        "bench.myshopify.com", ShopSize(None, variants, 3, locations)
    )
    context = RequestContext(
        store=store,
        shop="bench.myshopify.com",
        shop_state=state,
        client_id="bench",
        scopes=parse_scopes("read_products,read_inventory,read_locations"),
        api_version="2026-07",
        base_url="http://bench",
    )
    started = time.perf_counter()
    body: dict[str, Any] = execute_admin_query(context, PAGE_QUERY, {"after": None}, None, None)
    elapsed = (time.perf_counter() - started) * 1000
    assert not body.get("errors"), body
    return elapsed


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m closient_app.sandbox.bench")
    parser.add_argument("--variants", type=int, default=50_000)
    parser.add_argument("--locations", type=int, default=10)
    args = parser.parse_args(argv)
    generation_s = time_generation(args.variants, args.locations)
    page_ms = time_graphql_page(args.variants, args.locations)
    levels = args.variants * args.locations
    print(
        f"generate {args.variants:,} variants x {args.locations} locations "
        f"({levels:,} inventory levels): {generation_s:.3f} s (best of 3; target < 2 s)"
    )
    print(f"one productVariants page of 250 with inventory items: {page_ms:.1f} ms")
    return {"generation_s": generation_s, "page_ms": page_ms}


if __name__ == "__main__":
    main()
