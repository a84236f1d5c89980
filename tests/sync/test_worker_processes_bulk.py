"""Real worker processes on a catalog above the bulk threshold: kill -9 one while Shopify runs
the export, the next one in the middle of a batch; the third ends equal to a clean sync.

The sandbox keeps the export RUNNING until the test lets it finish (`bulk_run_s`), and the
workers write 20 variants per batch. To kill a worker mid-batch without
racing it, a trigger makes the batch that would bring the job to 60 variants wait for an
advisory lock the test holds: that batch's offers are written, its checkpoint is not, and its
transaction is open when the worker dies.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from closient_app.db import get_engine
from closient_app.models import JobStatus
from tests.factories import make_org
from tests.sync.conftest import FINISHED, job_state
from tests.sync.support import (
    connect_source,
    expected_offers,
    new_shop,
    queue_sync,
    sandbox_catalog,
    sandbox_exports,
    sandbox_settings,
    stored_offers,
    wait_until,
)

BATCH = 20
BULK = {"SYNC_BATCH_VARIANTS": str(BATCH)}  # 300 variants >= SYNC_BULK_MIN_VARIANTS (72)
EXPORT_RUNS_S = 120.0  # until the test sets it to 0
FROZEN_AT = 3 * BATCH  # the third batch waits; two are committed
FREEZE_KEY = 7_431_001

FREEZE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION test_freeze_batch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.progress_done < {FROZEN_AT} AND NEW.progress_done >= {FROZEN_AT} THEN
    PERFORM pg_advisory_xact_lock_shared({FREEZE_KEY});
  END IF;
  RETURN NEW;
END $$
"""
FREEZE_TRIGGER = """
CREATE TRIGGER test_freeze_batch BEFORE UPDATE OF checkpoint ON sync_job
FOR EACH ROW EXECUTE FUNCTION test_freeze_batch()
"""
UNFREEZE = (
    "DROP TRIGGER IF EXISTS test_freeze_batch ON sync_job",
    "DROP FUNCTION IF EXISTS test_freeze_batch()",
)


class FrozenBatch:
    def __init__(self, connection) -> None:
        self.connection = connection

    def waiting(self) -> bool:
        """A batch is blocked on the lock (its worker is inside the batch's transaction)."""
        query = text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            "AND objid = :key AND NOT granted)"
        )
        return bool(self.connection.execute(query, {"key": FREEZE_KEY}).scalar())

    def release(self) -> None:
        self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": FREEZE_KEY})


@pytest.fixture
def slow_export(base):
    sandbox_settings(base, bulk_run_s=EXPORT_RUNS_S)
    yield
    sandbox_settings(base, bulk_run_s=0.0)


@pytest.fixture
def frozen_batch(database_url):
    engine = get_engine()
    with engine.begin() as ddl:
        ddl.execute(text(FREEZE_FUNCTION))
        ddl.execute(text(FREEZE_TRIGGER))
    holder = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": FREEZE_KEY})
    try:
        yield FrozenBatch(holder)
    finally:
        holder.close()  # ends the session: the lock goes with it
        with engine.begin() as ddl:
            for statement in UNFREEZE:
                ddl.execute(text(statement))


def test_bulk_sync_killed_in_the_export_and_mid_batch_ends_equal_to_a_clean_sync(
    db, base, workers, slow_export, frozen_batch
):
    shop = new_shop(base, variants=300, locations=3)
    catalog = sandbox_catalog(base, shop)["catalog"]
    variants = len(catalog["variants"])
    source = connect_source(db, make_org(db), shop)
    job = queue_sync(db, source)

    # 1. Killed while Shopify runs the export: the checkpoint already names it.
    first = workers("first", **BULK)
    wait_until(lambda: job_state(job.id).checkpoint.get("bulk_export"), what="export started")
    export = job_state(job.id).checkpoint["bulk_export"]
    assert [e["status"] for e in sandbox_exports(base, shop)] in (["CREATED"], ["RUNNING"])
    first.kill()
    exporting = job_state(job.id)
    assert (exporting.status, exporting.checkpoint["mode"]) == (JobStatus.RUNNING, "bulk")
    assert exporting.progress_done == 0

    # 2. The next worker re-attaches to that export, still running (no second one is started),
    #    and once it finished reads it, then dies mid-batch.
    second = workers("second", **BULK)
    wait_until(lambda: f"re-attached to bulk export {export}" in second.log, what="re-attach")
    assert [(e["id"], e["status"]) for e in sandbox_exports(base, shop)] == [(export, "RUNNING")]
    sandbox_settings(base, bulk_run_s=0.0)  # Shopify finishes the export
    wait_until(frozen_batch.waiting, what="a batch frozen in its transaction")
    second.kill()
    frozen_batch.release()
    writing = job_state(job.id)
    assert writing.progress_done == FROZEN_AT - BATCH  # the frozen batch died with its worker
    assert writing.checkpoint["bulk_export"] == export

    # 3. The third skips the batches already committed and finishes.
    third = workers("third", **BULK)
    wait_until(lambda: job_state(job.id).status in FINISHED, what="the resumed job")

    done = job_state(job.id)
    assert (done.status, done.error, done.attempts) == (JobStatus.SUCCEEDED, None, 3)
    assert f"re-attached to bulk export {export}" in third.log
    assert done.checkpoint["resumed_at"] == [0, FROZEN_AT - BATCH]
    assert [e["id"] for e in sandbox_exports(base, shop)] == [export]  # started once
    assert (done.progress_done, done.progress_total) == (variants, variants)
    expected = expected_offers(catalog)
    assert stored_offers(db, source.id) == expected  # same rows, no duplicates
    assert done.offers_upserted == len(expected)  # the rewritten batch is not counted twice
