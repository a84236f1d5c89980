"""Route dependencies: the database session and the one authorization dependency.

Every route states its auth in its signature with `require("<scope>")`, which resolves the caller
(API key, bearer token or browser session) or answers 401. Inside the handler,
`access.check_org(org_id, roles=...)` applies the contract's rules once the target organization
is known: not a member (or another organization's key) -> 404, so nothing reveals that the
resource exists; a member without the scope or role -> 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from closient_app.db import get_session
from closient_app.errors import Forbidden, NotFound
from closient_app.models import Role
from closient_app.services.authn import Caller, resolve_caller

SessionDep = Annotated[Session, Depends(get_session)]

WRITE_ROLES = frozenset({Role.OWNER, Role.MANAGER})
READ_ROLES = frozenset(Role)


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

    def check_org(self, organization_id: str, *, roles: frozenset[Role] = READ_ROLES) -> Role:
        role = self.role_in(organization_id)
        if role is None:
            raise NotFound("No such organization or resource.")
        if self.scope and self.scope not in self.caller.scopes:
            raise Forbidden(
                f"This credential lacks the `{self.scope}` scope.",
                next_step="Use an API key or token that was granted this scope.",
            )
        if role not in roles:
            needed = " or ".join(sorted(r.value for r in roles))
            raise Forbidden(
                f"Your role {role.value} cannot do this; it needs {needed}.",
                next_step="Ask an OWNER of the organization to change your role.",
            )
        return role


def require(scope: str | None = None) -> Callable[..., Access]:
    """Dependency factory: `access: Annotated[Access, Depends(require("offers:write"))]`."""

    def dependency(request: Request, session: SessionDep) -> Access:
        caller = resolve_caller(session, api_key=request.headers.get("x-api-key"))
        return Access(caller=caller, scope=scope, session=session)

    dependency.__name__ = f"require_{(scope or 'caller').replace(':', '_')}"
    return dependency
