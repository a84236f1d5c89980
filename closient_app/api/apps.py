"""The per-app API layout from the contract: `/{app}/api/v1/...`, one OpenAPI document per app.

Route modules get their router with `app_router("locations")`; `create_api()` includes every
registered router and serves `/{app}/api/v1/openapi.json` built from that app's routes only.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts

from closient_app import __version__
from closient_app.api.docs_page import docs_endpoint
from closient_app.api.openapi_auth import describe_auth_and_errors

APPS: dict[str, str] = {
    "account": "Organizations, members, API keys, who am I",
    "integrations": "POS connections, webhook endpoints, sync jobs",
    "retailers": "In-store offers, readiness, availability",
    "locations": "Store locations and nearby search",
    "search": "Local product search sessions",
    "products": "The product catalog by GTIN",
}


def api_prefix(app_name: str) -> str:
    return f"/{app_name}/api/v1"


def app_router(app_name: str) -> APIRouter:
    if app_name not in APPS:
        raise ValueError(f"unknown API app {app_name!r}")
    return APIRouter(prefix=api_prefix(app_name), tags=[app_name])


def install_openapi_documents(api: FastAPI) -> None:
    """One OpenAPI 3.1 document per app, from the routes under its prefix."""
    for app_name, description in APPS.items():
        prefix = api_prefix(app_name)
        # FastAPI keeps included routers lazily; route contexts carry each route's full path.
        routes = [r for r in iter_route_contexts(api.routes) if (r.path or "").startswith(prefix)]
        document = get_openapi(
            title=f"Closient {app_name} API",
            version=__version__,
            openapi_version="3.1.0",
            description=description,
            routes=routes,
        )
        document = describe_auth_and_errors(document, routes)

        def serve(document: dict = document) -> JSONResponse:
            return JSONResponse(document)

        api.add_api_route(f"{prefix}/openapi.json", serve, methods=["GET"], include_in_schema=False)
        # The human page for the same document, rendered once, offline (no CDN assets).
        docs = docs_endpoint(document, openapi_url=f"{prefix}/openapi.json")
        api.add_api_route(f"{prefix}/docs", docs, methods=["GET"], include_in_schema=False)
