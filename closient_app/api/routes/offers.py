"""`/retailers/api/v1/...in-store-offers`: an organization's offers, with manual ones writable.

Reads need `offers:read` and any role in the organization; writes need `offers:write` and
OWNER or MANAGER. Another organization's offer or store answers 404, like one that does not
exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Response, status

from closient_app.api.apps import app_router
from closient_app.api.deps import WRITE_ROLES, Access, SessionDep, require
from closient_app.api.pagination import Page, PageDep, paginate
from closient_app.clock import utcnow
from closient_app.models import InStoreOffer, StockStatus
from closient_app.schemas.offers import OfferCreate, OfferOut, OfferUpdate
from closient_app.services import offers as service

router = app_router("retailers")
Reader = Annotated[Access, Depends(require("offers:read"))]
Writer = Annotated[Access, Depends(require("offers:write"))]
COLLECTION = "/organizations/{organization_id}/in-store-offers"


@router.get(COLLECTION, response_model=Page[OfferOut])
def list_offers(
    organization_id: str,
    session: SessionDep,
    access: Reader,
    page: PageDep,
    physical_store_id: Annotated[str | None, Query(max_length=22)] = None,
    status: Annotated[StockStatus | None, Query(description="Stock status")] = None,
    updated_since: Annotated[
        datetime | None, Query(description="RFC 3339; offers changed at or after it")
    ] = None,
) -> Page[OfferOut]:
    """The organization's offers; `count` is the total (the seed's synced_offer_count)."""
    access.check_org(organization_id)
    filters = service.OfferFilters(physical_store_id, status, updated_since)
    query = service.offers_query(organization_id=organization_id, filters=filters)
    now = utcnow()
    return paginate(session, query, page, lambda row: service.offer_out(row[0], row[1], now))


@router.post(COLLECTION, status_code=status.HTTP_201_CREATED, response_model=OfferOut)
def create_offer(
    organization_id: str, body: OfferCreate, session: SessionDep, access: Writer
) -> OfferOut:
    """A manual offer. The (product_id, physical_store_id, sku) triple is unique: 422."""
    access.check_org(organization_id, roles=WRITE_ROLES)
    now = utcnow()
    offer = service.create_manual_offer(
        session=session, organization_id=organization_id, data=body, now=now
    )
    return service.offer_out(offer, service.gtin_of_offer(session, offer), now)


@router.get("/in-store-offers/{offer_id}", response_model=OfferOut)
def get_offer(offer_id: str, session: SessionDep, access: Reader) -> OfferOut:
    offer = service.get_offer(session=session, offer_id=offer_id)
    access.check_org(offer.organization_id)
    return service.offer_out(offer, service.gtin_of_offer(session, offer), utcnow())


@router.put("/in-store-offers/{offer_id}", response_model=OfferOut)
def update_offer(offer_id: str, body: OfferUpdate, session: SessionDep, access: Writer) -> OfferOut:
    """Change a manual offer; a POS offer answers 409 (change it in the POS)."""
    offer = _writable(session, access, offer_id)
    now = utcnow()
    offer = service.update_manual_offer(session=session, offer=offer, changes=body, now=now)
    return service.offer_out(offer, service.gtin_of_offer(session, offer), now)


@router.delete("/in-store-offers/{offer_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_offer(offer_id: str, session: SessionDep, access: Writer) -> Response:
    """Delete an offer. A POS offer comes back at the next sync if the POS still sells it."""
    service.delete_offer(session=session, offer=_writable(session, access, offer_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _writable(session, access: Access, offer_id: str) -> InStoreOffer:
    offer = service.get_offer(session=session, offer_id=offer_id)
    access.check_org(offer.organization_id, roles=WRITE_ROLES)
    return offer
