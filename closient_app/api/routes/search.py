"""`/search/api/v1/search/session`: public local product search with 30-minute sessions.

The hottest route: it takes a pooled psycopg connection inside the handler instead of
`SessionDep`. A generator dependency costs two extra thread hops per request (entering and
leaving it), which measured 1-2 ms of a ~4 ms budget on this 2-core machine under load; the
handler's one hop stays. The service pipelines its statements on that connection (two round
trips per search).
It also answers with the JSON pydantic-core writes (`as_json`): for a sync route FastAPI would
validate the returned model again in yet another thread hop, then encode it with `json`.
`response_model` stays for the OpenAPI document.
"""

from __future__ import annotations

from fastapi import Request, Response

from closient_app.api.apps import app_router
from closient_app.api.public import OptionalCallerDep
from closient_app.db import driver_connection
from closient_app.schemas.search import RefineRequest, SearchRequest, SearchResponse
from closient_app.services import search as service
from closient_app.services.authn import Caller

router = app_router("search")


@router.post("/search/session", response_model=SearchResponse)
def start_search_session(
    body: SearchRequest, request: Request, caller: OptionalCallerDep
) -> Response:
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
    with driver_connection() as conn:  # see module docstring: not SessionDep on this hot path
        found = service.start_session(conn=conn, criteria=criteria, caller=_caller(request, caller))
    return as_json(found)


@router.post("/search/session/{session_id}/refine", response_model=SearchResponse)
def refine_search_session(
    session_id: str, body: RefineRequest, caller: OptionalCallerDep
) -> Response:
    """Change the query, radius or stock filter of a live session (30 minutes after last use)."""
    with driver_connection() as conn:
        found = service.refine_session(
            conn=conn,
            session_id=session_id,
            query=body.query,
            radius_km=body.radius_km,
            in_stock=body.in_stock,
        )
    return as_json(found)


def as_json(response: SearchResponse) -> Response:
    return Response(response.model_dump_json(), media_type="application/json")


def _caller(request: Request, caller: Caller | None) -> str:
    if caller is not None:
        return caller.rate_limit_key
    return f"ip:{request.client.host if request.client else 'unknown'}"
