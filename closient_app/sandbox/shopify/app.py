"""`create_sandbox_app`: the Shopify sandbox as one Starlette ASGI app.

Routes are relative to where the app is mounted (`/sandbox/shopify` in the main app, `/` when
standalone); the per-shop base `{mount}/{shop}` stands in for `https://{shop}`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Mount

from .admin import admin_routes
from .bulk import bulk_routes
from .config import SandboxConfig
from .graphql_api import graphql_routes
from .oauth import oauth_routes
from .store import SandboxStore


def create_sandbox_app(config: SandboxConfig) -> Starlette:
    """A fresh sandbox with its own in-memory state; `app.state.sandbox` is its store.

    Mounted inside another app, this app's lifespan does not run: the host may call
    `await app.state.sandbox.webhooks.aclose()` on shutdown to close the delivery client.
    """
    store = SandboxStore(config)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await store.webhooks.aclose()

    app = Starlette(
        routes=[
            # Before the shop routes; `_admin` is not a valid shop name, so nothing is shadowed.
            Mount("/_admin", routes=admin_routes(store)),
            *oauth_routes(store),
            *graphql_routes(store),
            *bulk_routes(store),
        ],
        lifespan=lifespan,
    )
    app.state.sandbox = store
    return app
