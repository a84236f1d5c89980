"""Shopify OAuth: the consent URL, the code exchange and token refresh (expiring offline tokens).

The token requests are one form POST each through our own httpx client (client_secret_post:
the client id and secret travel in the form body, as Shopify expects). Not Authlib's client:
Authlib 1.9 switches to the `httpx2` fork whenever it is installed (mcp pulls it in), and its
client then rejects our httpx transports. Expiry times come from our own clock, for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from closient_app.connectors.http import HttpClientFactory
from closient_app.connectors.interface import (
    PosRequestRejected,
    PosUnavailable,
    ScopeNotGranted,
    TokenSet,
)


def authorize_url(
    base_url: str, *, client_id: str, scopes: Iterable[str], redirect_uri: str, state: str
) -> str:
    """The consent screen URL. No `grant_options[]=per-user`: we want an offline token."""
    query = urlencode(
        {
            "client_id": client_id,
            "scope": ",".join(scopes),
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{base_url}/admin/oauth/authorize?{query}"


def missing_scopes(granted: Iterable[str], required: Iterable[str]) -> list[str]:
    """Required scopes the grant lacks; `write_x` implies `read_x` at Shopify."""
    have = set(granted)
    have |= {"read_" + s.removeprefix("write_") for s in have if s.startswith("write_")}
    return sorted(set(required) - have)


def token_set_from_response(
    body: Mapping[str, Any], *, now: datetime, required_scopes: Iterable[str]
) -> TokenSet:
    """Our TokenSet from Shopify's JSON; refuses a grant that lacks a required scope."""
    access_token = body.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise PosRequestRejected("Shopify answered without an access token")
    scope = tuple(s for s in str(body.get("scope") or "").replace(" ", ",").split(",") if s)
    missing = missing_scopes(scope, required_scopes)
    if missing:
        raise ScopeNotGranted(missing)
    return TokenSet(
        access_token=access_token,
        scope=scope,
        expires_at=_after(now, body.get("expires_in")),
        refresh_token=body.get("refresh_token") or None,
        refresh_expires_at=_after(now, body.get("refresh_token_expires_in")),
    )


def _after(now: datetime, seconds: object) -> datetime | None:
    """`now + seconds` for Shopify's `expires_in` fields; None when absent (no expiry)."""
    if isinstance(seconds, str) and seconds.isdigit():
        seconds = int(seconds)
    if isinstance(seconds, int) and not isinstance(seconds, bool):
        return now + timedelta(seconds=seconds)
    return None


async def request_token(
    http_client_factory: HttpClientFactory,
    *,
    base_url: str,
    client_id: str,
    client_secret: str,
    grant: Mapping[str, Any],
    now: Callable[[], datetime],
    required_scopes: Iterable[str],
) -> TokenSet:
    """POST to `{base}/admin/oauth/access_token`. `grant` is {"code", "expiring": 1} for the
    exchange or {"refresh_token"} for a refresh. Credentials travel in the form body
    (client_secret_post), as Shopify expects."""
    url = f"{base_url}/admin/oauth/access_token"
    grant_type = "refresh_token" if "refresh_token" in grant else "authorization_code"
    form = {"grant_type": grant_type, **{k: str(v) for k, v in grant.items()}}
    form |= {"client_id": client_id, "client_secret": client_secret}
    try:
        async with http_client_factory() as client:
            response = await client.post(url, data=form, headers={"Accept": "application/json"})
    except httpx.TransportError as exc:
        raise PosUnavailable(f"Shopify token endpoint unreachable: {exc}") from exc
    status = response.status_code
    if status >= 500 or status == 429:
        raise PosUnavailable(f"Shopify token endpoint answered {status}")
    try:
        body = response.json()
    except ValueError as exc:
        raise PosUnavailable(f"Shopify token endpoint answered {status} without JSON") from exc
    if not isinstance(body, dict):
        raise PosUnavailable(f"Shopify token endpoint answered {status} with an unexpected body")
    if status >= 400 or "error" in body:  # bad or used code, revoked refresh token
        error = body.get("error") or f"HTTP {status}"
        raise PosRequestRejected(f"Shopify refused the token request: {error}", status=status)
    return token_set_from_response(body, now=now(), required_scopes=required_scopes)
