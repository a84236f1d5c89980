"""A tight rate limit: the sync paces itself from throttleStatus and is never refused."""

from __future__ import annotations

import pytest

from closient_app.bench._cost_meter import CostMeter, metered_sandbox_connector
from closient_app.models import JobStatus
from tests.factories import make_org
from tests.sync.conftest import fast_settings, work_until_finished
from tests.sync.support import (
    connect_source,
    expected_offers,
    new_shop,
    queue_sync,
    sandbox_catalog,
    sandbox_settings,
    stored_offers,
)

BUCKET = 200.0  # the smallest that still fits the connector's 152-point level query


@pytest.fixture
def tight_throttle(base):
    sandbox_settings(base, bucket_max=BUCKET, restore_rate=200.0)
    yield
    sandbox_settings(base, bucket_max=1000.0, restore_rate=100.0)


def test_a_tight_throttle_completes_without_a_single_throttled_answer(db, base, tight_throttle):
    shop = new_shop(base, products=20, locations=3)
    catalog = sandbox_catalog(base, shop)["catalog"]
    source = connect_source(db, make_org(db), shop)
    meter = CostMeter()

    job = work_until_finished(
        queue_sync(db, source).id,
        connector=metered_sandbox_connector(meter),
        settings=fast_settings(sync_bulk_min_variants=10**6),  # pages: the metered path
    )

    assert (job.status, job.error) == (JobStatus.SUCCEEDED, None)
    assert stored_offers(db, source.id) == expected_offers(catalog)
    assert job.checkpoint["pages"] >= 3  # pages of 14 variants (2 + 14 x 14 <= 200 points)
    assert meter.requested_cost > 3 * BUCKET  # the bucket ran dry several times over...
    assert meter.throttled == 0  # ...and every query waited for its points instead
