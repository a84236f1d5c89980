"""The MCP session manager runs however the API is served: on its own (its lifespan), or
mounted inside another app as Reflex mounts it (the Reflex lifespan task), and twice is fine."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from closient_app.agents.mount import mcp_sessions
from closient_app.api.app import create_api
from tests.api.auth_support import key_headers
from tests.factories import make_org

PUBLIC = "http://127.0.0.1:3000"  # the configured public host passes DNS-rebinding protection
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def mcp_headers(db) -> dict:
    key = key_headers(db, make_org(db))["X-API-Key"]
    return {
        "Authorization": f"Bearer {key}",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
    }


def test_mounted_like_reflex_mounts_it(db) -> None:
    api = create_api()
    reflex_app = SimpleNamespace(api_transformer=api)  # what Reflex passes as `app`

    @contextlib.asynccontextmanager
    async def reflex_lifespan(_):
        async with mcp_sessions(reflex_app):
            yield

    outer = Starlette(lifespan=reflex_lifespan, routes=[Mount("", app=api)])
    with TestClient(outer, base_url=PUBLIC) as client:
        answer = client.post("/mcp", json=LIST_TOOLS, headers=mcp_headers(db))
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["result"]["tools"]) == 8


def test_both_lifespans_at_once_and_none(db) -> None:
    api = create_api()
    headers = mcp_headers(db)
    with TestClient(api, base_url=PUBLIC) as first, TestClient(api, base_url=PUBLIC):
        assert first.post("/mcp", json=LIST_TOOLS, headers=headers).status_code == 200
    stopped = TestClient(api, base_url=PUBLIC).post("/mcp", json=LIST_TOOLS, headers=headers)
    assert stopped.status_code == 503
    assert stopped.json()["error"]["code"] == "INTERNAL_ERROR"
