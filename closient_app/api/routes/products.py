"""`/products/api/v1/products`: look a product up by any GTIN form; add one to the catalog."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, status

from closient_app.api.apps import app_router
from closient_app.api.deps import WRITE_ROLES, Access, SessionDep, require
from closient_app.errors import Forbidden
from closient_app.schemas.common import Gtin
from closient_app.schemas.products import ProductCreate, ProductDetail
from closient_app.services import products as service

router = app_router("products")
GtinPath = Annotated[Gtin, Path(description="GTIN-8/12/13/14; answered as GTIN-14")]
# Products are a shared catalog, so adding one belongs with writing offers.
OfferWriter = Annotated[Access, Depends(require("offers:write"))]


@router.get("/products/{gtin}", response_model=ProductDetail)
def get_product(gtin: GtinPath, session: SessionDep) -> ProductDetail:
    """Public: the catalog entry for a GTIN (a 12-digit UPC finds its GTIN-14 product)."""
    return service.product_detail(service.get_product_by_gtin(session=session, gtin14=gtin))


@router.post("/products", status_code=status.HTTP_201_CREATED, response_model=ProductDetail)
def create_product(body: ProductCreate, session: SessionDep, access: OfferWriter) -> ProductDetail:
    """Add a product; a GTIN already in the catalog is a 409 that names the existing product."""
    access.check_scope()
    if access.caller.key_role is not None and access.caller.key_role not in WRITE_ROLES:
        raise Forbidden(
            f"Your key's role {access.caller.key_role.value} cannot add products; it needs "
            "MANAGER or OWNER.",
            next_step="Use a key with the MANAGER or OWNER role.",
        )
    return service.product_detail(service.create_product(session=session, data=body))
