"""`/retailers/api/v1/products/{gtin}/availability`: stores near a point that offer a GTIN."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel

from closient_app.api.apps import app_router
from closient_app.api.deps import SessionDep
from closient_app.api.pagination import Page, PageDep
from closient_app.api.public import OptionalCallerDep
from closient_app.schemas.common import Gtin, RadiusKm
from closient_app.schemas.search import OfferOut, ProductOut, StoreOut
from closient_app.services import products
from closient_app.services.availability import product_availability

router = app_router("retailers")


class StoreOffer(BaseModel):
    store: StoreOut
    offer: OfferOut


class Availability(Page[StoreOffer]):
    product: ProductOut


@router.get("/products/{gtin}/availability", response_model=Availability)
def get_availability(
    gtin: Annotated[Gtin, Path(description="GTIN-8/12/13/14")],
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    session: SessionDep,
    page: PageDep,
    caller: OptionalCallerDep,  # validates a credential when one is sent
    radius_km: Annotated[RadiusKm, Query(description="More than 0, at most 50")] = 10.0,
    in_stock: Annotated[bool, Query(description="false adds out-of-stock offers")] = True,
) -> Availability:
    """Public. Same order as the search: distance, stock, inventory confidence, price."""
    product = products.get_product_by_gtin(session=session, gtin14=gtin)
    total, hits = product_availability(
        session=session,
        product=product,
        latitude=lat,
        longitude=lon,
        radius_km=radius_km,
        in_stock=in_stock,
        limit=page.limit,
        offset=page.offset,
    )
    items = [StoreOffer(store=hit.store, offer=hit.offer) for hit in hits]
    listing = Page[StoreOffer].build(items, total=total, request=page)
    return Availability(
        product=ProductOut(
            id=product.id, gtin=product.gtin, name=product.name, brand=product.brand
        ),
        **listing.model_dump(),
    )
