"""/mcp counts against the caller's API budget: the same buckets (key, user, IP) as the REST
API, the same 429 with Retry-After, and the same RateLimit headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from closient_app.api.app import create_api
from tests.api.auth_support import (  # noqa: F401  (fixtures)
    bearer_headers,
    cheap_password_hashing,
    clock,
    rate_limited,
)
from tests.factories import make_api_key, make_org, make_user

PUBLIC = "http://127.0.0.1:3000"  # the configured public host passes DNS-rebinding protection
MCP_HEADERS = {
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2025-06-18",
}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
WHOAMI = "/account/api/v1/whoami"
DEFAULT_POLICY = "300;w=60, 10000;w=86400"

pytestmark = pytest.mark.usefixtures("clock")  # 10 s into a minute: the reset is 50 s


def limited_key(db, org, *, per_minute: int, per_day: int) -> str:
    issued = make_api_key(db, org)
    issued.record.rate_limit_per_minute, issued.record.rate_limit_per_day = per_minute, per_day
    db.add(issued.record)
    db.commit()
    return issued.key


def readiness_call(organization_id: str) -> dict:
    arguments = {"organization_id": organization_id}
    params = {"name": "check_readiness", "arguments": arguments}
    return {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": params}


def test_mcp_spends_the_keys_budget_and_is_refused_past_it(db) -> None:
    key = limited_key(db, make_org(db), per_minute=4, per_day=100)
    mcp = {**MCP_HEADERS, "Authorization": f"Bearer {key}"}  # how MCP clients send a key

    with TestClient(create_api(), base_url=PUBLIC) as client:
        rest = client.get(WHOAMI, headers={"X-API-Key": key})
        answers = [client.post("/mcp", json=LIST_TOOLS, headers=mcp) for _ in range(4)]

    assert rest.headers["RateLimit-Remaining"] == "3"
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert len(answers[0].json()["result"]["tools"]) == 8
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    refused = answers[-1]
    assert refused.headers["RateLimit-Policy"] == "4;w=60, 100;w=86400"
    assert refused.headers["RateLimit-Limit"] == "4"
    assert refused.headers["RateLimit-Reset"] == "50"
    assert refused.headers["Retry-After"] == "50"
    assert refused.json() == rate_limited(4, 60, retry_after=50)


def test_a_tool_call_counts_its_mcp_request_and_its_api_call(db) -> None:
    org = make_org(db)
    key = limited_key(db, org, per_minute=5, per_day=100)
    mcp = {**MCP_HEADERS, "Authorization": f"Bearer {key}"}

    with TestClient(create_api(), base_url=PUBLIC) as client:
        called = client.post("/mcp", json=readiness_call(org.id), headers=mcp)
        after = client.get(WHOAMI, headers={"X-API-Key": key})

    assert called.status_code == 200
    assert called.json()["result"]["isError"] is False
    assert called.headers["RateLimit-Remaining"] == "4"  # counted before the tool ran
    assert after.headers["RateLimit-Remaining"] == "2"  # 5 - (MCP request + readiness + whoami)


def test_a_device_flow_token_spends_its_users_budget(db) -> None:
    user = make_user(db)
    mcp = {**MCP_HEADERS, **bearer_headers(db, user)}

    with TestClient(create_api(), base_url=PUBLIC) as client:
        first = client.post("/mcp", json=LIST_TOOLS, headers=mcp)
        rest = client.get(WHOAMI, headers=bearer_headers(db, user))  # another token, same user

    assert first.status_code == 200
    assert first.headers["RateLimit-Policy"] == DEFAULT_POLICY
    assert first.headers["RateLimit-Remaining"] == "299"
    assert rest.headers["RateLimit-Remaining"] == "298"


def test_anonymous_mcp_requests_spend_the_ips_budget(db) -> None:
    with TestClient(create_api(), base_url=PUBLIC) as client:
        refused = client.post("/mcp", json=LIST_TOOLS, headers=MCP_HEADERS)
        catalog = client.get("/.well-known/api-catalog")

    assert refused.status_code == 401  # the SDK's answer: no bearer credential
    assert refused.headers["RateLimit-Remaining"] == "299"
    assert catalog.headers["RateLimit-Remaining"] == "298"
