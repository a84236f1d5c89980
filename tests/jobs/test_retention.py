"""The retention purge: exactly what each run deletes and, above all, what it keeps."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import text
from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.config import get_settings
from closient_app.db import get_engine
from closient_app.jobs import periodic
from closient_app.jobs.scheduler import PERIODIC_TASKS
from closient_app.models import (
    DeviceGrant,
    ForwardDelivery,
    ForwardStatus,
    InstallLink,
    InventorySource,
    OAuthToken,
    PosDeviceGrant,
    PosOAuthState,
    RateLimitCounter,
    ReceiptStatus,
    SearchSession,
    WebhookEndpoint,
    WebhookReceipt,
    WebSession,
)
from closient_app.oauth.clients import AGENT_CLIENT_ID, find_client
from closient_app.services import retention
from closient_app.services.webhook_endpoints import last_deliveries
from tests.factories import make_org, make_user

_seq = count(1)
DAY = timedelta(days=1)
NOTHING = dict.fromkeys(retention.PURGES, 0)


def purge(now: datetime, **settings: object) -> dict[str, int]:
    return retention.purge_expired(now=now, settings=get_settings().model_copy(update=settings))


def ids(db: Session, model) -> set[str]:
    db.expire_all()
    return {row.id for row in db.exec(select(model)).all()}


def add(db: Session, *rows):
    db.add_all(rows)
    db.commit()
    return rows[0] if len(rows) == 1 else rows


def search_session(db: Session, expires_at: datetime) -> SearchSession:
    return add(
        db,
        SearchSession(
            query="hammer", latitude=44.9, longitude=-93.2, radius_km=5, expires_at=expires_at
        ),
    )


def endpoint(db: Session, topics: list[str]) -> WebhookEndpoint:
    org = make_org(db)
    source = add(
        db,
        InventorySource(
            organization_id=org.id, provider="shopify", shop_domain=f"s{next(_seq)}.example"
        ),
    )
    return add(
        db,
        WebhookEndpoint(
            organization_id=org.id,
            source_id=source.id,
            provider="shopify",
            topics=topics,
            secret_encrypted="x",
        ),
    )


def receipt(
    db: Session, status: ReceiptStatus, received_at: datetime, *, source_id=None, topic="t"
) -> WebhookReceipt:
    return add(
        db,
        WebhookReceipt(
            provider="shopify",
            webhook_id=f"w{next(_seq)}",
            source_id=source_id,
            shop_domain="acme.myshopify.com",
            topic=topic,
            status=status,
            received_at=received_at,
        ),
    )


def test_search_sessions_go_when_they_expire(db) -> None:
    now = utcnow()
    for ago in (timedelta(0), timedelta(seconds=1), 3 * DAY):
        search_session(db, expires_at=now - ago)
    live = {search_session(db, expires_at=now + ahead).id for ahead in (timedelta(seconds=1), DAY)}

    assert purge(now) == NOTHING | {"search_session": 3}
    assert ids(db, SearchSession) == live


def test_finished_receipts_go_after_the_retention_and_queued_ones_never(db) -> None:
    now = utcnow()
    past_retention = now - 14 * DAY - timedelta(seconds=1)
    for status in (ReceiptStatus.APPLIED, ReceiptStatus.IGNORED, ReceiptStatus.FAILED):
        receipt(db, status, past_retention)
    kept = {
        receipt(db, ReceiptStatus.QUEUED, now - 90 * DAY).id,  # not applied yet: never purged
        receipt(db, ReceiptStatus.QUEUED, now).id,
        receipt(db, ReceiptStatus.APPLIED, now - 14 * DAY).id,  # exactly at the cutoff
        receipt(db, ReceiptStatus.FAILED, now - 13 * DAY).id,
    }

    assert purge(now) == NOTHING | {"webhook_receipt": 3}
    assert ids(db, WebhookReceipt) == kept


def test_the_retentions_are_configurable(db) -> None:
    now = utcnow()
    applied = receipt(db, ReceiptStatus.APPLIED, now - 20 * DAY)
    hook = endpoint(db, topics=["t"])
    delivered = add(
        db,
        ForwardDelivery(
            endpoint_id=hook.id,
            event_type="offer.updated",
            status=ForwardStatus.DELIVERED,
            created=now - 20 * DAY,
        ),
    )

    kept_longer = purge(now, webhook_receipt_retention_days=30, forward_delivery_retention_days=30)
    assert kept_longer == NOTHING
    assert ids(db, WebhookReceipt) == {applied.id}
    assert ids(db, ForwardDelivery) == {delivered.id}

    shorter = purge(now, webhook_receipt_retention_days=19, forward_delivery_retention_days=19)
    assert shorter == NOTHING | {"webhook_receipt": 1, "forward_delivery": 1}


def test_an_endpoints_last_delivery_outlives_the_purge_of_its_receipts(db) -> None:
    now = utcnow()
    hook = endpoint(db, topics=["inventory_levels/update"])
    applied = ReceiptStatus.APPLIED
    level = {"source_id": hook.source_id, "topic": "inventory_levels/update"}
    receipt(db, applied, now - 30 * DAY, **level)
    newest = receipt(db, applied, now - 20 * DAY, **level).received_at
    # Another topic of the same source is not this endpoint's delivery.
    receipt(db, applied, now - 15 * DAY, source_id=hook.source_id, topic="other")
    before = last_deliveries(session=db, endpoints=[hook])

    assert purge(now) == NOTHING | {"webhook_receipt": 3}

    db.expire_all()
    hook = db.get(WebhookEndpoint, hook.id)
    assert ids(db, WebhookReceipt) == set()
    assert hook.last_delivery_at == newest
    assert last_deliveries(session=db, endpoints=[hook]) == before == {hook.id: newest}


def test_finished_forwards_go_after_the_retention_and_unsent_ones_never(db) -> None:
    now = utcnow()
    hook = endpoint(db, topics=["t"])
    old, recent = now - 15 * DAY, now - 13 * DAY

    def forward(status: ForwardStatus, created: datetime) -> str:
        row = ForwardDelivery(endpoint_id=hook.id, event_type="e", status=status, created=created)
        return add(db, row).id

    forward(ForwardStatus.DELIVERED, old)
    forward(ForwardStatus.DEAD_LETTER, old)
    kept = {
        forward(ForwardStatus.PENDING, old),  # still to be sent
        forward(ForwardStatus.FAILED, old),  # still to be retried
        forward(ForwardStatus.DELIVERED, recent),
        forward(ForwardStatus.DEAD_LETTER, recent),
    }

    assert purge(now) == NOTHING | {"forward_delivery": 2}
    assert ids(db, ForwardDelivery) == kept


def test_ended_rate_limit_windows_go_and_current_ones_stay(db) -> None:
    now = datetime(2031, 5, 6, 12, 0, 10, tzinfo=UTC)
    now_s = int(now.timestamp())
    minute, day = now_s // 60 * 60, now_s // 86400 * 86400
    windows = {
        ("key:a", 60, minute),  # current
        ("key:a", 86400, day),  # current
        ("key:a", 60, minute - 60),  # ended 10 s ago
        ("key:a", 86400, day - 86400),  # yesterday
        ("ip:1.2.3.4", 60, minute - 3600),
    }
    add(db, *(RateLimitCounter(bucket=b, window_seconds=s, window_start=w) for b, s, w in windows))

    assert purge(now) == NOTHING | {"rate_limit_counter": 3}
    db.expire_all()
    left = {(r.bucket, r.window_seconds, r.window_start) for r in db.exec(select(RateLimitCounter))}
    assert left == {("key:a", 60, minute), ("key:a", 86400, day)}


def test_single_use_codes_go_a_day_after_they_expire(db) -> None:
    now = utcnow()
    org = make_org(db)
    find_client(db, AGENT_CLIENT_ID)
    shop = {"organization_id": org.id, "provider": "shopify", "shop_domain": "a.myshopify.com"}

    def codes(expires_at: datetime) -> dict[type, str]:
        n = next(_seq)
        link = add(db, InstallLink(**shop, token_hash=f"l{n}", expires_at=expires_at))
        state = add(
            db,
            PosOAuthState(
                **shop, nonce_hash=f"s{n}", install_link_id=link.id, expires_at=expires_at
            ),
        )
        pos_grant = PosDeviceGrant(
            **shop,
            requested_by="key:x",
            device_code_hash=f"pd{n}",
            user_code_hash=f"pu{n}",
            pos_state_id=state.id,
            expires_at=expires_at,
        )
        oauth_grant = DeviceGrant(
            client_id=AGENT_CLIENT_ID,
            device_code_hash=f"od{n}",
            user_code_hash=f"ou{n}",
            expires_at=expires_at,
        )
        add(db, pos_grant, oauth_grant)
        return {
            InstallLink: link.id,
            PosOAuthState: state.id,
            PosDeviceGrant: pos_grant.id,
            DeviceGrant: oauth_grant.id,
        }

    codes(now - DAY - timedelta(seconds=1))
    lately = codes(now - timedelta(hours=23))  # a late poll still hears "expired"
    live = codes(now + timedelta(minutes=10))

    assert purge(now) == NOTHING | {
        "install_link": 1,
        "pos_oauth_state": 1,
        "pos_device_grant": 1,
        "oauth_device_grant": 1,
    }
    for model in (InstallLink, PosOAuthState, PosDeviceGrant, DeviceGrant):
        assert ids(db, model) == {lately[model], live[model]}


def test_browser_sessions_go_a_day_after_they_end(db) -> None:
    now = utcnow()
    user = make_user(db)

    def web_session(expires_at: datetime, revoked_at: datetime | None = None) -> str:
        row = WebSession(
            user_id=user.id,
            session_hash=f"h{next(_seq)}",
            expires_at=expires_at,
            revoked_at=revoked_at,
        )
        return add(db, row).id

    web_session(now - 2 * DAY)
    web_session(now + 5 * DAY, revoked_at=now - 2 * DAY)
    kept = {
        web_session(now + 5 * DAY),
        web_session(now - timedelta(hours=1)),
        web_session(now + 5 * DAY, revoked_at=now - timedelta(hours=1)),
    }

    assert purge(now) == NOTHING | {"web_session": 2}
    assert ids(db, WebSession) == kept


def test_oauth_tokens_go_with_their_whole_family_a_day_after_it_ended(db) -> None:
    now = utcnow()
    user = make_user(db)
    find_client(db, AGENT_CLIENT_ID)

    def token(family: str, refresh_expires_at: datetime | None, **state) -> str:
        n = next(_seq)
        row = OAuthToken(
            family_id=family,
            client_id=AGENT_CLIENT_ID,
            user_id=user.id,
            access_token_hash=f"a{n}",
            refresh_token_hash=f"r{n}" if refresh_expires_at else None,
            access_expires_at=state.pop("access_expires_at", now - 30 * DAY),
            refresh_expires_at=refresh_expires_at,
            **state,
        )
        return add(db, row).id

    # Gone: every token of the family ended more than a day ago.
    token("ended", now - 40 * DAY, rotated_at=now - 60 * DAY)
    token("ended", now - 2 * DAY)
    token("revoked", now + 20 * DAY, revoked_at=now - 2 * DAY)
    token("access-only", None, access_expires_at=now - 2 * DAY)
    # Kept: a live family keeps its rotated tokens, so replaying one still revokes the family.
    kept = {
        token("live", now - 2 * DAY, rotated_at=now - 32 * DAY),
        token("live", now + 28 * DAY),
        token("just-revoked", now + 20 * DAY, revoked_at=now - timedelta(hours=1)),
        token("just-ended", None, access_expires_at=now - timedelta(hours=1)),
    }

    assert purge(now) == NOTHING | {"oauth_token": 4}
    assert ids(db, OAuthToken) == kept


def test_a_backlog_goes_in_batches_and_a_run_stops_after_max_batches(db) -> None:
    now = utcnow()
    for _ in range(7):
        search_session(db, expires_at=now - DAY)
    live = search_session(db, expires_at=now + DAY)
    settings = get_settings()

    first = retention.purge_expired(now=now, settings=settings, batch=3, max_batches=2)
    assert first["search_session"] == 6
    assert len(ids(db, SearchSession)) == 2

    second = retention.purge_expired(now=now, settings=settings, batch=3, max_batches=2)
    assert second["search_session"] == 1
    assert ids(db, SearchSession) == {live.id}


def test_a_row_locked_by_the_app_is_skipped_not_waited_for(db) -> None:
    now = utcnow()
    busy = search_session(db, expires_at=now - DAY)
    search_session(db, expires_at=now - DAY)  # idle

    with get_engine().connect() as app_transaction:
        app_transaction.execute(
            text("SELECT 1 FROM search_session WHERE id = :id FOR UPDATE"), {"id": busy.id}
        )
        with ThreadPoolExecutor(1) as pool:
            during = pool.submit(purge, now).result(timeout=30)
        app_transaction.rollback()

    assert during["search_session"] == 1  # the idle one
    assert ids(db, SearchSession) == {busy.id}
    assert purge(now)["search_session"] == 1  # the next run, once the app let go
    assert ids(db, SearchSession) == set()


def test_the_scheduler_runs_the_purge_every_10_minutes(db) -> None:
    now = utcnow()
    search_session(db, expires_at=now - timedelta(seconds=1))

    assert (periodic.purge_expired_records, 600) in PERIODIC_TASKS
    assert asyncio.run(periodic.purge_expired_records(clock=lambda: now)) == NOTHING | {
        "search_session": 1
    }
    assert asyncio.run(periodic.purge_expired_records(clock=lambda: now)) == NOTHING
