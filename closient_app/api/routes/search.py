"""`/search/api/v1/search/session`: public local product search with 30-minute sessions."""

from __future__ import annotations

from fastapi import Request

from closient_app.api.apps import app_router
from closient_app.api.deps import SessionDep
from closient_app.api.public import OptionalAccessDep
from closient_app.schemas.search import RefineRequest, SearchRequest, SearchResponse
from closient_app.services import search as service

router = app_router("search")


@router.post("/search/session", response_model=SearchResponse)
def start_search_session(
    body: SearchRequest, request: Request, session: SessionDep, access: OptionalAccessDep
) -> SearchResponse:
    """Search products near a point; hits sort by distance, then stock confidence, then price.

    Public: anonymous callers are welcome. Every query word must match (relevance is a gate,
    never the sort key); `gtin:<digits>` finds one exact product.
    """
    criteria = service.Criteria(
        query=body.query,
        latitude=body.latitude,
        longitude=body.longitude,
        radius_km=body.radius_km,
        in_stock=body.in_stock,
    )
    return service.start_session(
        session=session, criteria=criteria, caller=_caller(request, access)
    )


@router.post("/search/session/{session_id}/refine", response_model=SearchResponse)
def refine_search_session(
    session_id: str, body: RefineRequest, session: SessionDep, access: OptionalAccessDep
) -> SearchResponse:
    """Change the query, radius or stock filter of a live session (30 minutes after last use)."""
    return service.refine_session(
        session=session,
        session_id=session_id,
        query=body.query,
        radius_km=body.radius_km,
        in_stock=body.in_stock,
    )


def _caller(request: Request, access) -> str:
    if access is not None:
        return access.caller.rate_limit_key
    return f"ip:{request.client.host if request.client else 'unknown'}"
