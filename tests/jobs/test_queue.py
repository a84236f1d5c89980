from sqlmodel import select

from closient_app.jobs.queue import enqueue_sync
from closient_app.models import InventorySource, JobKind, JobStatus, SourceStatus, SyncJob
from tests.factories import make_org


def _source(db, org) -> InventorySource:
    source = InventorySource(
        organization_id=org.id,
        provider="shopify",
        shop_domain="acme.myshopify.com",
        status=SourceStatus.CONNECTED,
    )
    db.add(source)
    db.commit()
    return source


def test_enqueue_twice_returns_the_same_live_job(db) -> None:
    source = _source(db, make_org(db))

    first = enqueue_sync(session=db, source=source, kind=JobKind.INITIAL_SYNC)
    second = enqueue_sync(session=db, source=source, kind=JobKind.RESYNC)
    db.commit()

    assert second.id == first.id
    jobs = db.exec(select(SyncJob)).all()
    assert [(j.id, j.kind, j.status) for j in jobs] == [
        (first.id, JobKind.INITIAL_SYNC, JobStatus.QUEUED)
    ]


def test_a_finished_job_does_not_block_the_next(db) -> None:
    source = _source(db, make_org(db))
    first = enqueue_sync(session=db, source=source, kind=JobKind.INITIAL_SYNC)
    first.status = JobStatus.SUCCEEDED
    db.add(first)
    db.commit()

    second = enqueue_sync(session=db, source=source, kind=JobKind.RESYNC)
    db.commit()

    assert second.id != first.id
    assert second.kind == JobKind.RESYNC
    assert second.status == JobStatus.QUEUED
