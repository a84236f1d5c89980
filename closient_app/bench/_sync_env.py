"""What the sync benchmarks share: a fresh bench database, the API with its sandbox in its own
process (so the emulated Shopify does not compete with the worker for a core), this process
pointed at both, retailers, and a connect through the real install link, consent and callback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import httpx

from closient_app.bench.search import bench_url, start_api
from closient_app.config import PROJECT_ROOT, get_settings
from closient_app.connectors.registry import forget_live_connectors
from closient_app.db import get_engine, session_scope
from closient_app.ops.database import drop_database, ensure_database, migrate_to_head

ADMIN = "/sandbox/shopify/_admin"


@dataclass(frozen=True)
class Retailer:
    organization_id: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.api_key}


def fresh_database(name: str) -> str:
    url = bench_url(name)
    drop_database(url)
    ensure_database(url)
    migrate_to_head(url)
    return url


@contextmanager
def api_with_sandbox(url: str, port: int):
    """The API (sandbox mounted) on `port`, and this process configured to use it and `url`."""
    base = f"http://127.0.0.1:{port}"
    os.environ.update(DATABASE_URL=url, PUBLIC_BASE_URL=base, LOG_LEVEL="warning")
    for cached in (get_settings, get_engine):
        cached.cache_clear()
    forget_live_connectors()
    server = start_api(url, port)
    try:
        yield base
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)


def sandbox(base: str, method: str, path: str, **body: object) -> dict:
    answer = httpx.request(method, f"{base}{ADMIN}{path}", json=body or None, timeout=120)
    answer.raise_for_status()
    return answer.json()


def create_shop(base: str, name: str, **size: object) -> dict:
    return sandbox(base, "POST", "/shops", shop=name, **size)


def make_retailer(name: str) -> Retailer:
    from closient_app.services import accounts

    with session_scope() as session:
        user = accounts.create_user(session=session, email=f"{name}@bench.test", password="x" * 16)
        org = accounts.create_organization(session=session, name=name, country="US", owner=user)
        key = accounts.issue_api_key(
            session=session, organization_id=org.id, name="bench", scopes=accounts.ALL_SCOPES
        )
        return Retailer(organization_id=org.id, api_key=key.key)


def browser() -> httpx.Client:
    """The retailer's browser: its cookies tie the consent to the callback."""
    return httpx.Client(follow_redirects=False, timeout=120)


def approved_callback(browser: httpx.Client, base: str, retailer: Retailer, shop: str) -> str:
    """Install link -> the sandbox's consent page -> approve: the callback URL, not yet opened."""
    link = httpx.post(
        base + "/integrations/api/v1/shopify/install-links",
        json={"organization_id": retailer.organization_id, "shop": shop},
        headers=retailer.headers,
    )
    link.raise_for_status()
    authorize = browser.get(link.json()["install_url"]).headers["location"]
    browser.get(authorize).raise_for_status()
    form = dict(parse_qsl(urlsplit(authorize).query)) | {"decision": "approve"}
    return browser.post(authorize.split("?")[0], data=form).headers["location"]


def open_callback(browser: httpx.Client, callback_url: str) -> float:
    """The browser lands on the callback (exchange, webhooks, first sync queued); returns when
    it started, on the monotonic clock."""
    started = time.monotonic()
    page = browser.get(callback_url)
    if page.status_code != 200:
        raise RuntimeError(f"callback answered {page.status_code}: {page.text[:300]}")
    return started


def start_worker_process(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "closient_app", "worker"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
