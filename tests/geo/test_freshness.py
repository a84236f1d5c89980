from datetime import UTC, datetime, timedelta

import pytest

from closient_app.freshness import confidence_rank_sql, inventory_confidence

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "label"),
    [
        (timedelta(minutes=59), "confirmed"),
        (timedelta(hours=1), "likely"),
        (timedelta(hours=23, minutes=59), "likely"),
        (timedelta(hours=24), "uncertain"),
        (timedelta(hours=47), "uncertain"),
        (timedelta(hours=48), "stale"),
        (timedelta(days=30), "stale"),
    ],
)
def test_confidence_from_freshness(age, label) -> None:
    assert inventory_confidence(NOW - age, NOW) == label


def test_never_synced_is_stale() -> None:
    assert inventory_confidence(None, NOW) == "stale"


def test_the_sql_ranks_use_the_same_thresholds(db) -> None:
    from sqlalchemy import text

    rank = confidence_rank_sql("t.at")
    ages = [timedelta(minutes=59), timedelta(hours=2), timedelta(hours=30), timedelta(hours=50)]
    rows = db.execute(
        text(f"SELECT {rank} FROM unnest(CAST(:ats AS timestamptz[])) AS t(at)"),  # noqa: S608
        {"ats": [datetime.now(UTC) - age for age in ages]},
    ).scalars()

    assert list(rows) == [0, 1, 2, 3]
