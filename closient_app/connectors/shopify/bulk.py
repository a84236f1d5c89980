"""The whole catalog through a bulk operation: run the export, poll it, read its JSONL.

A bulk export is not metered by the rate limit (the mutation and each poll cost a few points),
so large catalogs finish in the time Shopify takes to write the file, not cost / 100 points/s.
The file flattens nested connections: every inventory level is its own line with a
`__parentId` naming its variant. Shopify does not promise any line order, so the rows are
assembled after the whole file is read; one export's file is fixed, so reading it again gives
the same rows in the same order (a resumed sync skips the ones it already wrote).

Shopify runs one bulk query per app and shop at a time, and keeps running it when we stop
listening. A resumed sync therefore re-attaches to the export its earlier attempt started
(`attach_or_start_export`): still running, it is polled to the end; completed, its file is
read again. Only an export that failed, expired or was replaced is started anew.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from urllib.parse import urlsplit

import httpx

from closient_app.connectors.interface import PosOffer, PosRequestRejected, PosUnavailable
from closient_app.connectors.shopify.catalog import LEVEL_FIELDS, offer_from_variant
from closient_app.connectors.shopify.graphql import AdminGraphQL, Monotonic, Sleep

BULK_CATALOG_QUERY = f"""
{{
  productVariants {{
    edges {{ node {{
      id title sku barcode price updatedAt
      product {{ id title vendor status updatedAt }}
      inventoryItem {{
        id tracked
        inventoryLevels {{ edges {{ node {{ id {LEVEL_FIELDS} }} }} }}
      }}
    }} }}
  }}
}}"""

RUN_EXPORT_MUTATION = """
mutation RunCatalogExport($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}"""

EXPORT_STATUS_QUERY = """
query ExportStatus {
  currentBulkOperation(type: QUERY) { id status errorCode objectCount url partialDataUrl query }
}"""

FIRST_POLL_DELAY = 0.25  # small exports finish in well under a second
POLL_BACKOFF = 2.0
# A status poll costs 1 point (the bucket restores 100 a second), so polling every 2 s is free
# while it bounds the time an export sits finished before we notice to 2 s. With a 10 s cap
# a 20,000-variant export finished at ~8 s was noticed at 15.75 s (docs/benchmarks.md).
MAX_POLL_DELAY = 2.0
EXPORT_DEADLINE = 4 * 3600.0  # then the sync job fails retryably instead of waiting forever
_RETRYABLE_ERRORS = {"INTERNAL_SERVER_ERROR", "TIMEOUT"}
RUNNING = ("CREATED", "RUNNING")
USABLE = (*RUNNING, "COMPLETED")  # an export worth re-attaching to


async def current_export(gql: AdminGraphQL) -> dict:
    """The shop's current bulk query of this app ({} when there is none)."""
    result = await gql.execute(EXPORT_STATUS_QUERY, expected_cost=1)
    return result.data.get("currentBulkOperation") or {}


async def attach_or_start_export(gql: AdminGraphQL, previous_id: str | None) -> str:
    """The export to read: `previous_id` (started by an earlier attempt of the same sync)
    while it is still the current one and running or completed, else a new one."""
    if previous_id is not None:
        operation = await current_export(gql)
        if operation.get("id") == previous_id and operation.get("status") in USABLE:
            return previous_id
    return await start_export(gql)


async def start_export(gql: AdminGraphQL) -> str:
    """Start the catalog export; returns the bulk operation id."""
    result = await gql.execute(RUN_EXPORT_MUTATION, {"query": BULK_CATALOG_QUERY})
    payload = result.data["bulkOperationRunQuery"]
    errors = payload.get("userErrors") or []
    if not errors:
        return str(payload["bulkOperation"]["id"])
    messages = "; ".join(e.get("message", "") for e in errors)
    if any(e.get("code") == "OPERATION_IN_PROGRESS" for e in errors):
        # Ours, of this very query, started by an attempt that died before it could say so:
        # read that one. Anything else running ends on its own: retry later.
        operation = await current_export(gql)
        if operation.get("status") in RUNNING and operation.get("query") == BULK_CATALOG_QUERY:
            return str(operation["id"])
        raise PosUnavailable(f"Shopify refused the bulk export: {messages}")
    raise PosRequestRejected(f"Shopify refused the bulk export: {messages}")


async def wait_for_export(
    gql: AdminGraphQL, operation_id: str, *, sleep: Sleep, monotonic: Monotonic
) -> str | None:
    """Poll until the export is done; returns its file URL (None: the catalog is empty)."""
    deadline = monotonic() + EXPORT_DEADLINE
    delay = FIRST_POLL_DELAY
    while True:
        await sleep(delay)
        operation = await current_export(gql)
        if operation.get("id") != operation_id:
            raise PosUnavailable("our bulk export is no longer the current one; start again")
        status = operation.get("status")
        if status == "COMPLETED":
            return operation.get("url")
        if status in ("FAILED", "CANCELED", "CANCELING", "EXPIRED"):
            error = operation.get("errorCode") or status
            failure = PosUnavailable if error in _RETRYABLE_ERRORS else PosRequestRejected
            raise failure(f"Shopify bulk export ended {status}: {error}")
        if monotonic() >= deadline:
            raise PosUnavailable("Shopify bulk export did not finish in time")
        delay = min(delay * POLL_BACKOFF, MAX_POLL_DELAY)


async def read_export_lines(client: httpx.AsyncClient, url: str) -> AsyncIterator[str]:
    try:
        async with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise PosUnavailable(f"bulk export download answered {response.status_code}")
            async for line in response.aiter_lines():
                if line.strip():
                    yield line
    except httpx.TransportError as exc:
        raise PosUnavailable(f"bulk export download failed: {exc}") from exc


def check_download_url(url: str, shop_base_url: str) -> None:
    """Only https (Shopify's storage) or the shop's own origin (the sandbox) is fetched."""
    parts, base = urlsplit(url), urlsplit(shop_base_url)
    if parts.scheme == "https" or (parts.scheme, parts.netloc) == (base.scheme, base.netloc):
        return
    raise PosRequestRejected(f"refusing to download the bulk export from {parts.netloc}")


def assemble_offers(lines: Iterable[str], currency: str) -> list[PosOffer]:
    """Variants (lines without `__parentId`) with the level lines that name them as parent."""
    variants: dict[str, dict] = {}
    levels: dict[str, list[dict]] = {}
    for line in lines:
        record = json.loads(line)
        parent = record.pop("__parentId", None)
        if parent is None:
            variants[record["id"]] = record
        else:
            levels.setdefault(parent, []).append(record)
    return [
        offer_from_variant(node, levels.get(variant_id, []), currency)
        for variant_id, node in variants.items()
    ]
