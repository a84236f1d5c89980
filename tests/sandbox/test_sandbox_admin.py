"""Sandbox admin routes, mounting under a prefix, the standalone server and the bench."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from closient_app.sandbox import SandboxConfig, bench, create_sandbox_app

from .helpers import (
    ALL_SCOPES,
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    SHOP,
    Sandbox,
    TestClient,
    callback_params,
    verify_callback_hmac,
)


def test_create_a_shop_by_product_count(sandbox: Sandbox):
    response = sandbox.admin(
        "POST", "/shops", json={"shop": "big.myshopify.com", "products": 1000, "locations": 3}
    )
    assert response.status_code == 201
    body = response.json()
    counts = body["counts"]
    assert (counts["products"], counts["locations"]) == (1000, 3)
    assert counts["inventory_levels"] == counts["variants"] * 3
    assert 1000 <= counts["variants"] <= 3000
    assert body["generated_in_ms"] >= 0


def test_create_a_shop_by_total_variants(sandbox: Sandbox):
    response = sandbox.admin(
        "POST", "/shops", json={"shop": "huge.myshopify.com", "variants": 50_000, "locations": 10}
    )
    assert response.status_code == 201
    counts = response.json()["counts"]
    assert (counts["variants"], counts["locations"], counts["inventory_levels"]) == (
        50_000,
        10,
        500_000,
    )
    print(f"50k variants x 10 locations generated in {response.json()['generated_in_ms']} ms")


def test_bad_shop_creation_requests(sandbox: Sandbox):
    for body in (
        {"shop": "nope.example.com"},
        {"shop": SHOP, "locations": 0},
        {"shop": SHOP, "variants": 2_000_000},
        {"shop": SHOP, "products": "many"},
    ):
        assert sandbox.admin("POST", "/shops", json=body).status_code == 400, body


def test_state_counts_and_the_expected_catalog(sandbox: Sandbox):
    shop = sandbox.admin("GET", f"/shops/{SHOP}", params={"catalog": "1"}).json()
    counts, catalog = shop["counts"], shop["catalog"]
    assert counts["products"] == 40 and counts["locations"] == 3
    assert len(catalog["variants"]) == counts["variants"]
    assert (
        sum(sum(v["available"].values()) for v in catalog["variants"])
        == (counts["total_available"])
    )
    variant = catalog["variants"][0]
    assert set(variant) == {
        "variant_id",
        "product_id",
        "inventory_item_id",
        "title",
        "product_title",
        "vendor",
        "status",
        "sku",
        "barcode",
        "price",
        "tracked",
        "available",
    }
    assert list(variant["available"]) == [loc["id"] for loc in catalog["locations"]]
    assert "catalog" not in sandbox.admin("GET", f"/shops/{SHOP}").json()


def test_reset_restores_the_generated_catalog_and_keeps_installs(sandbox: Sandbox, token: str):
    before = sandbox.expected_catalog()
    sandbox.activity(kind="sale", quantity=3)
    sandbox.activity(kind="product_deleted")
    assert sandbox.expected_catalog() != before
    assert sandbox.admin("POST", f"/shops/{SHOP}/reset").status_code == 200
    assert sandbox.expected_catalog() == before
    assert sandbox.graphql(token, "{ shop { name } }").status_code == 200


def test_forget_and_reset_everything(sandbox: Sandbox, token: str):
    assert sandbox.admin("DELETE", f"/shops/{SHOP}").json() == {"forgotten": True}
    assert sandbox.graphql(token, "{ shop { name } }").status_code == 401
    token = sandbox.install()["access_token"]
    sandbox.admin("PUT", "/settings", json={"duplicate_rate": 0.5})
    assert sandbox.admin("POST", "/reset").json() == {"reset": True}
    assert sandbox.graphql(token, "{ shop { name } }").status_code == 401
    assert sandbox.admin("GET", "/settings").json()["duplicate_rate"] == 0.0
    assert sandbox.admin("GET", "/shops").json() == {"shops": []}


def test_settings_validation(sandbox: Sandbox):
    assert sandbox.admin("PUT", "/settings", json={"colour": 1}).status_code == 400
    assert sandbox.admin("PUT", "/settings", json={"duplicate_rate": 2}).status_code == 400
    bad_style = sandbox.admin("PUT", "/settings", json={"webhook_header_style": "X"})
    assert bad_style.status_code == 400
    ok = sandbox.admin("PUT", "/settings", json={"latency_s": 0.25, "out_of_order": True})
    assert (ok.json()["latency_s"], ok.json()["out_of_order"]) == (0.25, True)


def test_mounted_under_a_prefix_every_url_carries_the_mount(clock: Any):
    config = SandboxConfig(apps={CLIENT_ID: CLIENT_SECRET}, clock=clock)
    host = Starlette(routes=[Mount("/sandbox/shopify", app=create_sandbox_app(config))])
    with TestClient(host) as client:
        base = f"/sandbox/shopify/{SHOP}"
        page = client.get(
            f"{base}/admin/oauth/authorize",
            params={"client_id": CLIENT_ID, "scope": ALL_SCOPES, "redirect_uri": REDIRECT_URI},
        )
        assert f'action="{base}/admin/oauth/authorize"' in page.text
        approved = client.post(
            f"{base}/admin/oauth/authorize",
            follow_redirects=False,
            data={
                "client_id": CLIENT_ID,
                "scope": ALL_SCOPES,
                "redirect_uri": REDIRECT_URI,
                "state": "s",
                "decision": "approve",
            },
        )
        params = callback_params(approved.headers["location"])
        assert verify_callback_hmac(params, CLIENT_SECRET)
        token = client.post(
            f"{base}/admin/oauth/access_token",
            json={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": params["code"]},
        ).json()["access_token"]
        run = """mutation { bulkOperationRunQuery(query: "{ locations { edges { node { id } } } }")
          { userErrors { message } } }"""
        headers = {"X-Shopify-Access-Token": token}
        client.post(f"{base}/admin/api/2026-07/graphql.json", headers=headers, json={"query": run})
        client.post("/sandbox/shopify/_admin/idle")
        current = client.post(
            f"{base}/admin/api/2026-07/graphql.json",
            headers=headers,
            json={"query": "{ currentBulkOperation { url } }"},
        )
        url = current.json()["data"]["currentBulkOperation"]["url"]
        assert urlsplit(url).path.startswith(f"{base}/bulk-operations/")
        assert len(client.get(url).text.splitlines()) == 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_standalone_server_starts_from_one_command():
    port = free_port()
    env = {**os.environ, "SHOPIFY_SANDBOX_CLIENT_SECRET": "standalone-secret"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "closient_app.sandbox",
            "--port",
            str(port),
            "--client-id",
            "standalone-app",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_admin/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, process.stdout.read() if process.stdout else ""
        assert health.json() == {"ok": True, "apps": ["standalone-app"]}
        consent = httpx.get(
            f"http://127.0.0.1:{port}/{SHOP}/admin/oauth/authorize",
            params={
                "client_id": "standalone-app",
                "scope": "read_products",
                "redirect_uri": REDIRECT_URI,
            },
        )
        assert consent.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_standalone_command_needs_a_secret():
    env = {k: v for k, v in os.environ.items() if k != "SHOPIFY_SANDBOX_CLIENT_SECRET"}
    result = subprocess.run(
        [sys.executable, "-m", "closient_app.sandbox", "--client-id", "x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "SHOPIFY_SANDBOX_CLIENT_SECRET" in result.stderr


def test_the_bench_prints_its_figures(capsys: Any):
    figures = bench.main(["--variants", "2000", "--locations", "3"])
    assert set(figures) == {"generation_s", "page_ms"}
    out = capsys.readouterr().out
    assert "generate 2,000 variants x 3 locations (6,000 inventory levels)" in out
    assert "one productVariants page of 250" in out
