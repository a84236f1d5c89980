"""The one place that builds outbound HTTP clients: every call to a POS goes through here.

Explicit timeouts (a hung POS must not hang a worker), our User-Agent (vendors can tell who is
calling), transport-level retries for connect errors only (safe: nothing was sent yet), and no
redirects followed (a redirect could point a request carrying a token somewhere else).
Retrying requests that did reach the server is the caller's decision, not the transport's.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

import httpx

from closient_app import __version__

USER_AGENT = f"closient-onboarding/{__version__}"
TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)
CONNECT_RETRIES = 2

ClientT = TypeVar("ClientT", bound=httpx.AsyncClient)


class HttpClientFactory(Protocol):
    """What connectors accept, so tests can pass `outbound_client` bound to a fake transport."""

    def __call__(self, client_class: type[ClientT] = ..., /, **options: Any) -> ClientT: ...


def outbound_client(
    client_class: type[ClientT] = httpx.AsyncClient,  # type: ignore[assignment]
    /,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Any,
) -> ClientT:
    """A new async client (or subclass, such as Authlib's OAuth client) with our defaults.

    Use it as `async with outbound_client() as client:` so connections are closed.
    """
    headers = {"User-Agent": USER_AGENT, **options.pop("headers", {})}
    return client_class(
        transport=transport or httpx.AsyncHTTPTransport(retries=CONNECT_RETRIES),
        timeout=options.pop("timeout", TIMEOUT),
        headers=headers,
        follow_redirects=False,
        **options,
    )
