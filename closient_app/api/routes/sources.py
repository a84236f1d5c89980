"""`/integrations/api/v1/sources`: the organization's POS connections, a manual sync, and
disconnect. Disconnect keeps the source row and its offers (marked stale, so search hides
them); connecting the same shop again re-uses the row and the next sync revives the offers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, status
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from closient_app.api.apps import app_router
from closient_app.api.deps import WRITE_ROLES, Access, SessionDep, require
from closient_app.api.pagination import Page, PageDep, paginate
from closient_app.api.routes.webhook_endpoints import target_organization
from closient_app.errors import Conflict, NotFound
from closient_app.jobs.queue import enqueue_sync
from closient_app.models import InventorySource, JobKind, SourceStatus
from closient_app.schemas.integrations import SourceOut
from closient_app.services.ownership import owned_query
from closient_app.services.source_lifecycle import (
    DISCONNECTED_BY_RETAILER,
    disconnect_source,
    subscription_ids_of,
    unsubscribe_source,
)

router = app_router("integrations")
Reader = Annotated[Access, Depends(require("integrations:read"))]
Writer = Annotated[Access, Depends(require("integrations:write"))]


class SyncQueued(BaseModel):
    job_id: str


def source_out(source: InventorySource) -> SourceOut:
    return SourceOut(
        id=source.id,
        provider=source.provider,
        shop=source.shop_domain,
        status=source.status,
        last_sync_at=source.last_sync_at,
        last_error=source.last_error,
    )


@router.get("/sources", response_model=Page[SourceOut])
@router.get("/sources/", response_model=Page[SourceOut], include_in_schema=False)
def list_sources(
    session: SessionDep,
    access: Reader,
    page: PageDep,
    organization_id: Annotated[str | None, Query(max_length=22)] = None,
) -> Page[SourceOut]:
    """The organization's POS connections and their status (pending, connected, syncing,
    error with the reason, disconnected)."""
    org_id = target_organization(access, organization_id)
    access.check_org(org_id)
    return paginate(session, owned_query(InventorySource, org_id), page, source_out)


@router.post(
    "/sources/{source_id}/sync", status_code=status.HTTP_202_ACCEPTED, response_model=SyncQueued
)
def sync_source(source_id: str, session: SessionDep, access: Writer) -> SyncQueued:
    """Queue a full re-sync (or return the one already queued or running)."""
    source = _writable(session, access, source_id)
    if source.status in (SourceStatus.DISCONNECTED, SourceStatus.PENDING):
        raise Conflict(
            "This source is not connected.",
            next_step="Connect the shop again: POST /integrations/api/v1/shopify/install-links.",
        )
    job = enqueue_sync(session=session, source=source, kind=JobKind.RESYNC)
    session.commit()  # the job exists before the caller polls it
    return SyncQueued(job_id=job.id)


@router.delete("/sources/{source_id}", response_model=SourceOut)
async def disconnect(source_id: str, session: SessionDep, access: Writer) -> SourceOut:
    """Disconnect: unsubscribe at the POS (best effort), delete the tokens, keep the offers
    marked stale. Disconnecting twice is harmless."""
    source = await run_in_threadpool(_writable, session, access, source_id)
    if source.status != SourceStatus.DISCONNECTED:
        # Unsubscribing needs the token, so it happens before the tokens are deleted.
        subscriptions = await run_in_threadpool(
            subscription_ids_of, session=session, source_id=source.id
        )
        session.rollback()  # hold no snapshot or locks while the POS is called
        await unsubscribe_source(source_id=source.id, subscription_ids=subscriptions)
        await run_in_threadpool(_disconnect, session, source_id)
    source = await run_in_threadpool(session.get, InventorySource, source_id)
    return source_out(source)


def _disconnect(session, source_id: str) -> None:
    source = session.get(InventorySource, source_id, with_for_update=True)
    if source.status != SourceStatus.DISCONNECTED:
        disconnect_source(session=session, source=source, reason=DISCONNECTED_BY_RETAILER)
    session.commit()


def _writable(session, access: Access, source_id: str) -> InventorySource:
    source = session.get(InventorySource, source_id)
    if source is None:
        raise NotFound("No such organization or resource.")
    access.check_org(source.organization_id, roles=WRITE_ROLES)
    return source
