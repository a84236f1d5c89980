"""Rate limiting and caller resolution for API paths, as one pure-ASGI middleware.

For `/{app}/api/v1/*`, `/oauth/*` and `/.well-known/*` (never Reflex pages, their websocket or
the sandbox), and for `/mcp`, whose endpoint is wrapped in one of its own (agents/mount.py):
resolve the caller (their budget: per key, per user, or per IP when anonymous), count the
request in Postgres, refuse with 429 past a limit, and put the RateLimit headers on every
response. It also turns any exception escaping the app into the 500 envelope, with the
headers, since Starlette's own last-resort handler sits outside this middleware.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from closient_app import clock
from closient_app.api.apps import APPS, api_prefix
from closient_app.api.deps import RESOLVED_CALLER, request_credentials
from closient_app.api.errors import envelope
from closient_app.config import get_settings
from closient_app.db import driver_connection, session_driver_connection
from closient_app.errors import ApiError
from closient_app.services import rate_limits
from closient_app.services.authn import Caller, resolve_caller

log = logging.getLogger(__name__)

LIMITED_PREFIXES = (*(api_prefix(name) + "/" for name in APPS), "/oauth/", "/.well-known/")


def is_limited(path: str) -> bool:
    return path.startswith(LIMITED_PREFIXES)


@lru_cache
def admission_engine() -> Engine:
    """A small pool of its own for the per-request admission work, tuned for round trips.

    - Autocommit: each statement is its own transaction, so no BEGIN/COMMIT round trips; the
      counter UPSERT is atomic on its own, and the key look-up only reads.
    - `synchronous_commit=off`: a crash may forget the last few milliseconds of counts and
      `last_used` stamps, which is harmless, and no request waits for a WAL flush.
    - No pre-ping (a round trip per checkout): after a database restart the first failing
      statement makes SQLAlchemy discard the whole pool, so one request gets a 500.
    - Server-side prepared statements after the first use: these are point look-ups, so the
      generic-plan problem of the search's KNN queries (see db.py) does not arise.
    """
    settings = get_settings()
    return create_engine(
        settings.effective_database_url,
        isolation_level="AUTOCOMMIT",
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        connect_args={"prepare_threshold": 1, "options": "-c synchronous_commit=off"},
    )


class RateLimitMiddleware:
    """`limited` says which paths count and `credentials` reads a request's credentials; the
    defaults are the API's (another endpoint, like /mcp, may pass its own)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limited: Callable[[str], bool] = is_limited,
        credentials: Callable[[Request], dict[str, str | None]] = request_credentials,
    ) -> None:
        self.app = app
        self.limited = limited
        self.credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limited(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        credentials = self.credentials(request)
        client_ip = scope["client"][0] if scope.get("client") else "unknown"
        resolution, verdict = await run_in_threadpool(self._admit, credentials, client_ip)
        scope.setdefault("state", {})[RESOLVED_CALLER] = resolution
        headers = verdict.headers()
        if not verdict.allowed:
            response = envelope(
                429,
                f"Rate limit exceeded: {verdict.binding.window.limit} requests per "
                f"{verdict.binding.window.seconds} seconds.",
                next_step=f"Wait {verdict.retry_after_s} seconds (Retry-After) before retrying.",
                headers={**headers, "Retry-After": str(verdict.retry_after_s)},
            )
            await response(scope, receive, send)
            return
        await self._call_app(scope, receive, send, headers)

    async def _call_app(self, scope: Scope, receive: Receive, send: Send, headers) -> None:
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).update(headers)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            response = envelope(500, "Something went wrong on our side. Try again later.")
            await response(scope, receive, send_with_headers)

    def _admit(self, credentials: dict, client_ip: str):
        """Resolve the caller (when credentials came) and count the request, in one transaction
        on the admission pool. Anonymous requests skip the ORM session: one statement."""
        now = clock.utcnow()
        if not any(credentials.values()):
            with driver_connection(admission_engine()) as conn:
                return None, self._count(conn, None, client_ip, now)
        with Session(admission_engine(), expire_on_commit=False) as session:
            resolution: Caller | ApiError
            try:
                resolution = resolve_caller(session, **credentials, now=now)
            except ApiError as exc:  # the route decides whether it needed a credential
                resolution = exc
            caller = resolution if isinstance(resolution, Caller) else None
            verdict = self._count(session_driver_connection(session), caller, client_ip, now)
            session.commit()
        return resolution, verdict

    @staticmethod
    def _count(conn, caller: Caller | None, client_ip: str, now):
        bucket = caller.rate_limit_key if caller else f"ip:{client_ip}"
        return rate_limits.count_request(conn, bucket, rate_limits.policy_for(caller), now)
