import httpx


def test_live_api_serves_health_and_the_sandbox_over_real_http(live_api: str) -> None:
    health = httpx.get(f"{live_api}/healthz", timeout=5)
    sandbox = httpx.get(f"{live_api}/sandbox/shopify/_admin/health", timeout=5)

    assert health.status_code == 200
    assert health.json()["database"]["reachable"] is True
    assert sandbox.json() == {"ok": True, "apps": ["closient-sandbox-app"]}
