"""`/retailers/api/v1/organizations/{id}/readiness`: is this retailer discoverable yet?

Kept apart from the offers routes of the same app (api/routes/retailers.py) so each file has
one owner; both use `app_router("retailers")`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from closient_app.api.apps import app_router
from closient_app.api.deps import Access, SessionDep, require
from closient_app.services.readiness import Readiness, organization_readiness

router = app_router("retailers")
# Any member may ask, with any scope: the onboarding agent holds *:write scopes, not org:read.
Member = Annotated[Access, Depends(require())]


@router.get("/organizations/{organization_id}/readiness", response_model=Readiness)
def get_readiness(organization_id: str, session: SessionDep, access: Member) -> Readiness:
    """POS connected, a location published, an in-stock offer there; each failing check says
    what to do next. `discoverable` is true when the search finds the retailer now."""
    access.check_org(organization_id)
    return organization_readiness(session=session, organization_id=organization_id)
