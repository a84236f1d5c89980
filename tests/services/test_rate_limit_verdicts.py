"""Which window binds, and what the headers say, from counts alone."""

from __future__ import annotations

from closient_app.services.rate_limits import Verdict, Window, WindowCount

MINUTE, DAY = Window(300, 60), Window(10_000, 86_400)


def test_the_window_with_fewest_requests_left_binds() -> None:
    verdict = Verdict((WindowCount(MINUTE, 10, 50), WindowCount(DAY, 9_995, 3_600)))

    assert verdict.allowed
    assert verdict.headers() == {
        "RateLimit-Policy": "300;w=60, 10000;w=86400",
        "RateLimit-Limit": "10000",
        "RateLimit-Remaining": "5",
        "RateLimit-Reset": "3600",
    }


def test_when_both_are_spent_the_longer_wait_binds_and_is_the_retry_after() -> None:
    verdict = Verdict((WindowCount(MINUTE, 301, 50), WindowCount(DAY, 10_001, 3_600)))

    assert not verdict.allowed
    assert verdict.binding.window == DAY
    assert verdict.retry_after_s == 3_600


def test_only_exceeded_windows_decide_retry_after() -> None:
    verdict = Verdict((WindowCount(MINUTE, 301, 50), WindowCount(DAY, 400, 3_600)))

    assert verdict.retry_after_s == 50
    assert verdict.binding.window == MINUTE
