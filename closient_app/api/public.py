"""Public routes: anonymous callers are welcome, but a credential that is sent must be valid.

A wrong API key on a public route is still a 401: an agent with a typo in its key should find
out, rather than silently being treated (and rate-limited) as anonymous.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from closient_app.api.deps import request_caller
from closient_app.db import session_scope
from closient_app.services.authn import Caller

CREDENTIAL_HEADERS = ("x-api-key", "authorization")


async def optional_caller(request: Request) -> Caller | None:
    """The caller when a credential was sent, else None (anonymous).

    async and without a session dependency, so a public request pays no thread hop and no
    session here: the rate-limit middleware has already resolved any credential on API paths,
    and a session is opened only if it somehow has not.
    """
    if not any(request.headers.get(name) for name in CREDENTIAL_HEADERS):
        return None
    with session_scope() as session:
        return request_caller(request, session)


OptionalCallerDep = Annotated[Caller | None, Depends(optional_caller)]
