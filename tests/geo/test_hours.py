from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from closient_app.schemas.hours import OpeningHours

LATE_FRIDAY = {
    "timezone": "America/Chicago",
    "weekly": [
        {"day_of_week": "fri", "opens": "18:00", "closes": "02:00"},
        {"day_of_week": "sun", "opens": "22:00", "closes": "01:00"},
        {"day_of_week": "wed", "opens": "00:00", "closes": "24:00"},
    ],
}


@pytest.mark.parametrize(
    ("utc", "open_"),
    [
        # Chicago is UTC-5 in July (CDT).
        (datetime(2026, 7, 10, 23, 30, tzinfo=UTC), True),  # Fri 18:30
        (datetime(2026, 7, 11, 6, 59, tzinfo=UTC), True),  # Sat 01:59, the overnight tail
        (datetime(2026, 7, 11, 7, 0, tzinfo=UTC), False),  # Sat 02:00, closed
        (datetime(2026, 7, 13, 5, 30, tzinfo=UTC), True),  # Mon 00:30, Sunday's span wraps the week
        (datetime(2026, 7, 13, 6, 0, tzinfo=UTC), False),  # Mon 01:00
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), True),  # Wed, all day
        (datetime(2026, 1, 10, 0, 30, tzinfo=UTC), True),  # Fri 18:30 CST (UTC-6) in winter
    ],
)
def test_open_now_in_the_stores_own_timezone(utc, open_) -> None:
    assert OpeningHours.model_validate(LATE_FRIDAY).is_open(utc) is open_


def test_day_names_are_normalised() -> None:
    hours = OpeningHours.model_validate(LATE_FRIDAY)

    assert [i.day_of_week for i in hours.weekly] == ["friday", "sunday", "wednesday"]


def test_adjacent_intervals_do_not_overlap() -> None:
    split_day = {
        "timezone": "Europe/Paris",
        "weekly": [
            {"day_of_week": "mon", "opens": "09:00", "closes": "12:00"},
            {"day_of_week": "mon", "opens": "12:00", "closes": "18:00"},
        ],
    }

    assert len(OpeningHours.model_validate(split_day).weekly) == 2


def test_utc_offsets_are_not_named_zones() -> None:
    with pytest.raises(ValidationError, match="IANA"):
        OpeningHours.model_validate({"timezone": "+05:00", "weekly": []})
