"""with_pos_token: refresh before expiry, exactly one refresh and retry after a 401, a failed
refresh marks the source error with a reason a retailer can act on. (The same flow against the
sandbox over HTTP is in test_connect_flow.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from closient_app.clock import utcnow
from closient_app.connectors.interface import (
    PosRequestRejected,
    PosUnavailable,
    ScopeNotGranted,
    TokenRejected,
    TokenSet,
)
from closient_app.models import InventorySource, SourceStatus
from closient_app.services.crypto import decrypt_secret
from closient_app.services.pos_access import (
    ACCESS_REJECTED,
    ReconnectRequired,
    refresh_expiring_tokens,
    with_pos_token,
)
from tests.factories import make_org
from tests.integrations.conftest import make_source

pytestmark = pytest.mark.anyio
NOW = utcnow()


class FakeConnector:
    """Counts refreshes; `refusal` makes refreshing fail with that error."""

    provider = "shopify"

    def __init__(self, refusal: Exception | None = None) -> None:
        self.refreshed_with: list[str] = []
        self.refusal = refusal

    async def refresh_token(self, shop: str, refresh_token: str) -> TokenSet:
        self.refreshed_with.append(refresh_token)
        if self.refusal:
            raise self.refusal
        n = len(self.refreshed_with)
        return TokenSet(
            access_token=f"shpat_new{n}",
            scope=("read_products", "read_inventory", "read_locations"),
            expires_at=NOW + timedelta(hours=1),
            refresh_token=f"shprt_new{n}",
            refresh_expires_at=NOW + timedelta(days=90),
        )


def recorder(*, reject: set[str] = frozenset()):
    seen: list[tuple[str, str]] = []

    async def call(connector, shop: str, token: str) -> str:
        seen.append((shop, token))
        if token in reject:
            raise TokenRejected("401")
        return f"ok with {token}"

    return call, seen


def stored(db, source_id: str) -> InventorySource:
    db.expire_all()
    return db.get(InventorySource, source_id)


async def test_a_fresh_token_is_used_as_is(db) -> None:
    source = make_source(db, make_org(db), expires_at=NOW + timedelta(hours=1))
    connector = FakeConnector()
    call, seen = recorder()

    result = await with_pos_token(source_id=source.id, call=call, connector=connector)

    assert result == "ok with shpat_old"
    assert seen == [("acme.myshopify.com", "shpat_old")]
    assert connector.refreshed_with == []


async def test_a_token_expiring_within_5_minutes_is_refreshed_before_the_call(db) -> None:
    source = make_source(db, make_org(db), expires_at=NOW + timedelta(minutes=4))
    connector = FakeConnector()
    call, seen = recorder()

    result = await with_pos_token(
        source_id=source.id, call=call, connector=connector, clock=lambda: NOW
    )

    assert result == "ok with shpat_new1"
    assert seen == [("acme.myshopify.com", "shpat_new1")]
    assert connector.refreshed_with == ["shprt_old"]
    row = stored(db, source.id)
    assert decrypt_secret(row.access_token_encrypted) == "shpat_new1"
    assert decrypt_secret(row.refresh_token_encrypted) == "shprt_new1"
    assert row.access_token_expires_at == NOW + timedelta(hours=1)
    assert "shpat_new1" not in row.access_token_encrypted


async def test_a_401_triggers_exactly_one_refresh_and_one_retry(db) -> None:
    source = make_source(db, make_org(db), expires_at=NOW + timedelta(hours=1))
    connector = FakeConnector()
    call, seen = recorder(reject={"shpat_old"})

    result = await with_pos_token(source_id=source.id, call=call, connector=connector)

    assert result == "ok with shpat_new1"
    assert [token for _, token in seen] == ["shpat_old", "shpat_new1"]
    assert connector.refreshed_with == ["shprt_old"]


async def test_a_401_after_the_refresh_marks_the_source_error_and_stops(db) -> None:
    source = make_source(db, make_org(db), expires_at=NOW + timedelta(hours=1))
    connector = FakeConnector()
    call, seen = recorder(reject={"shpat_old", "shpat_new1"})

    with pytest.raises(ReconnectRequired, match="reconnect your store"):
        await with_pos_token(source_id=source.id, call=call, connector=connector)

    assert len(seen) == 2 and connector.refreshed_with == ["shprt_old"]
    row = stored(db, source.id)
    assert (row.status, row.last_error) == (SourceStatus.ERROR, ACCESS_REJECTED)
    assert row.access_token_encrypted is None and row.refresh_token_encrypted is None


async def test_a_refused_refresh_marks_the_source_error_with_a_readable_reason(db) -> None:
    source = make_source(db, make_org(db), expires_at=NOW - timedelta(minutes=1))
    connector = FakeConnector(PosRequestRejected("Shopify refused: invalid_grant"))
    call, seen = recorder()

    with pytest.raises(ReconnectRequired) as raised:
        await with_pos_token(source_id=source.id, call=call, connector=connector)

    assert str(raised.value) == ACCESS_REJECTED
    assert seen == []  # never called with a dead token
    row = stored(db, source.id)
    assert (row.status, row.last_error) == (SourceStatus.ERROR, ACCESS_REJECTED)
    assert "invalid_grant" not in row.last_error  # the retailer sees what to do, not jargon


async def test_scopes_taken_away_are_named_in_the_reason(db) -> None:
    source = make_source(db, make_org(db), expires_at=NOW - timedelta(minutes=1))
    connector = FakeConnector(ScopeNotGranted(["read_inventory"]))
    call, _ = recorder()

    with pytest.raises(ReconnectRequired):
        await with_pos_token(source_id=source.id, call=call, connector=connector)

    assert stored(db, source.id).last_error == (
        "Shopify no longer grants the permissions we need (read_inventory); "
        "reconnect your store and approve them."
    )


async def test_a_network_failure_while_refreshing_changes_nothing(db) -> None:
    source = make_source(db, make_org(db), expires_at=NOW - timedelta(minutes=1))
    connector = FakeConnector(PosUnavailable("timeout"))
    call, _ = recorder()

    with pytest.raises(PosUnavailable):
        await with_pos_token(source_id=source.id, call=call, connector=connector)

    row = stored(db, source.id)
    assert (row.status, row.last_error) == (SourceStatus.CONNECTED, None)
    assert decrypt_secret(row.refresh_token_encrypted) == "shprt_old"


async def test_a_disconnected_source_asks_for_a_reconnect(db) -> None:
    source = make_source(
        db, make_org(db), access_token=None, refresh_token=None, status=SourceStatus.DISCONNECTED
    )
    call, seen = recorder()

    with pytest.raises(ReconnectRequired, match="not connected"):
        await with_pos_token(source_id=source.id, call=call, connector=FakeConnector())

    assert seen == [] and stored(db, source.id).status == SourceStatus.DISCONNECTED


async def test_the_scheduler_job_refreshes_only_tokens_expiring_soon(db) -> None:
    org = make_org(db)
    soon = make_source(db, org, shop="soon.myshopify.com", expires_at=NOW + timedelta(minutes=8))
    later = make_source(db, org, shop="later.myshopify.com", expires_at=NOW + timedelta(hours=2))
    make_source(db, org, shop="gone.myshopify.com", access_token=None, refresh_token=None)
    connector = FakeConnector()

    count = await refresh_expiring_tokens(
        within=timedelta(minutes=10), connector=connector, clock=lambda: NOW
    )

    assert count == 1 and connector.refreshed_with == ["shprt_old"]
    assert decrypt_secret(stored(db, soon.id).access_token_encrypted) == "shpat_new1"
    assert decrypt_secret(stored(db, later.id).access_token_encrypted) == "shpat_old"


async def test_concurrent_refreshes_refresh_once(db) -> None:
    """Shopify rotates refresh tokens: two processes refreshing at once must not both do it."""
    import asyncio

    source = make_source(db, make_org(db), expires_at=NOW - timedelta(minutes=1))
    connector = FakeConnector()
    call, _ = recorder()

    results = await asyncio.gather(
        *(with_pos_token(source_id=source.id, call=call, connector=connector) for _ in range(3))
    )

    assert connector.refreshed_with == ["shprt_old"]
    assert results == ["ok with shpat_new1"] * 3
