"""Route dependencies: the database session and the one authorization dependency.

Every route states its auth in its signature with `require("<scope>")`, which resolves the caller
(API key, bearer token or browser session) or answers 401. Inside the handler,
`access.check_org(org_id, roles=...)` applies the contract's rules once the target organization
is known: not a member (or another organization's key) -> 404, so nothing reveals that the
resource exists; a member without the scope or role -> 403. A path that also has a public form
states `require_if("<scope>", needed)`: a credential is asked for only when `needed(request)`.

The rate-limit middleware already resolved the caller for API paths (it needs to know whose
budget to count); `require` reuses that answer, so a request looks its credential up once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from closient_app.db import get_session
from closient_app.errors import ApiError, Forbidden, NotFound
from closient_app.models import Role
from closient_app.services.authn import Caller, resolve_caller
from closient_app.services.sessions import COOKIE_NAME

# scope="function": commit before the response is sent. FastAPI's default ("request") commits
# after it, so a client's next call could read the state from before its own write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

WRITE_ROLES = frozenset({Role.OWNER, Role.MANAGER})
READ_ROLES = frozenset(Role)

# Where the middleware leaves its resolution in the ASGI scope's state: a Caller or an ApiError.
RESOLVED_CALLER = "closient_caller"


@dataclass
class Access:
    """An authenticated caller plus the scope the route needs."""

    caller: Caller
    scope: str | None
    session: Session
    _roles: dict[str, Role | None] = field(default_factory=dict)

    def role_in(self, organization_id: str) -> Role | None:
        if organization_id not in self._roles:
            self._roles[organization_id] = self.caller.role_in(self.session, organization_id)
        return self._roles[organization_id]

    def check_scope(self) -> None:
        """For routes with no target organization (creating one, for instance)."""
        if self.scope and self.scope not in self.caller.scopes:
            raise Forbidden(
                f"This credential lacks the `{self.scope}` scope.",
                next_step="Use an API key or token that was granted this scope.",
            )

    def check_org(self, organization_id: str, *, roles: frozenset[Role] = READ_ROLES) -> Role:
        role = self.role_in(organization_id)
        if role is None:
            raise NotFound("No such organization or resource.")
        self.check_scope()
        if role not in roles:
            needed = " or ".join(sorted(r.value for r in roles))
            raise Forbidden(
                f"Your role {role.value} cannot do this; it needs {needed}.",
                next_step="Ask an OWNER of the organization to change your role.",
            )
        return role

    def require_user(self, doing: str) -> str:
        """The user behind a token or session; API keys belong to an organization, not a person."""
        if self.caller.user_id is None:
            raise Forbidden(
                f"An API key cannot {doing}: keys belong to one organization.",
                next_step="Use a user credential: a browser session, or a bearer token from "
                "the device flow (POST /oauth/device_authorization).",
            )
        return self.caller.user_id


def request_credentials(request: Request) -> dict[str, str | None]:
    """The credentials a request carries, as `resolve_caller` takes them."""
    return {
        "api_key": request.headers.get("x-api-key"),
        "authorization": request.headers.get("authorization"),
        "session_cookie": request.cookies.get(COOKIE_NAME),
    }


def request_caller(request: Request, session: Session) -> Caller:
    resolved = request.scope.get("state", {}).get(RESOLVED_CALLER)
    if isinstance(resolved, Caller):
        return resolved
    if isinstance(resolved, ApiError):
        raise resolved
    return resolve_caller(session, **request_credentials(request))


def require(scope: str | None = None) -> Callable[..., Access]:
    """Dependency factory: `access: Annotated[Access, Depends(require("offers:write"))]`."""

    def dependency(request: Request, session: SessionDep) -> Access:
        return Access(caller=request_caller(request, session), scope=scope, session=session)

    dependency.__name__ = f"require_{(scope or 'caller').replace(':', '_')}"
    dependency.closient_scope = scope  # lets the route sweep find every protected route
    return dependency


def require_if(scope: str, needed: Callable[[Request], bool]) -> Callable[..., Access | None]:
    """`require(scope)` for a path that also has a public form: only when `needed(request)`.
    Otherwise None, and a credential sent along is not looked at, as on any public route."""
    protected = require(scope)

    def dependency(request: Request, session: SessionDep) -> Access | None:
        return protected(request, session) if needed(request) else None

    dependency.__name__ = f"{protected.__name__}_if_needed"
    dependency.closient_scope = scope
    dependency.closient_public_too = True  # the OpenAPI document says a credential is optional
    return dependency
