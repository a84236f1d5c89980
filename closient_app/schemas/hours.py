"""Weekly opening hours in a named IANA timezone, overnight spans allowed.

An interval whose `closes` is at or before `opens` runs past midnight into the next day
(Friday 22:00-02:00 closes Saturday 02:00); `24:00` means end of day. Times are the store's
local wall-clock times in `timezone`, so daylight-saving changes need no data edits.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
OPENS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CLOSES = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")


def _day_name(value: object) -> object:
    """Accept 'Mon', 'monday', 'MONDAY'; store the full lower-case name."""
    if isinstance(value, str):
        text = value.strip().lower()
        for day in DAYS:
            if text in (day, day[:3]):
                return day
    return value


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


class OpeningInterval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day_of_week: Annotated[str, BeforeValidator(_day_name)] = Field(
        description="monday..sunday (or mon..sun)"
    )
    opens: str = Field(description="Local time HH:MM", examples=["09:00"])
    closes: str = Field(description="Local time HH:MM or 24:00; <= opens means next day")

    @field_validator("day_of_week")
    @classmethod
    def _known_day(cls, value: str) -> str:
        if value not in DAYS:
            raise ValueError(f"must be one of {', '.join(DAYS)}")
        return value

    @field_validator("opens")
    @classmethod
    def _opens_format(cls, value: str) -> str:
        if not OPENS.match(value):
            raise ValueError("must be HH:MM between 00:00 and 23:59")
        return value

    @field_validator("closes")
    @classmethod
    def _closes_format(cls, value: str, info) -> str:
        if not CLOSES.match(value):
            raise ValueError("must be HH:MM between 00:00 and 24:00")
        if value == info.data.get("opens"):
            raise ValueError("must differ from opens (use 00:00-24:00 for open all day)")
        return value

    def span(self) -> tuple[int, int]:
        """[start, end) in minutes since Monday 00:00; end may pass the week's end."""
        start = DAYS.index(self.day_of_week) * MINUTES_PER_DAY + minutes(self.opens)
        length = (minutes(self.closes) - minutes(self.opens)) % MINUTES_PER_DAY or MINUTES_PER_DAY
        return start, start + length


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())  # walks the tz database: once per process


def is_iana_zone(name: str) -> bool:
    if name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class OpeningHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(description="IANA timezone, e.g. America/Chicago")
    weekly: list[OpeningInterval] = Field(default_factory=list, max_length=70)

    @field_validator("timezone")
    @classmethod
    def _real_zone(cls, value: str) -> str:
        if not is_iana_zone(value.strip()):
            raise ValueError("must be an IANA timezone name such as America/Chicago")
        return value.strip()

    @model_validator(mode="after")
    def _no_overlaps(self) -> OpeningHours:
        spans = sorted(_unwrapped(self.weekly))
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            if start < end:
                raise ValueError("weekly intervals overlap")
        return self

    def is_open(self, at: datetime) -> bool:
        """Whether the store is open at an aware datetime (in any zone)."""
        local = at.astimezone(ZoneInfo(self.timezone))
        now = local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute
        return any(start <= now < end for start, end in _unwrapped(self.weekly))


def _unwrapped(weekly: list[OpeningInterval]) -> list[tuple[int, int]]:
    """Spans inside one week: Sunday-night spans are split at the week's end."""
    spans = []
    for interval in weekly:
        start, end = interval.span()
        spans.append((start, min(end, MINUTES_PER_WEEK)))
        if end > MINUTES_PER_WEEK:
            spans.append((0, end - MINUTES_PER_WEEK))
    return spans
