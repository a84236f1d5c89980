"""Authorization codes, access tokens and refresh tokens, with Shopify's lifetimes and rules.

Refresh-token reuse follows Shopify's changelog "More resilient refreshes for expiring offline
access tokens" (2026-08-28, https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens):
a used refresh token can be retried until the app uses its replacement, for at most 30 days
after its first use and never past its own 90-day lifetime; using the replacement retires it.
Not documented, so chosen here: a retry of a used token supersedes (retires) the replacement
it returned before, so only the newest replacement stays usable.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from .config import SandboxConfig

CODE_NOT_FOUND = "The authorization code was not found or was already used"
REFRESH_INVALID = "The refresh token is invalid, expired or was already replaced"


class OAuthError(Exception):
    """An error of the access_token endpoint: `{"error", "error_description"}` with a status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass
class AuthorizationCode:
    code: str
    shop: str
    client_id: str
    scope: str
    online: bool
    expires_at: float


@dataclass
class AccessGrant:
    token: str
    shop: str
    client_id: str
    scope: str
    expires_at: float | None  # None: a non-expiring offline token
    online: bool


@dataclass
class RefreshGrant:
    token: str
    shop: str
    client_id: str
    scope: str
    expires_at: float
    predecessor: str | None
    first_used_at: float | None = None
    replacement: str | None = None
    retired: bool = False


class TokenRegistry:
    def __init__(self, config: Callable[[], SandboxConfig]) -> None:
        self._config = config  # read on every use: admin settings can replace it
        self.codes: dict[str, AuthorizationCode] = {}
        self.access: dict[str, AccessGrant] = {}
        self.refresh_grants: dict[str, RefreshGrant] = {}

    def issue_code(self, *, shop: str, client_id: str, scope: str, online: bool) -> str:
        config = self._config()
        code = secrets.token_hex(16)
        self.codes[code] = AuthorizationCode(
            code, shop, client_id, scope, online, config.clock() + config.code_ttl_s
        )
        return code

    def redeem_code(self, *, shop: str, client_id: str, code: str) -> AuthorizationCode:
        """Single use: the code is gone after this call, whether it was still valid or not."""
        grant = self.codes.get(code)
        if grant is None or grant.shop != shop or grant.client_id != client_id:
            raise OAuthError("invalid_request", CODE_NOT_FOUND)
        del self.codes[code]
        if self._config().clock() >= grant.expires_at:
            raise OAuthError("invalid_request", CODE_NOT_FOUND)
        return grant

    def issue_tokens(
        self,
        *,
        shop: str,
        client_id: str,
        scope: str,
        expiring: bool,
        online: bool,
        predecessor: str | None = None,
    ) -> dict[str, object]:
        config = self._config()
        now = config.clock()
        token = ("shpua_" if online else "shpat_") + secrets.token_hex(16)
        body: dict[str, object] = {"access_token": token, "scope": scope}
        if online:
            self.access[token] = AccessGrant(
                token, shop, client_id, scope, now + config.online_token_ttl_s, True
            )
            body["expires_in"] = int(config.online_token_ttl_s)
            body["associated_user_scope"] = scope
            body["associated_user"] = _sandbox_user(shop)
            return body
        if not expiring:
            self.access[token] = AccessGrant(token, shop, client_id, scope, None, False)
            return body
        self.access[token] = AccessGrant(
            token, shop, client_id, scope, now + config.access_token_ttl_s, False
        )
        refresh = "shprt_" + secrets.token_hex(24)
        self.refresh_grants[refresh] = RefreshGrant(
            refresh, shop, client_id, scope, now + config.refresh_token_ttl_s, predecessor
        )
        body.update(
            expires_in=int(config.access_token_ttl_s),
            refresh_token=refresh,
            refresh_token_expires_in=int(config.refresh_token_ttl_s),
        )
        return body

    def refresh(self, *, shop: str, client_id: str, refresh_token: str) -> dict[str, object]:
        config = self._config()
        now = config.clock()
        grant = self.refresh_grants.get(refresh_token)
        if (
            grant is None
            or grant.retired
            or grant.shop != shop
            or grant.client_id != client_id
            or now >= grant.expires_at
            or (
                grant.first_used_at is not None
                and now > grant.first_used_at + config.refresh_retry_window_s
            )
        ):
            raise OAuthError("invalid_grant", REFRESH_INVALID)
        if grant.predecessor and grant.predecessor in self.refresh_grants:
            self.refresh_grants[grant.predecessor].retired = True
        if grant.replacement and grant.replacement in self.refresh_grants:
            self.refresh_grants[grant.replacement].retired = True
        if grant.first_used_at is None:
            grant.first_used_at = now
        body = self.issue_tokens(
            shop=shop,
            client_id=client_id,
            scope=grant.scope,
            expiring=True,
            online=False,
            predecessor=grant.token,
        )
        grant.replacement = str(body["refresh_token"])
        return body

    def access_grant(self, *, shop: str, token: str) -> AccessGrant | None:
        grant = self.access.get(token)
        if grant is None or grant.shop != shop:
            return None
        if grant.expires_at is not None and self._config().clock() >= grant.expires_at:
            return None
        return grant

    def installed_apps(self, shop: str) -> set[str]:
        return {g.client_id for g in self.access.values() if g.shop == shop}

    def revoke(self, *, shop: str, client_id: str | None = None) -> None:
        """Uninstall: every token of that app (or of every app) on that shop stops working."""

        def keep(grant: AccessGrant | RefreshGrant | AuthorizationCode) -> bool:
            return grant.shop != shop or (client_id is not None and grant.client_id != client_id)

        self.codes = {k: v for k, v in self.codes.items() if keep(v)}
        self.access = {k: v for k, v in self.access.items() if keep(v)}
        self.refresh_grants = {k: v for k, v in self.refresh_grants.items() if keep(v)}


def _sandbox_user(shop: str) -> dict[str, object]:
    return {
        "id": 902541635,
        "first_name": "Sandbox",
        "last_name": "Owner",
        "email": f"owner@{shop}",
        "email_verified": True,
        "account_owner": True,
        "locale": "en",
        "collaborator": False,
    }
