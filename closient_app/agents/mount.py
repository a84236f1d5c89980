"""Wire the agent surface into the API app with one call from `create_api()`, and run the MCP
session manager for the app's lifetime (see mcp_server.py for why two lifespans enter it)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from starlette.routing import Route

from closient_app.agents import discovery
from closient_app.agents.mcp_server import (
    MCP_PATH,
    McpEndpoint,
    build_mcp_server,
    mcp_credentials,
    protected_resource_routes,
)
from closient_app.api.ratelimit import RateLimitMiddleware


def install_agents(api: FastAPI) -> None:
    """Skill documents, the MCP endpoint and its metadata; the MCP server runs while `api`'s
    own lifespan does (when `api` is served directly)."""
    api.include_router(discovery.router)
    endpoint = McpEndpoint(build_mcp_server(api))
    api.state.mcp_endpoint = endpoint
    # Every MCP request counts against the caller's API budget, as a REST request does (its
    # tools' API calls count too). A Route, not a Mount: a Mount at /mcp would answer a POST to
    # /mcp with a redirect to /mcp/.
    limited = RateLimitMiddleware(endpoint, limited=lambda _path: True, credentials=mcp_credentials)
    api.router.routes.append(Route(MCP_PATH, endpoint=limited))
    api.router.routes.extend(protected_resource_routes())
    outer = api.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        async with outer(app) as state, endpoint.running():
            yield state

    api.router.lifespan_context = lifespan


@contextlib.asynccontextmanager
async def mcp_sessions(app: Any) -> AsyncIterator[None]:
    """The Reflex lifespan task: Reflex mounts the API, so the API's own lifespan never runs."""
    async with app.api_transformer.state.mcp_endpoint.running():
        yield
