"""What can go wrong talking to a POS, sorted by what the caller should do about it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

# Callers decide retry vs give up from `retryable`, never from the message.


class PosError(Exception):
    """A POS call failed. `retryable` says whether trying again later can help."""

    retryable: ClassVar[bool] = False


class PosUnavailable(PosError):
    """Network trouble, a 5xx, or a rate limit that outlasted our patience: retry later."""

    retryable = True


class TokenRejected(PosError):
    """The POS answered 401: refresh the token once and retry, else mark the source broken."""


class PosRequestRejected(PosError):
    """The POS refused the request (4xx, GraphQL or user errors): retrying will not help."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ScopeNotGranted(PosRequestRejected):
    """The merchant granted fewer permissions than we need to sync."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(sorted(missing))
        super().__init__("missing permissions: " + ", ".join(self.missing))


class InvalidShop(PosError, ValueError):
    """A shop identifier we refuse to build a URL from; `reason` is safe to show to a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
