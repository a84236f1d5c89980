"""The per-app API layout from the contract: `/{app}/api/v1/...`, one OpenAPI document per app.

Route modules get their router with `app_router("locations")`; `create_api()` includes every
registered router and serves `/{app}/api/v1/openapi.json` built from that app's routes only.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from closient_app import __version__

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
        routes = [r for r in api.routes if getattr(r, "path", "").startswith(prefix + "/")]
        document = get_openapi(
            title=f"Closient {app_name} API",
            version=__version__,
            openapi_version="3.1.0",
            description=description,
            routes=routes,
        )

        def serve(document: dict = document) -> JSONResponse:
            return JSONResponse(document)

        api.add_api_route(f"{prefix}/openapi.json", serve, methods=["GET"], include_in_schema=False)
