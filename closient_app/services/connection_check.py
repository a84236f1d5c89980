"""Step 3's check: is the POS connection really there? We look ourselves rather than trust
the redirect: the source's state, its webhook endpoints, and one live call to the POS.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from closient_app.connectors.interface import PosError
from closient_app.db import session_scope
from closient_app.models import SourceStatus, WebhookEndpoint
from closient_app.services.onboarding import current_source
from closient_app.services.ownership import owned_rows
from closient_app.services.pos_access import ReconnectRequired, with_pos_token
from closient_app.services.webhook_endpoints import receive_url

NO_SOURCE = "No Shopify store is connected to this organization yet."
PENDING = "The approval at Shopify did not finish, so nothing is connected yet."
NO_ENDPOINTS = (
    "Shopify approved the connection, but no webhook endpoints were set up, so the connection "
    "did not land. Start again with a fresh link."
)
NO_ANSWER = "Shopify did not answer just now. Check again in a minute."


@dataclass(frozen=True)
class EndpointFact:
    id: str
    topics: str
    receive_url: str
    forward_url: str
    is_active: bool


@dataclass(frozen=True)
class ConnectionCheck:
    shop: str = ""
    source_status: str = ""
    problem: str = ""  # "" when everything checks out
    can_retry: bool = False  # a fresh install link is the way out
    variant_count: int | None = None
    endpoints: list[EndpointFact] = field(default_factory=list)


def _stored_facts(organization_id: str) -> tuple[str | None, ConnectionCheck]:
    with session_scope() as session:
        source = current_source(session=session, organization_id=organization_id)
        if source is None:
            return None, ConnectionCheck(problem=NO_SOURCE, can_retry=True)
        rows = owned_rows(
            session, WebhookEndpoint, organization_id, WebhookEndpoint.source_id == source.id
        )
        endpoints = [
            EndpointFact(
                id=e.id,
                topics=", ".join(e.topics),
                receive_url=receive_url(e.provider),
                forward_url=e.forward_url or "",
                is_active=e.is_active,
            )
            for e in rows
        ]
        check = ConnectionCheck(source.shop_domain, source.status.value, endpoints=endpoints)
        if source.status == SourceStatus.DISCONNECTED:
            problem = source.last_error or "This store was disconnected."
            return None, _failed(check, problem)
        if source.status == SourceStatus.PENDING:
            return None, _failed(check, PENDING)
        if not endpoints:
            return None, _failed(check, NO_ENDPOINTS)
        return source.id, check


def _failed(check: ConnectionCheck, problem: str) -> ConnectionCheck:
    return replace(check, problem=problem, can_retry=True)


async def check_connection(*, organization_id: str) -> ConnectionCheck:
    """The stored facts, then a live call proving the token still works."""
    source_id, check = await asyncio.to_thread(_stored_facts, organization_id)
    if source_id is None:
        return check
    try:
        count = await with_pos_token(
            source_id=source_id, call=lambda pos, shop, token: pos.catalog_size(shop, token)
        )
    except ReconnectRequired as exc:
        return _failed(check, str(exc))
    except PosError:
        return replace(check, problem=NO_ANSWER)
    return replace(check, variant_count=count)
