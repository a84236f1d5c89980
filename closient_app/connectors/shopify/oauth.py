"""Shopify OAuth: the consent URL, the code exchange and token refresh (expiring offline tokens).

Authlib's httpx client does the token requests, with client_secret_post so the client id and
secret travel in the form body as Shopify expects. The expiry times are computed from our own
clock (not Authlib's) so they are testable and consistent with the rest of the app.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.base_client import OAuthError

with warnings.catch_warnings():
    # Authlib 1.9 would rather use the `httpx2` fork and warns when it runs on httpx, which the
    # project pins on purpose. The warning is about Authlib's future, not about our code.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

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
    exchange or {"refresh_token"} for a refresh."""
    url = f"{base_url}/admin/oauth/access_token"
    client = http_client_factory(
        AsyncOAuth2Client,
        client_id=client_id,
        client_secret=client_secret,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 (a method name)
    )
    try:
        async with client:
            if "refresh_token" in grant:
                body = await client.refresh_token(url, refresh_token=grant["refresh_token"])
            else:
                body = await client.fetch_token(url, grant_type="authorization_code", **grant)
    except OAuthError as exc:  # Shopify said no: bad or used code, revoked refresh token
        raise PosRequestRejected(f"Shopify refused the token request: {exc.error}") from exc
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        if status >= 500 or status == 429:
            raise PosUnavailable(f"Shopify token endpoint answered {status}") from exc
        message = f"Shopify token endpoint answered {status}"
        raise PosRequestRejected(message, status=status) from exc
    except (httpx.TransportError, ValueError) as exc:
        raise PosUnavailable(f"Shopify token endpoint unreachable: {exc}") from exc
    return token_set_from_response(dict(body), now=now(), required_scopes=required_scopes)
