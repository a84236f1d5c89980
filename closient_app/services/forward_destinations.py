"""Where forwarded events may go: public addresses only, checked at the moment we connect.

A `forward_url` names a host, but what reaches (or fails to reach) our network is the address
we connect to. So the forwarder's transport resolves the host itself, refuses the request when
ANY answer is not public (private, loopback, link-local such as 169.254.169.254, CGNAT,
multicast, reserved; an IPv4 address inside IPv6 counts as itself), and then connects to one of
the addresses it checked, never to the name. A DNS answer that changes after validation
(rebinding) therefore cannot steer a delivery inside. The Host header stays the URL's, and TLS
still sends the name as SNI and verifies the certificate for it (httpcore does both from the
URL; only the TCP connect is ours).

Outside production, the names in LOCAL_HOSTS may reach this machine's loopback: local
development and the tests forward to a server on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpcore
import httpx

from closient_app.config import get_settings
from closient_app.connectors.http import CONNECT_RETRIES, ClientT, outbound_client

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
VALIDATION_LOOKUP_S = 3.0  # then validation gives up and leaves the check to delivery
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: an IPv4 address in the low 32 bits

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_validation_lookups = ThreadPoolExecutor(max_workers=4, thread_name_prefix="forward-url-dns")


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in the resolver's order. Tests replace this function."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in answers))


def is_public_address(address: IPAddress) -> bool:
    """Globally reachable unicast. An IPv4 address carried in IPv6 (mapped, 6to4, NAT64) is
    judged as itself: ::ffff:127.0.0.1 is loopback."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = address.ipv4_mapped or address.sixtofour
        if carried is None and address in NAT64:
            carried = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if carried is not None:
            return is_public_address(carried)
    return address.is_global and not address.is_multicast and not address.is_reserved


def non_public_addresses(host: str, addresses: Iterable[str]) -> list[str]:
    """The addresses among `host`'s that the forwarder must not reach."""
    loopback_ok = host in LOCAL_HOSTS and not get_settings().is_production
    refused = []
    for text in addresses:
        address = ipaddress.ip_address(text)
        if not (is_public_address(address) or (loopback_ok and address.is_loopback)):
            refused.append(text)
    return refused


def _refusal(addresses: list[str]) -> str:
    return f"resolves to a non-public address ({', '.join(addresses)})"


def resolution_problem(host: str, port: int) -> str | None:
    """Validation's best effort for a host name: a problem when it resolves to a non-public
    address. A name that does not resolve (yet), or not within VALIDATION_LOOKUP_S, passes:
    delivery checks every connection anyway, and DNS set up after the URL is normal."""
    lookup = _validation_lookups.submit(resolve_host, host, port)
    try:
        answers = lookup.result(timeout=VALIDATION_LOOKUP_S)
    except (TimeoutError, OSError, UnicodeError):  # no answer in time, no such name, bad label
        return None
    refused = non_public_addresses(host, answers)
    return _refusal(refused) if refused else None


class NonPublicDestination(httpx.ConnectError):
    """The forward_url's host resolved to an address we do not connect to; nothing was sent."""


class PublicOnlyNetwork(httpcore.AsyncNetworkBackend):
    """httpcore's network, except that every TCP connect goes to a checked public address."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _checked_addresses(host, port, lookup_s=timeout)
        failure: Exception | None = None
        for address in addresses:  # in the resolver's order, as a plain connect would
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"{host} has no address")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise NonPublicDestination("a forward never goes to a unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _checked_addresses(host: str, port: int, *, lookup_s: float | None) -> list[str]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        addresses = await _resolve(host, port, lookup_s=lookup_s)
    else:
        addresses = [host]  # a literal: nothing to resolve
    refused = non_public_addresses(host, addresses)
    if refused:
        raise NonPublicDestination(f"forward_url {_refusal(refused)}")
    return addresses


async def _resolve(host: str, port: int, *, lookup_s: float | None) -> list[str]:
    """The lookup, bounded by the connect timeout; failures look like any connect failure."""
    try:
        with anyio.fail_after(lookup_s):
            return await anyio.to_thread.run_sync(resolve_host, host, port, abandon_on_cancel=True)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"looking up {host} took over {lookup_s} s") from exc
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"{host} does not resolve: {exc}") from exc


class PublicOnlyTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose connects go through PublicOnlyNetwork.

    httpx does not take a network backend, so this replaces the pool it builds; if a future
    httpx keeps its pool elsewhere, this refuses to start rather than send unchecked.
    """

    def __init__(
        self,
        *,
        network: httpcore.AsyncNetworkBackend | None = None,
        verify: ssl.SSLContext | bool = True,
        retries: int = CONNECT_RETRIES,
    ) -> None:
        super().__init__(verify=verify, retries=retries)
        if not isinstance(vars(self).get("_pool"), httpcore.AsyncConnectionPool):
            raise RuntimeError("httpx no longer keeps its pool in _pool: see PublicOnlyTransport")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=100,  # httpx's default limits
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            retries=retries,
            network_backend=PublicOnlyNetwork(network),
        )


def forward_client(
    client_class: type[ClientT] = httpx.AsyncClient,  # type: ignore[assignment]
    /,
    *,
    network: httpcore.AsyncNetworkBackend | None = None,
    verify: ssl.SSLContext | bool = True,
    **options: Any,
) -> ClientT:
    """`outbound_client` over PublicOnlyTransport: the forwarder's only way out. (An explicit
    transport also keeps httpx from using proxies from the environment, which would connect
    to the name on our behalf.) `network` and `verify` are for tests."""
    transport = PublicOnlyTransport(network=network, verify=verify)
    return outbound_client(client_class, transport=transport, **options)
