"""Domain errors. Services raise these; the API maps them to the error envelope in one place.

Each carries the HTTP status the contract gives it, a message in words a person understands,
and, for agents, an optional `next_step` saying what to do about it.
"""

from __future__ import annotations


class ApiError(Exception):
    """A domain error the API answers with the envelope."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        details: list[dict[str, str]] | None = None,
        next_step: str | None = None,
        headers: dict[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.next_step = next_step
        self.headers = headers or {}
        if status is not None:
            self.status = status


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class ValidationFailed(ApiError):
    status = 422


class RateLimited(ApiError):
    status = 429
