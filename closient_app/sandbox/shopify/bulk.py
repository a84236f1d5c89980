"""bulkOperationRunQuery: validate, answer CREATED, run in the background, serve the JSONL.

The result URL is `{mount}/{shop}/bulk-operations/{key}.jsonl`; like Shopify's signed storage
URLs it needs no access token, the unguessable key is the credential.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .bulk_jsonl import bulk_query_problem, to_jsonl
from .generator import iso
from .graphql_api import execute_admin_query
from .ids import gid
from .store import BulkOperation, SandboxStore

if TYPE_CHECKING:
    from .context import RequestContext

# A short CREATED -> RUNNING -> COMPLETED walk, so polling clients see each status.
STATUS_STEP_S = 0.02


def run_query_mutation(context: RequestContext, query: str) -> dict[str, Any]:
    current = context.shop_state.bulk_operations.get(context.client_id)
    if current is not None and current.status in ("CREATED", "RUNNING"):
        return _user_error(
            "OPERATION_IN_PROGRESS",
            "A bulk query operation for this app and shop is already in progress: "
            f"{gid('BulkOperation', current.id)}.",
        )
    problem = bulk_query_problem(query)
    if problem:
        return _user_error("INVALID", problem)
    store = context.store
    operation = BulkOperation(
        id=store.next_id(),
        shop=context.shop,
        client_id=context.client_id,
        query=query,
        created_at=iso(store.config.clock()),
        download_key=secrets.token_urlsafe(24),
    )
    context.shop_state.bulk_operations[context.client_id] = operation
    store.bulk_by_key[operation.download_key] = operation
    store.spawn(run_bulk_operation(context, operation))
    return {"bulkOperation": operation, "userErrors": []}


def _user_error(code: str, message: str) -> dict[str, Any]:
    return {
        "bulkOperation": None,
        "userErrors": [{"field": ["query"], "message": message, "code": code}],
    }


async def run_bulk_operation(context: RequestContext, operation: BulkOperation) -> None:
    await asyncio.sleep(STATUS_STEP_S)
    operation.status = "RUNNING"
    running_since = time.monotonic()
    await asyncio.sleep(STATUS_STEP_S)
    # Read on every step: lowering the setting finishes an export that is already running.
    while time.monotonic() - running_since < context.store.config.bulk_run_s:  # noqa: ASYNC110
        await asyncio.sleep(STATUS_STEP_S)
    bulk_context = replace(context, bulk=True)  # whole connections, first/last ignored
    result = execute_admin_query(bulk_context, operation.query, None, None, bucket=None)
    store = context.store
    if result.get("errors"):
        codes = {e.get("extensions", {}).get("code") for e in result["errors"]}
        operation.status = "FAILED"
        operation.error_code = (
            "ACCESS_DENIED" if "ACCESS_DENIED" in codes else "INTERNAL_SERVER_ERROR"
        )
    else:
        jsonl, objects, roots = to_jsonl(operation.query, result["data"] or {})
        operation.jsonl, operation.object_count, operation.root_object_count = jsonl, objects, roots
        # Shopify gives no URL when the query matched nothing.
        operation.url = (
            (f"{context.base_url}/{context.shop}/bulk-operations/{operation.download_key}.jsonl")
            if objects
            else None
        )
        operation.status = "COMPLETED"
    operation.completed_at = iso(store.config.clock())
    store.webhooks.publish(
        context.shop,
        "BULK_OPERATIONS_FINISH",
        {
            "admin_graphql_api_id": gid("BulkOperation", operation.id),
            "completed_at": operation.completed_at,
            "created_at": operation.created_at,
            "error_code": operation.error_code.lower() if operation.error_code else None,
            "status": operation.status.lower(),
            "type": "query",
        },
        client_ids={operation.client_id},
    )


def bulk_routes(store: SandboxStore) -> list[Route]:
    async def download(request: Request) -> Response:
        operation = store.bulk_by_key.get(request.path_params["key"])
        if (
            operation is None
            or operation.jsonl is None
            or operation.shop != request.path_params["shop"].lower()
        ):
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        return Response(operation.jsonl, media_type="application/jsonl")

    return [Route("/{shop}/bulk-operations/{key}.jsonl", download, methods=["GET"])]
