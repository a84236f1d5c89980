"""Token refresh against the sandbox over HTTP, after a real connect: an expired token is
refreshed before the call, a 401 leads to one refresh and one retry, and a refused refresh
marks the source error with a reason the retailer can act on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from closient_app.clock import utcnow
from closient_app.models import InventorySource, SourceStatus
from closient_app.services.crypto import decrypt_secret, encrypt_secret
from closient_app.services.pos_access import (
    ACCESS_REJECTED,
    ReconnectRequired,
    refresh_expiring_tokens,
    with_pos_token,
)
from tests.integrations.live import connect, make_retailer, new_shop

pytestmark = pytest.mark.anyio


@pytest.fixture
def source(live_api, db) -> InventorySource:
    assert connect(live_api, make_retailer(db), new_shop(live_api, locations=3)).status_code == 200
    return db.exec(select(InventorySource)).one()


def tokens(db, source_id: str) -> tuple[str | None, str | None]:
    db.expire_all()
    row = db.get(InventorySource, source_id)
    return tuple(
        decrypt_secret(c) if c else None
        for c in (row.access_token_encrypted, row.refresh_token_encrypted)
    )


async def count_locations(connector, shop: str, token: str) -> int:
    return len(await connector.list_locations(shop, token))


async def test_an_expired_token_is_refreshed_before_the_call(db, source) -> None:
    before = tokens(db, source.id)
    source.access_token_expires_at = utcnow() - timedelta(minutes=1)
    db.add(source)
    db.commit()

    assert await with_pos_token(source_id=source.id, call=count_locations) == 3

    after = tokens(db, source.id)
    assert after[0] != before[0] and after[1] != before[1]
    assert db.get(InventorySource, source.id).access_token_expires_at > utcnow() + timedelta(
        minutes=55
    )


async def test_a_401_refreshes_once_and_retries(db, source) -> None:
    _, refresh_before = tokens(db, source.id)
    source.access_token_encrypted = encrypt_secret("shpat_revoked_or_mangled")
    db.add(source)
    db.commit()
    calls: list[str] = []

    async def call(connector, shop: str, token: str) -> int:
        calls.append(token)
        return await count_locations(connector, shop, token)

    assert await with_pos_token(source_id=source.id, call=call) == 3

    access_after, refresh_after = tokens(db, source.id)
    assert calls == ["shpat_revoked_or_mangled", access_after]
    assert refresh_after != refresh_before


async def test_a_refused_refresh_marks_the_source_error(db, source) -> None:
    source.access_token_encrypted = encrypt_secret("shpat_dead")
    source.refresh_token_encrypted = encrypt_secret("shprt_dead")
    db.add(source)
    db.commit()

    with pytest.raises(ReconnectRequired):
        await with_pos_token(source_id=source.id, call=count_locations)

    db.expire_all()
    row = db.get(InventorySource, source.id)
    assert (row.status, row.last_error) == (SourceStatus.ERROR, ACCESS_REJECTED)


async def test_the_refresh_job_renews_tokens_close_to_expiry(db, source) -> None:
    before = tokens(db, source.id)
    source.access_token_expires_at = utcnow() + timedelta(minutes=3)
    db.add(source)
    db.commit()
    assert await refresh_expiring_tokens(within=timedelta(minutes=10)) == 1
    assert tokens(db, source.id)[0] != before[0]
    assert await refresh_expiring_tokens(within=timedelta(minutes=10)) == 0
