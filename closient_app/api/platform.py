"""What every API app stands on: rate limiting with caller resolution, accounts, our OAuth
server, and discovery. `create_api()` installs it with one call."""

from __future__ import annotations

from fastapi import FastAPI

from closient_app.api.ratelimit import RateLimitMiddleware
from closient_app.api.routes import (
    account,
    account_keys,
    account_sessions,
    device_page,
    discovery,
    oauth,
)


def install_platform(api: FastAPI) -> None:
    api.add_middleware(RateLimitMiddleware)  # API paths only; resolves the caller once
    for module in (account, account_keys, account_sessions, oauth, device_page, discovery):
        api.include_router(module.router)
