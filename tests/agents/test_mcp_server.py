"""Must show (b): the SDK's own client, over streamable HTTP, against /mcp on the live server.

It lists the tools (exact names and annotations), runs the readiness and search tools with a
device-flow bearer token, and checks that authentication and errors match the JSON API.
"""

from __future__ import annotations

import asyncio
import json

import httpx
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from closient_app.models import Role
from tests.api.auth_support import bearer_headers, key_headers
from tests.factories import make_location, make_offer, make_org, make_product, make_user

# name -> (readOnlyHint, destructiveHint, idempotentHint, openWorldHint)
EXPECTED_TOOLS = {
    "start_pos_connect": (False, False, False, False),
    "check_pos_connection": (True, False, True, False),
    "get_sync_status": (True, False, True, False),
    "list_offers": (True, False, True, False),
    "create_location": (False, False, False, False),
    "publish_location": (False, False, True, False),
    "check_readiness": (True, False, True, False),
    "search_nearby": (True, False, True, False),
}


async def mcp_session(url: str, headers: dict, work):
    async with create_mcp_http_client(headers=headers) as http:
        async with Client(streamable_http_client(url, http_client=http)) as client:
            return await work(client)


def run(base: str, headers: dict, work):
    return asyncio.run(mcp_session(base + "/mcp", headers, work))


def key_as_bearer(db, org, **options) -> dict:
    """MCP clients send one bearer header; an organization API key is accepted there too."""
    return {"Authorization": f"Bearer {key_headers(db, org, **options)['X-API-Key']}"}


def test_tools_are_listed_with_their_annotations(base, db) -> None:
    org = make_org(db)
    listed = run(base, key_as_bearer(db, org), lambda client: client.list_tools())
    annotations = {
        tool.name: (
            tool.annotations.read_only_hint,
            tool.annotations.destructive_hint,
            tool.annotations.idempotent_hint,
            tool.annotations.open_world_hint,
        )
        for tool in listed.tools
    }
    assert annotations == EXPECTED_TOOLS
    assert all(tool.description for tool in listed.tools)


def test_the_skill_is_an_mcp_resource(base, db) -> None:
    async def work(client):
        uri = "closient://agent-skills/onboard-retailer.md"
        return await client.list_resources(), await client.read_resource(uri)

    listed, read = run(base, key_as_bearer(db, make_org(db)), work)
    assert [str(r.uri) for r in listed.resources] == ["closient://agent-skills/onboard-retailer.md"]
    assert read.contents[0].text.startswith("---\nname: onboard-retailer")


def test_readiness_and_search_tools_with_a_device_flow_token(base, db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner, name="Hennepin Hardware")
    store = make_location(db, org, lat=44.9778, lon=-93.2650)
    make_offer(db, org=org, product=make_product(db, name="Claw Hammer 16oz"), location=store)

    async def work(client):
        readiness = await client.call_tool("check_readiness", {"organization_id": org.id})
        search = await client.call_tool(
            "search_nearby",
            {"query": "claw hammer", "latitude": 44.98, "longitude": -93.27, "radius_km": 5},
        )
        return readiness, search

    readiness, search = run(base, bearer_headers(db, owner), work)

    assert not readiness.is_error
    assert readiness.structured_content["discoverable"] is True
    assert readiness.structured_content["checks"] == {
        "pos_connected": False,
        "location_published": True,
        "in_stock_offer": True,
    }
    assert json.loads(readiness.content[0].text) == readiness.structured_content
    assert not search.is_error
    [hit] = search.structured_content["hits"]
    assert hit["store"]["id"] == store.id and hit["product"]["name"] == "Claw Hammer 16oz"


def test_tool_errors_carry_the_api_envelope(base, db) -> None:
    """Another organization's readiness is a 404 in the API, and the same envelope here."""
    viewer = make_user(db)
    mine = make_org(db, owner=viewer)
    other = make_org(db, name="Someone else")
    direct = httpx.get(
        f"{base}/retailers/api/v1/organizations/{other.id}/readiness",
        headers=bearer_headers(db, viewer),
    )

    async def work(client):
        return await client.call_tool("check_readiness", {"organization_id": other.id})

    answer = run(base, bearer_headers(db, viewer), work)
    assert mine.id != other.id and direct.status_code == 404
    assert answer.is_error and answer.structured_content == direct.json()
    assert answer.structured_content["error"]["code"] == "NOT_FOUND"


def test_a_viewer_key_cannot_create_a_location(base, db) -> None:
    org = make_org(db)

    async def work(client):
        return await client.call_tool(
            "create_location",
            {"organization_id": org.id, "name": "Annex", "country": "US", "city": "Minneapolis"},
        )

    answer = run(base, key_as_bearer(db, org, role=Role.VIEWER), work)
    error = answer.structured_content["error"]
    assert answer.is_error and error["code"] == "FORBIDDEN" and error["next_step"]


def test_mcp_needs_a_valid_credential(base) -> None:
    """The SDK's bearer middleware answers 401 and points at our protected-resource metadata."""
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for headers in ({}, {"Authorization": "Bearer cat_not-a-token"}):
        answer = httpx.post(f"{base}/mcp", json=initialize, headers=headers)
        assert answer.status_code == 401
        assert "oauth-protected-resource/mcp" in answer.headers["www-authenticate"]
    metadata = httpx.get(f"{base}/.well-known/oauth-protected-resource/mcp").json()
    assert metadata["resource"] == f"{base}/mcp"
    assert metadata["authorization_servers"] == [base]  # RFC 8414 metadata lives there
