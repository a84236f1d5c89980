"""Sandbox admin routes (mounted at `{mount}/_admin`): shops, activity, deliveries, settings,
faults. They exist only for development and tests; real Shopify has nothing like them."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .activity import ActivityError, simulate
from .ids import is_valid_shop
from .shop_views import describe_shop, requested_size
from .store import FaultInjection, SandboxStore

SETTINGS = (
    "bucket_max",
    "restore_rate",
    "max_query_cost",
    "code_ttl_s",
    "access_token_ttl_s",
    "refresh_token_ttl_s",
    "refresh_retry_window_s",
    "webhook_header_style",
    "duplicate_rate",
    "out_of_order",
    "out_of_order_window_s",
    "latency_s",
    "bulk_run_s",
    "retry_backoff_scale",
    "webhook_timeout_s",
)


def bad_request(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


async def json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def admin_routes(store: SandboxStore) -> list[Route]:
    def shop_summary(domain: str, with_catalog: bool = False) -> dict[str, Any]:
        return describe_shop(store, domain, with_catalog=with_catalog)

    async def health(_: Request) -> Response:
        return JSONResponse({"ok": True, "apps": sorted(store.config.apps)})

    async def create_shop(request: Request) -> Response:
        body = await json_body(request)
        domain = str(body.get("shop", "")).lower()
        if not is_valid_shop(domain):
            return bad_request("shop must look like name.myshopify.com")
        try:
            size = requested_size(store, body)
        except (TypeError, ValueError) as error:
            return bad_request(str(error))
        started = time.perf_counter()
        store.create_shop(domain, size)
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        return JSONResponse(
            {**shop_summary(domain), "generated_in_ms": elapsed_ms}, status_code=201
        )

    async def list_shops(_: Request) -> Response:
        return JSONResponse({"shops": [shop_summary(d) for d in sorted(store.shops)]})

    def with_shop(handler: Any) -> Any:
        async def checked(request: Request) -> Response:
            domain = request.path_params["shop"].lower()
            if not is_valid_shop(domain):
                return JSONResponse({"errors": "Not Found"}, status_code=404)
            return await handler(request, domain)

        return checked

    async def read_shop(request: Request, domain: str) -> Response:
        wanted = request.query_params.get("catalog", "").lower() in ("1", "true", "yes")
        return JSONResponse(shop_summary(domain, with_catalog=wanted))

    async def reset_shop(_: Request, domain: str) -> Response:
        store.create_shop(domain, store.shop(domain).catalog.size)
        return JSONResponse(shop_summary(domain))

    async def forget_shop(_: Request, domain: str) -> Response:
        return JSONResponse({"forgotten": store.forget_shop(domain)})

    async def activity(request: Request, domain: str) -> Response:
        try:
            return JSONResponse(simulate(store, domain, await json_body(request)))
        except (ActivityError, ValueError, TypeError) as error:
            return bad_request(str(error))

    async def deliveries(request: Request) -> Response:
        if request.method == "DELETE":
            store.webhooks.deliveries.clear()
            return JSONResponse({"deliveries": []})
        query = request.query_params
        shown = [
            d.summary()
            for d in store.webhooks.deliveries
            if all(
                query.get(k) in (None, getattr(d, k))
                for k in ("shop", "topic", "webhook_id", "client_id")
            )
        ]
        return JSONResponse({"deliveries": shown})

    async def idle(request: Request) -> Response:
        timeout = float(request.query_params.get("timeout", "10"))
        await store.idle(timeout)
        return JSONResponse({"idle": True})

    async def settings(request: Request) -> Response:
        if request.method == "PUT":
            body = await json_body(request)
            unknown = set(body) - set(SETTINGS) - {"granted_scope_override"}
            if unknown:
                return bad_request(f"unknown settings: {', '.join(sorted(unknown))}")
            if "granted_scope_override" in body:
                store.granted_scope_override = body.pop("granted_scope_override") or None
            try:
                store.update_settings(**body)
            except (TypeError, ValueError) as error:
                return bad_request(str(error))
        current = {k: getattr(store.config, k) for k in SETTINGS}
        return JSONResponse({**current, "granted_scope_override": store.granted_scope_override})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            store.fault = None
        elif request.method == "POST":
            body = await json_body(request)
            if body.get("mode") not in ("http_500", "graphql_internal_error"):
                return bad_request("mode must be http_500 or graphql_internal_error")
            count = body.get("count")
            shop = body.get("shop")
            store.fault = FaultInjection(
                body["mode"],
                None if count is None else int(count),
                None if shop is None else str(shop).lower(),
            )
        fault = store.fault
        return JSONResponse({"fault": None if fault is None else fault.__dict__})

    async def reset_all(_: Request) -> Response:
        store.reset()
        return JSONResponse({"reset": True})

    return [
        Route("/health", health, methods=["GET"]),
        Route("/shops", create_shop, methods=["POST"]),
        Route("/shops", list_shops, methods=["GET"]),
        Route("/shops/{shop}", with_shop(read_shop), methods=["GET"]),
        Route("/shops/{shop}", with_shop(forget_shop), methods=["DELETE"]),
        Route("/shops/{shop}/reset", with_shop(reset_shop), methods=["POST"]),
        Route("/shops/{shop}/activity", with_shop(activity), methods=["POST"]),
        Route("/deliveries", deliveries, methods=["GET", "DELETE"]),
        Route("/idle", idle, methods=["POST"]),
        Route("/settings", settings, methods=["GET", "PUT"]),
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/reset", reset_all, methods=["POST"]),
    ]
