"""The MCP server at /mcp (streamable HTTP, the official SDK's `MCPServer`).

Authentication is the SDK's bearer middleware with our verifier: an access token from our OAuth
server (device flow), or an organization API key sent as `Bearer csb_...` (many MCP clients can
only set a bearer header). Tools then act through the JSON API with that same credential.

Stateless and JSON-only: each POST stands alone, so any app process can answer it and a restart
loses nothing; our tools never call back into the client, which is what sessions would be for.

Lifecycle: the SDK's session manager needs a running task group, and a mounted app's lifespan
never runs. `McpEndpoint.running()` starts it; it is entered by the FastAPI app's lifespan (when
the API is served on its own: tests, benchmarks) and by a Reflex lifespan task (in the app,
where Reflex mounts the API and only its own lifespan runs). Entering it twice is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from mcp.server.auth.provider import AccessToken
from mcp.server.auth.routes import create_protected_resource_routes
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from closient_app import __version__
from closient_app.agents.skills import SKILLS
from closient_app.agents.tools import ClosientApi, register_tools
from closient_app.api.errors import envelope
from closient_app.config import get_settings
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.services.accounts import ALL_SCOPES
from closient_app.services.api_keys import PREFIX as KEY_PREFIX
from closient_app.services.authn import resolve_caller

log = logging.getLogger(__name__)
MCP_PATH = "/mcp"
INSTRUCTIONS = (
    "Closient puts a local retailer's in-store stock into distance-ranked local search. "
    "To onboard a retailer, read the resource closient://agent-skills/onboard-retailer.md, then: "
    "start_pos_connect -> the retailer opens the link -> check_pos_connection until connected "
    "-> get_sync_status until succeeded -> list_offers -> publish_location / create_location "
    "-> check_readiness -> search_nearby. Failed calls return the API's error envelope, with "
    "a next_step saying what to do."
)


def bearer_credentials(token: str) -> dict[str, str | None]:
    """An MCP bearer credential as `resolve_caller` takes it: many MCP clients can only set a
    bearer header, so an API key travels as `Bearer csb_...` here (REST takes X-API-Key)."""
    if token.startswith(KEY_PREFIX):
        return {"api_key": token, "authorization": None}
    return {"api_key": None, "authorization": f"Bearer {token}"}


def mcp_credentials(request: Request) -> dict[str, str | None]:
    """What an MCP request carries, for the rate limiter to find whose budget it counts."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    return bearer_credentials(token) if token else {"api_key": None}


class ClosientTokenVerifier:
    """The SDK's `TokenVerifier`: our bearer tokens and API keys, resolved like the API does."""

    async def verify_token(self, token: str) -> AccessToken | None:
        return await asyncio.to_thread(self._verify, token)

    def _verify(self, token: str) -> AccessToken | None:
        try:
            with session_scope() as session:
                caller = resolve_caller(session, **bearer_credentials(token))
        except ApiError:
            return None
        return AccessToken(
            token=token,
            client_id=caller.kind,
            scopes=sorted(caller.scopes),
            subject=caller.user_id or caller.api_key_id,
        )


def build_mcp_server(api: Starlette) -> MCPServer:
    base_url = get_settings().base_url
    server = MCPServer(
        name="closient",
        title="Closient retailer onboarding",
        instructions=INSTRUCTIONS,
        website_url=base_url,
        version=__version__,
        token_verifier=ClosientTokenVerifier(),
        auth=AuthSettings(
            issuer_url=base_url,
            resource_server_url=base_url + MCP_PATH,
            validate_token_resource=False,  # our tokens carry no audience; the verifier decides
            service_documentation_url=f"{base_url}/agent-skills/onboard-retailer.md",
        ),
    )
    register_tools(server, ClosientApi(api))
    for skill in SKILLS:
        server.resource(skill.resource_uri, name=skill.name, mime_type="text/markdown")(skill.read)
    return server


def protected_resource_routes() -> list:
    """RFC 9728 metadata at /.well-known/oauth-protected-resource/mcp: where MCP clients learn
    which authorization server issues tokens for /mcp."""
    base_url = get_settings().base_url
    return create_protected_resource_routes(
        resource_url=base_url + MCP_PATH,
        authorization_servers=[base_url],
        scopes_supported=list(ALL_SCOPES),
        resource_name="Closient MCP server",
        resource_documentation=f"{base_url}/agent-skills/onboard-retailer.md",
    )


def transport_security() -> TransportSecuritySettings:
    """DNS-rebinding protection that also admits the public host, not just localhost."""
    public = urlsplit(get_settings().base_url)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[public.netloc, "127.0.0.1:*", "localhost:*", "[::1]:*"],
        allowed_origins=[
            f"{public.scheme}://{public.netloc}",
            "http://127.0.0.1:*",
            "http://localhost:*",
        ],
    )


class McpEndpoint:
    """The ASGI app routed at /mcp: the SDK's streamable HTTP app of the current run."""

    def __init__(self, server: MCPServer) -> None:
        self.server = server
        self._app: Starlette | None = None
        self._entered = 0

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        if self._entered:  # already started by the other lifespan
            self._entered += 1
            try:
                yield
            finally:
                self._entered -= 1
            return
        # A session manager runs once, so each run gets a fresh app (tests start several).
        app = self.server.streamable_http_app(
            streamable_http_path=MCP_PATH,
            stateless_http=True,
            json_response=True,
            transport_security=transport_security(),
        )
        self._entered = 1
        try:
            async with app.router.lifespan_context(app):
                self._app = app
                yield
        finally:
            self._app, self._entered = None, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            log.error("MCP request while the MCP session manager is not running")
            response = envelope(503, "The MCP server is starting or stopping; retry shortly.")
            await response(scope, receive, send)
            return
        await self._app(scope, receive, send)
