"""POST /{shop}/admin/api/{version}/graphql.json: auth, faults, cost, throttle, execution."""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError, execute_sync, get_operation_ast, parse, validate
from graphql.execution.values import get_variable_values
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .context import RequestContext, parse_scopes
from .cost import QueryCost
from .errors import (
    INVALID_TOKEN,
    MISSING_QUERY,
    SERVER_ERROR,
    SHOPIFY_RULES,
    internal_error,
    max_cost_error,
    throttled_error,
)
from .ids import is_valid_shop
from .schema import admin_schema
from .store import SandboxStore
from .throttle import LeakyBucket

API_VERSION = re.compile(r"^(\d{4}-(01|04|07|10)|unstable)$")
NOT_FOUND = {"errors": "Not Found"}


def mount_url(request: Request) -> str:
    """Where this sandbox app is mounted; `base_url` would give the outermost app's root."""
    url = request.url
    return f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}".rstrip("/")


def graphql_routes(store: SandboxStore) -> list[Route]:
    async def graphql_endpoint(request: Request) -> Response:
        shop = request.path_params["shop"].lower()
        version = request.path_params["version"]
        if not is_valid_shop(shop) or not API_VERSION.match(version):
            return JSONResponse(NOT_FOUND, status_code=404)
        token = request.headers.get("x-shopify-access-token", "")
        grant = store.tokens.access_grant(shop=shop, token=token) if token else None
        if grant is None:
            return JSONResponse(INVALID_TOKEN, status_code=401)
        headers = {"X-Shopify-API-Version": version}
        bucket = store.bucket(shop, grant.client_id)
        fault = store.take_fault(shop)
        if fault == "http_500":
            return JSONResponse(SERVER_ERROR, status_code=500, headers=headers)
        if fault == "graphql_internal_error":
            return JSONResponse(
                {"errors": [internal_error()], "extensions": cost_extension(bucket, 0, 0)},
                headers=headers,
            )
        query, variables, operation_name = await read_graphql_request(request)
        if not query:
            return JSONResponse(MISSING_QUERY, status_code=400, headers=headers)
        context = RequestContext(
            store=store,
            shop=shop,
            shop_state=store.shop(shop),
            client_id=grant.client_id,
            scopes=parse_scopes(grant.scope),
            api_version=version,
            base_url=mount_url(request),
        )
        body = execute_admin_query(context, query, variables, operation_name, bucket)
        return JSONResponse(body, headers=headers)

    return [Route("/{shop}/admin/api/{version}/graphql.json", graphql_endpoint, methods=["POST"])]


def execute_admin_query(
    context: RequestContext,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    bucket: LeakyBucket | None,
) -> dict[str, Any]:
    """Everything after authentication; with `bucket=None` no cost is charged (bulk runs)."""
    schema = admin_schema()
    try:
        document = parse(query)
    except GraphQLError as error:
        return _failed([error.formatted], bucket)
    errors = validate(schema, document, SHOPIFY_RULES)
    if errors:
        return _failed([e.formatted for e in errors], bucket)
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return _failed([{"message": "An operation name is required"}], bucket)
    coerced = get_variable_values(schema, operation.variable_definitions or [], variables or {})
    if isinstance(coerced, list):
        return _failed([e.formatted for e in coerced], bucket)
    cost = QueryCost(schema, document, operation, coerced)
    requested = cost.requested()
    max_cost = context.store.config.max_query_cost
    if bucket is not None and requested > max_cost:
        return _failed([max_cost_error(requested, max_cost)], bucket, requested)
    if bucket is not None and not bucket.try_take(requested):
        return _failed([throttled_error()], bucket, requested)
    result = execute_sync(
        schema,
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
    )
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    body["data"] = result.data
    if bucket is not None:
        actual = cost.actual(result.data)
        bucket.give_back(requested - actual)
        body["extensions"] = cost_extension(bucket, requested, actual)
    return body


def _failed(errors: list[Any], bucket: LeakyBucket | None, requested: int = 0) -> dict[str, Any]:
    """A request that did not execute: nothing is charged, actualQueryCost is null."""
    body: dict[str, Any] = {"errors": errors}
    if bucket is not None:
        body["extensions"] = cost_extension(bucket, requested, None)
    return body


def cost_extension(bucket: LeakyBucket, requested: int, actual: int | None) -> dict[str, Any]:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": bucket.status(),
        }
    }


async def read_graphql_request(request: Request) -> tuple[str, dict[str, Any] | None, str | None]:
    """JSON `{query, variables, operationName}`, or a raw `application/graphql` body."""
    if request.headers.get("content-type", "").startswith("application/graphql"):
        return (await request.body()).decode(), None, None
    try:
        payload = await request.json()
    except ValueError:
        return "", None, None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return "", None, None
    variables = payload.get("variables")
    return (
        payload["query"],
        variables if isinstance(variables, dict) else None,
        payload.get("operationName"),
    )
