"""Real worker processes: kill -9 one mid-sync and another resumes; two on one source share.

The sandbox is slowed by its own rate limit (a 300-point bucket refilling at 1000 points/s, so
each catalog page waits about 0.3 s), and the workers are told to read pages rather than a bulk
export: the sync then takes a few seconds, with a checkpoint after every page.
"""

from __future__ import annotations

import pytest

from closient_app.models import JobStatus
from tests.factories import make_org
from tests.sync.conftest import job_state
from tests.sync.support import (
    connect_source,
    expected_offers,
    new_shop,
    queue_sync,
    sandbox_catalog,
    sandbox_settings,
    stored_offers,
    wait_until,
)

PAGED = {"SYNC_BULK_MIN_VARIANTS": "1000000"}
FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


@pytest.fixture
def slow_sandbox(base):
    sandbox_settings(base, bucket_max=300.0, restore_rate=1000.0)
    yield
    sandbox_settings(base, bucket_max=1000.0, restore_rate=100.0)


def test_kill_9_mid_sync_then_restart_ends_equal_to_a_clean_sync(db, base, slow_sandbox, workers):
    shop = new_shop(base, products=150, locations=3)
    catalog = sandbox_catalog(base, shop)["catalog"]
    source = connect_source(db, make_org(db), shop)
    job = queue_sync(db, source)
    first = workers("first", **PAGED)

    wait_until(lambda: job_state(job.id).progress_done >= 60, what="a few committed pages")
    first.kill()
    killed = job_state(job.id)
    assert killed.status == JobStatus.RUNNING  # nobody said goodbye: the row still says so
    assert 0 < killed.progress_done < len(catalog["variants"])
    assert killed.checkpoint["cursor"] is not None

    workers("second", **PAGED)
    wait_until(lambda: job_state(job.id).status in FINISHED, what="the resumed job")

    done = job_state(job.id)
    assert (done.status, done.error) == (JobStatus.SUCCEEDED, None)
    assert done.attempts == 2
    # It resumed from the last checkpoint the killed worker committed, not from the start.
    assert done.checkpoint["resumed_at"] == [killed.progress_done]
    assert done.progress_done == len(catalog["variants"])
    assert stored_offers(db, source.id) == expected_offers(catalog)  # same rows, no duplicates


def test_two_workers_on_one_source_run_one_sync(db, base, slow_sandbox, workers):
    shop = new_shop(base, products=60, locations=3)
    catalog = sandbox_catalog(base, shop)["catalog"]
    source = connect_source(db, make_org(db), shop)
    one, two = workers("one", **PAGED), workers("two", **PAGED)
    wait_until(lambda: one.started and two.started, what="both workers idle")

    job = queue_sync(db, source)
    again = queue_sync(db, source)  # asking twice while it is queued or running: same job
    wait_until(lambda: job_state(job.id).status in FINISHED, what="the sync")

    assert again.id == job.id
    done = job_state(job.id)
    assert (done.status, done.attempts, done.checkpoint["resumed_at"]) == (
        JobStatus.SUCCEEDED,
        1,
        [],
    )
    ran = [w for w in (one, two) if f"running job {job.id}" in w.log]
    assert len(ran) == 1  # the other found nothing to claim and did nothing
    assert stored_offers(db, source.id) == expected_offers(catalog)
