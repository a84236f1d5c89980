"""One error envelope for every error, the framework's own included.

`{"error": {"code", "message", "status", "details": [{"field", "message"}], "next_step"?}}`
Services raise `closient_app.errors.ApiError` subclasses; handlers here turn those and everything
else (404 for unknown routes, 405, request validation, unhandled exceptions) into the same shape,
with no internals in the body.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from closient_app.errors import ApiError

log = logging.getLogger(__name__)

CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
}


def envelope(
    status: int,
    message: str,
    *,
    details: list[dict[str, str]] | None = None,
    next_step: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "code": CODES.get(status, "ERROR" if status < 500 else "INTERNAL_ERROR"),
        "message": message,
        "status": status,
        "details": details or [],
    }
    if next_step:
        body["next_step"] = next_step
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _field_name(loc: tuple[Any, ...]) -> str:
    # ("body", "address", "country") -> "address.country"; drop the request part it came from.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[-1] if loc else "request")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return envelope(
            exc.status,
            exc.message,
            details=exc.details,
            next_step=exc.next_step,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": _field_name(tuple(err.get("loc", ()))), "message": err.get("msg", "invalid")}
            for err in exc.errors()
        ]
        return envelope(422, "The request is not valid: see details.", details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "No such resource.", 405: "Method not allowed on this path."}
        message = messages.get(exc.status_code) or str(exc.detail or "Request failed.")
        return envelope(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return envelope(500, "Something went wrong on our side. Try again later.")
