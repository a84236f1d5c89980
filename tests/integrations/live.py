"""Driving a connect over real HTTP, as an agent and a retailer's browser do it.

The agent asks for an install link with its API key; the browser (an httpx client with its own
cookie jar, no credential) opens it, sees the sandbox's consent page, approves, and comes back
to the callback. Sandbox shops are named per test, since the sandbox lives for the session.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from itertools import count
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from sqlalchemy import text
from sqlmodel import Session

from closient_app.config import get_settings
from closient_app.connectors.shopify.signatures import callback_hmac
from closient_app.models import Organization, Role
from tests.factories import make_api_key, make_org

_shops = count(1)
SANDBOX_ADMIN = "/sandbox/shopify/_admin"


@dataclass
class Retailer:
    org: Organization
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.key}


def make_retailer(db: Session, *, role: Role = Role.MANAGER, name: str = "Corner Hardware"):
    org = make_org(db, name=name)
    return Retailer(org=org, key=make_api_key(db, org, role=role).key)


def new_shop(base: str, *, products: int = 4, locations: int = 2) -> str:
    """A fresh sandbox shop with a small catalog."""
    shop = f"connect-test-{next(_shops)}-{hashlib.sha256(base.encode()).hexdigest()[:6]}"
    shop += ".myshopify.com"
    answer = httpx.post(
        base + SANDBOX_ADMIN + "/shops",
        json={
            "shop": shop,
            "products": products,
            "variants_per_product": 1,
            "locations": locations,
        },
    )
    assert answer.status_code == 201, answer.text
    return shop


def sandbox_shop(base: str, shop: str) -> dict:
    return httpx.get(f"{base}{SANDBOX_ADMIN}/shops/{shop}").json()


def install_link(base: str, retailer: Retailer, shop: str) -> httpx.Response:
    return httpx.post(
        base + "/integrations/api/v1/shopify/install-links",
        json={"organization_id": retailer.org.id, "shop": shop},
        headers=retailer.headers,
    )


def browser() -> httpx.Client:
    return httpx.Client(follow_redirects=False, timeout=30)


def consent(client: httpx.Client, install_url: str, *, decision: str = "approve") -> str:
    """Open the install link, answer the consent screen; returns the callback URL (unvisited)."""
    to_shopify = client.get(install_url)
    assert to_shopify.status_code == 302, to_shopify.text
    authorize = to_shopify.headers["location"]
    page = client.get(authorize)
    assert page.status_code == 200 and 'value="approve"' in page.text
    form = dict(parse_qsl(urlsplit(authorize).query)) | {"decision": decision}
    back = client.post(authorize.split("?")[0], data=form)
    assert back.status_code == 302
    return back.headers["location"]


def connect(base: str, retailer: Retailer, shop: str) -> httpx.Response:
    """The whole connect; returns the callback's page."""
    link = install_link(base, retailer, shop)
    assert link.status_code == 201, link.text
    with browser() as client:
        return client.get(consent(client, link.json()["install_url"]))


def resigned(callback_url: str, *, secret: str | None = None, **changes: str) -> str:
    """The callback URL with `changes` applied and a fresh HMAC (by default the real secret)."""
    parts = urlsplit(callback_url)
    params = dict(parse_qsl(parts.query)) | changes
    params.pop("hmac", None)
    params["hmac"] = callback_hmac(params, secret or get_settings().shopify_sandbox_client_secret)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(params)}"


def with_params(callback_url: str, **changes: str) -> str:
    """The callback URL with `changes` applied and the original HMAC kept (a tampering)."""
    parts = urlsplit(callback_url)
    params = dict(parse_qsl(parts.query)) | changes
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(params)}"


def sign_webhook(body: bytes, secret: str | None = None) -> str:
    import base64

    key = (secret or get_settings().shopify_sandbox_client_secret).encode()
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def row_counts(db: Session) -> dict[str, int]:
    """Rows of every table a connect writes to."""
    tables = ("inventory_source", "webhook_endpoint", "sync_job", "webhook_receipt")
    counts = {t: db.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}  # noqa: S608
    counts["used_states"] = db.execute(
        text("SELECT count(*) FROM pos_oauth_state WHERE used_at IS NOT NULL")
    ).scalar_one()
    return counts


def simulate(base: str, shop: str, **activity: object) -> dict:
    answer = httpx.post(f"{base}{SANDBOX_ADMIN}/shops/{shop}/activity", json=activity)
    assert answer.status_code == 200, answer.text
    httpx.post(f"{base}{SANDBOX_ADMIN}/idle")
    return answer.json()
