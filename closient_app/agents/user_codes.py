"""User codes for the headless POS connect: short, unambiguous, and too costly to guess.

Eight letters from twenty consonants (no vowels, so no words; no 0/O or 1/I look-alikes), shown
as `BCDF-GHJK`: 20**8 is about 2.6e10 codes, of which only the few live ones are worth anything.
Wrong guesses are counted per IP address and per signed-in person in the shared rate-limit
table; past `MISSES_PER_WINDOW` in a 15-minute window (or `MISSES_PER_DAY` a day) that IP or
person is locked out until the window ends, so a guesser gets about a thousand tries a day
against tens of billions of codes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from closient_app.db import session_driver_connection
from closient_app.models import RateLimitCounter
from closient_app.services.rate_limits import Window, count_request

ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
CODE_LENGTH = 8
MISSES_PER_WINDOW = 10
MISSES_PER_DAY = 50
MISS_WINDOWS = (Window(MISSES_PER_WINDOW, 900), Window(MISSES_PER_DAY, 86_400))


def new_user_code() -> str:
    letters = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{letters[:4]}-{letters[4:]}"


def normalize_user_code(raw: str) -> str | None:
    """`bcdf ghjk`, `BCDF-GHJK` -> `BCDFGHJK`; None when it cannot be one of our codes."""
    letters = "".join(ch for ch in raw.upper() if ch.isalnum())
    if len(letters) != CODE_LENGTH or any(ch not in ALPHABET for ch in letters):
        return None
    return letters


def display_user_code(letters: str) -> str:
    return f"{letters[:4]}-{letters[4:]}"


def hash_user_code(letters: str) -> str:
    return hashlib.sha256(f"pos-device:{letters}".encode()).hexdigest()


def miss_buckets(*, client_ip: str, user_id: str | None) -> list[str]:
    buckets = [f"device-code-miss:ip:{client_ip}"]
    if user_id:
        buckets.append(f"device-code-miss:user:{user_id}")
    return buckets


def _window_start(window: Window, now: datetime) -> int:
    return int(now.timestamp() // window.seconds) * window.seconds


def is_locked_out(session: Session, buckets: list[str], now: datetime) -> bool:
    """True when any bucket already used up a window (read only: looking costs no try)."""
    for window in MISS_WINDOWS:
        hits = session.exec(
            select(RateLimitCounter.hits).where(
                RateLimitCounter.bucket.in_(buckets),
                RateLimitCounter.window_seconds == window.seconds,
                RateLimitCounter.window_start == _window_start(window, now),
            )
        ).all()
        if any(count >= window.limit for count in hits):
            return True
    return False


def record_miss(session: Session, buckets: list[str], now: datetime) -> None:
    for bucket in buckets:
        count_request(session_driver_connection(session), bucket, MISS_WINDOWS, now)
