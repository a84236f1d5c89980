"""The MCP tools: each is one call (or two) to our JSON API, made in-process with the caller's
own credential.

Why through the API rather than straight to the services: one authorization path (scopes,
roles, other organizations answer 404), one rate limit and one error envelope, so a failed tool
returns exactly the API's `{"error": {"code", "message", "status", "details", "next_step"}}`
and nothing here can drift from what the REST routes allow.
"""

from __future__ import annotations

import json
from inspect import cleandoc
from typing import Annotated, Any

import httpx
from mcp.server.mcpserver import Context, MCPServer
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field
from starlette.types import ASGIApp

from closient_app.services.api_keys import PREFIX as KEY_PREFIX

OrganizationId = Annotated[str, Field(min_length=1, max_length=22, description="Organization id")]
LocationId = Annotated[str, Field(min_length=1, max_length=22, description="Location id")]


def _hints(*, read_only: bool, idempotent: bool, destructive: bool = False) -> ToolAnnotations:
    # Every tool acts on Closient alone (the POS is only reached by the retailer's browser).
    return ToolAnnotations(
        read_only_hint=read_only,
        destructive_hint=destructive,
        idempotent_hint=idempotent,
        open_world_hint=False,
    )


READ = _hints(read_only=True, idempotent=True)
ADD = _hints(read_only=False, idempotent=False)  # creates something new on every call
SET = _hints(read_only=False, idempotent=True)  # brings something into a state


class ClosientApi:
    """Our JSON API, called over ASGI in this process (no network, same middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self._transport = httpx.ASGITransport(app=app)

    async def call(self, ctx: Context, method: str, path: str, **kwargs: Any) -> CallToolResult:
        async with httpx.AsyncClient(transport=self._transport, base_url="http://mcp") as client:
            response = await client.request(method, path, headers=_credential(ctx), **kwargs)
        body = response.json() if response.content else {}
        text = TextContent(type="text", text=json.dumps(body))
        return CallToolResult(
            content=[text], structured_content=body, is_error=not response.is_success
        )


def _credential(ctx: Context) -> dict[str, str]:
    """The bearer credential the MCP request carried (already verified), as the API takes it."""
    request = ctx.request_context.request
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    return (
        {"X-API-Key": token}
        if token.startswith(KEY_PREFIX)
        else {"Authorization": f"Bearer {token}"}
    )


def register_tools(server: MCPServer, api: ClosientApi) -> None:
    def tool(annotations: ToolAnnotations):
        """`server.tool`, with the docstring's indentation removed for the description."""
        return lambda fn: server.tool(annotations=annotations, description=cleandoc(fn.__doc__))(fn)

    @tool(ADD)
    async def start_pos_connect(
        ctx: Context,
        organization_id: OrganizationId,
        shop: Annotated[str, Field(description="The Shopify shop, e.g. acme.myshopify.com")],
        provider: Annotated[str, Field(description="The POS; shopify today")] = "shopify",
    ) -> CallToolResult:
        """Start a headless POS connect. Show the retailer `user_code` and
        `verification_uri_complete`; then call check_pos_connection with `device_code` every
        `interval` seconds."""
        body = {"organization_id": organization_id, "provider": provider, "shop": shop}
        return await api.call(
            ctx, "POST", "/integrations/api/v1/pos-connections/device-code", json=body
        )

    @tool(READ)
    async def check_pos_connection(
        ctx: Context, device_code: Annotated[str, Field(min_length=1, max_length=200)]
    ) -> CallToolResult:
        """Poll a headless POS connect: `connected` with source_id and job_id, or an error whose
        code is authorization_pending / slow_down (wait `interval` s), expired_token,
        access_denied or connect_failed (start again)."""
        body = {"device_code": device_code}
        return await api.call(
            ctx, "POST", "/integrations/api/v1/pos-connections/device-token", json=body
        )

    @tool(READ)
    async def get_sync_status(
        ctx: Context, job_id: Annotated[str, Field(min_length=1, max_length=22)]
    ) -> CallToolResult:
        """A sync job's status (queued, running, succeeded, failed, cancelled) and progress.
        Ask again no sooner than every 5 seconds."""
        return await api.call(ctx, "GET", f"/integrations/api/v1/jobs/{job_id}")

    @tool(READ)
    async def list_offers(
        ctx: Context,
        organization_id: OrganizationId,
        page: Annotated[int, Field(ge=1)] = 1,
        page_size: Annotated[int, Field(ge=1, le=100)] = 25,
        status: Annotated[str | None, Field(description="in_stock, low_stock, ...")] = None,
    ) -> CallToolResult:
        """The organization's in-store offers; `count` is the synced_offer_count. Each offer's
        `physical_store_id` is the Location it is sold at."""
        params = {"page": page, "page_size": page_size} | ({"status": status} if status else {})
        path = f"/retailers/api/v1/organizations/{organization_id}/in-store-offers"
        return await api.call(ctx, "GET", path, params=params)

    @tool(ADD)
    async def create_location(
        ctx: Context,
        organization_id: OrganizationId,
        name: Annotated[str, Field(min_length=1, max_length=200)],
        country: Annotated[str, Field(description="ISO 3166-1 alpha-2, e.g. US")],
        city: str = "",
        postal_code: str = "",
        line1: str = "",
        region: Annotated[str, Field(description="State or province, e.g. MN")] = "",
        latitude: Annotated[float | None, Field(description="Omit both to geocode")] = None,
        longitude: float | None = None,
        phone: str = "",
        publish: Annotated[bool, Field(description="Publish it right away")] = True,
    ) -> CallToolResult:
        """Create a store (a new one each call) and, by default, publish it to local search.
        Without coordinates it is geocoded from the address."""
        address = {"line1": line1, "city": city, "region": region}
        address |= {"postal_code": postal_code, "country": country}
        body = {"organization_id": organization_id, "name": name, "address": address}
        body |= {"latitude": latitude, "longitude": longitude, "phone": phone}
        body["status"] = "published" if publish else "draft"
        return await api.call(ctx, "POST", "/locations/api/v1/locations", json=body)

    @tool(SET)
    async def publish_location(
        ctx: Context,
        location_id: LocationId,
        confirm_pin: Annotated[
            bool, Field(description="Confirm a pin imported from the POS as it is")
        ] = False,
        latitude: Annotated[float | None, Field(description="Place the pin exactly")] = None,
        longitude: float | None = None,
    ) -> CallToolResult:
        """Publish a store (e.g. one the POS sync imported as a draft). A POS pin must first be
        confirmed (confirm_pin) or replaced (latitude and longitude)."""
        path = f"/locations/api/v1/locations/{location_id}"
        pin: dict[str, Any] = {}
        if latitude is not None or longitude is not None:
            pin = {"latitude": latitude, "longitude": longitude}
        elif confirm_pin:
            pin = {"coordinates_confirmed": True}
        if pin:
            placed = await api.call(ctx, "PATCH", path, json=pin)
            if placed.is_error:
                return placed
        return await api.call(ctx, "POST", f"{path}/publish")

    @tool(READ)
    async def check_readiness(ctx: Context, organization_id: OrganizationId) -> CallToolResult:
        """Is the retailer discoverable? Three checks (POS connected, location published,
        in-stock offer there), each failing one with its next step."""
        path = f"/retailers/api/v1/organizations/{organization_id}/readiness"
        return await api.call(ctx, "GET", path)

    @tool(READ)
    async def search_nearby(
        ctx: Context,
        query: Annotated[
            str, Field(min_length=1, max_length=200, description="Words or gtin:<digits>")
        ],
        latitude: Annotated[float, Field(ge=-90, le=90)],
        longitude: Annotated[float, Field(ge=-180, le=180)],
        radius_km: Annotated[float, Field(gt=0, le=50)] = 10.0,
        in_stock: bool = True,
    ) -> CallToolResult:
        """Search in-store products near a point, nearest store first (what shoppers see)."""
        body = {"query": query, "latitude": latitude, "longitude": longitude}
        body |= {"radius_km": radius_km, "in_stock": in_stock}
        return await api.call(ctx, "POST", "/search/api/v1/search/session", json=body)
