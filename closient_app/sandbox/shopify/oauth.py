"""Authorization code grant: the consent page, the signed callback, the token endpoint.

Decline: Shopify documents no redirect for a merchant who cancels the install (its own UI
returns the merchant to the admin's app list, and the only documented decline redirect, for
app charges, is handled inside the admin). The sandbox needs the app to learn about it, so it
redirects to `redirect_uri` with `error=access_denied`, `shop` and `state` (the RFC 6749
section 4.1.2.1 form), unsigned, as the brief for the sandbox specifies.
"""

from __future__ import annotations

import hmac
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .consent_page import consent_html, error_html
from .ids import is_valid_shop, shop_handle
from .signing import admin_host_param, sign_callback
from .store import SandboxStore
from .tokens import OAuthError

SCOPE_NAME = re.compile(r"^(unauthenticated_)?(read|write)_[a-z_]+$")
NOT_FOUND = {"errors": "Not Found"}


def normalize_scope(raw: str) -> list[str]:
    seen: list[str] = []
    for part in (p.strip() for p in raw.split(",")):
        if part and part not in seen:
            seen.append(part)
    return seen


def oauth_routes(store: SandboxStore) -> list[Route]:
    def authorization_problem(params: dict[str, str]) -> str | None:
        client_id = params.get("client_id", "")
        if client_id not in store.config.apps:
            return (
                f"invalid_request: Could not find Shopify API application with api_key {client_id}"
            )
        if urlsplit(params.get("redirect_uri", "")).scheme not in ("http", "https"):
            return "invalid_request: The redirect_uri is missing or is not a valid URL"
        bad = [s for s in normalize_scope(params.get("scope", "")) if not SCOPE_NAME.match(s)]
        if bad:
            return f"invalid_scope: The access scope is invalid: {', '.join(bad)}"
        return None

    async def authorize_page(request: Request) -> Response:
        shop = request.path_params["shop"]
        if not is_valid_shop(shop):
            return JSONResponse(NOT_FOUND, status_code=404)
        params = dict(request.query_params)
        params["grant_options[]"] = request.query_params.get("grant_options[]", "")
        problem = authorization_problem(params)
        if problem:
            return HTMLResponse(error_html(problem), status_code=400)
        store.shop(shop)
        return HTMLResponse(
            consent_html(
                shop=shop,
                action=request.url.path,
                params=params,
                scopes=normalize_scope(params.get("scope", "")),
            )
        )

    async def authorize_decision(request: Request) -> Response:
        shop = request.path_params["shop"].lower()
        if not is_valid_shop(shop):
            return JSONResponse(NOT_FOUND, status_code=404)
        form = await request.form()
        params = {k: str(v) for k, v in form.items()}
        problem = authorization_problem(params)
        if problem:
            return HTMLResponse(error_html(problem), status_code=400)
        state = params.get("state")
        if params.get("decision") != "approve":
            declined = {"error": "access_denied", "shop": shop}
            if state is not None:
                declined["state"] = state
            return RedirectResponse(with_query(params["redirect_uri"], declined), 302)
        scope = store.granted_scope_override or ",".join(normalize_scope(params.get("scope", "")))
        code = store.tokens.issue_code(
            shop=shop,
            client_id=params["client_id"],
            scope=scope,
            online=params.get("grant_options[]") == "per-user",
        )
        callback = {
            "code": code,
            "host": admin_host_param(shop_handle(shop)),
            "shop": shop,
            "timestamp": str(int(store.config.clock())),
        }
        if state is not None:
            callback["state"] = state
        callback["hmac"] = sign_callback(callback, store.config.apps[params["client_id"]])
        return RedirectResponse(
            with_query(params["redirect_uri"], dict(sorted(callback.items()))), 302
        )

    async def access_token(request: Request) -> Response:
        shop = request.path_params["shop"].lower()
        if not is_valid_shop(shop):
            return JSONResponse(NOT_FOUND, status_code=404)
        body = await read_body(request)
        try:
            return JSONResponse(exchange(store, shop, body))
        except OAuthError as error:
            return JSONResponse(error.body(), status_code=error.status)

    return [
        Route("/{shop}/admin/oauth/authorize", authorize_page, methods=["GET"]),
        Route("/{shop}/admin/oauth/authorize", authorize_decision, methods=["POST"]),
        Route("/{shop}/admin/oauth/access_token", access_token, methods=["POST"]),
    ]


def exchange(store: SandboxStore, shop: str, body: dict[str, str]) -> dict[str, object]:
    """Both grants of the token endpoint; raises OAuthError with Shopify's error shapes."""
    client_id = body.get("client_id", "")
    secret = store.config.apps.get(client_id)
    if secret is None:
        raise OAuthError(
            "invalid_request", f"Could not find Shopify API application with api_key {client_id}"
        )
    secret_ok = hmac.compare_digest(body.get("client_secret", "").encode(), secret.encode())
    grant_type = body.get("grant_type", "authorization_code")
    if grant_type == "refresh_token":
        if not secret_ok:
            raise OAuthError("invalid_client", "Client authentication failed", 401)
        return store.tokens.refresh(
            shop=shop, client_id=client_id, refresh_token=body.get("refresh_token", "")
        )
    if grant_type != "authorization_code":
        raise OAuthError("unsupported_grant_type", f"Unsupported grant_type: {grant_type}")
    if not secret_ok:
        # Shopify answers a wrong secret like an unknown code; the code stays usable.
        raise OAuthError(
            "invalid_request", "The authorization code was not found or was already used"
        )
    grant = store.tokens.redeem_code(shop=shop, client_id=client_id, code=body.get("code", ""))
    store.shop(shop)
    expiring = str(body.get("expiring", "")).lower() in ("1", "true")
    return store.tokens.issue_tokens(
        shop=shop, client_id=client_id, scope=grant.scope, expiring=expiring, online=grant.online
    )


async def read_body(request: Request) -> dict[str, str]:
    """Shopify accepts the token request as JSON or as a form; values become strings."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = await request.json()
        except ValueError:
            return {}
        return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    form = await request.form()
    return {k: str(v) for k, v in form.items()}


def with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
