"""Public routes: anonymous callers are welcome, but a credential that is sent must be valid.

A wrong API key on a public route is still a 401: an agent with a typo in its key should find
out, rather than silently being treated (and rate-limited) as anonymous.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from closient_app.api.deps import Access, SessionDep, require

CREDENTIAL_HEADERS = ("x-api-key", "authorization")

_resolve = require()


async def optional_access(request: Request, session: SessionDep) -> Access | None:
    # async: no thread hop per public request. The rate-limit middleware has already resolved
    # any credential for API paths, so `_resolve` only reads its answer from the request scope.
    if not any(request.headers.get(name) for name in CREDENTIAL_HEADERS):
        return None
    return _resolve(request, session)


OptionalAccessDep = Annotated[Access | None, Depends(optional_access)]
