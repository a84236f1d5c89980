"""The FastAPI app for agents and the JSON API, built in a factory.

Reflex adds CORS middleware to the app it is given, which fails on an instance that already
served a request, so every caller (Reflex, tests, benchmarks) builds a fresh one here.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from closient_app import __version__
from closient_app.agents.mount import install_agents
from closient_app.api.apps import install_openapi_documents
from closient_app.api.errors import install_error_handlers
from closient_app.api.platform import install_platform
from closient_app.api.routes import (
    availability,
    health,
    integrations_connect,
    jobs,
    locations,
    offers,
    pos_connections,
    products,
    readiness,
    search,
    shopify_webhooks,
    sources,
)
from closient_app.api.routes import webhook_endpoints as webhook_endpoint_routes
from closient_app.config import get_settings

log = logging.getLogger(__name__)


def create_api() -> FastAPI:
    settings = get_settings()
    settings.check_secrets()
    api = FastAPI(
        title="Closient",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # each app serves its own document under /{app}/api/v1/openapi.json
    )
    install_error_handlers(api)
    # The public hot paths first: FastAPI tries the included routers in order, and each miss
    # costs CPU on every request (measured: docs/benchmarks.md, search).
    api.include_router(search.router)
    api.include_router(locations.router)
    install_platform(api)  # rate limits + caller resolution, account, OAuth, api-catalog
    api.include_router(health.router)
    # Per-app routers go here, then their OpenAPI documents are built from them.
    api.include_router(products.router)
    api.include_router(readiness.router)
    api.include_router(availability.router)
    # POS connect (install links, OAuth callback pages, webhook receiver, endpoints, sources).
    api.include_router(integrations_connect.router)
    api.include_router(integrations_connect.pages)
    api.include_router(shopify_webhooks.router)
    api.include_router(webhook_endpoint_routes.router)
    api.include_router(webhook_endpoint_routes.unprefixed)
    api.include_router(sources.router)
    # Sync jobs and in-store offers.
    api.include_router(jobs.router)
    api.include_router(offers.router)
    # Agents: headless (device-code) POS connect, skill documents, the MCP server at /mcp.
    api.include_router(pos_connections.router)
    api.include_router(pos_connections.page_router)
    install_agents(api)
    install_openapi_documents(api)
    _mount_shopify_sandbox(api, settings)
    return api


def _mount_shopify_sandbox(api: FastAPI, settings) -> None:
    """The built-in Shopify plays Shopify whenever no real credentials are configured."""
    if not (settings.uses_shopify_sandbox or settings.shopify_sandbox_enabled):
        log.warning(
            "Shopify: talking to the real Shopify (client id %s)", settings.shopify_client_id
        )
        return
    try:
        from closient_app.sandbox import SandboxConfig, create_sandbox_app
    except ImportError:  # the sandbox package is optional in a stripped production build
        log.warning("Shopify: sandbox requested but not installed")
        return
    config = SandboxConfig(
        apps={settings.shopify_sandbox_client_id: settings.shopify_sandbox_client_secret}
    )
    api.mount("/sandbox/shopify", create_sandbox_app(config))
    log.warning("Shopify: using the BUILT-IN SANDBOX at %s/sandbox/shopify", settings.base_url)
