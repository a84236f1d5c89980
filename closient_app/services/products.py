"""The shared product catalog: one product per GTIN-14, created once, found by any GTIN form."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from closient_app.errors import Conflict, NotFound
from closient_app.models import Product
from closient_app.schemas.products import ProductCreate, ProductDetail


def product_path(gtin14: str) -> str:
    return f"/products/api/v1/products/{gtin14}"


def get_product_by_gtin(*, session: Session, gtin14: str) -> Product:
    product = session.exec(select(Product).where(Product.gtin == gtin14)).first()
    if product is None:
        raise NotFound(
            f"No product with GTIN {gtin14} in the catalog.",
            next_step="Add it: POST /products/api/v1/products {gtin, name, brand}.",
        )
    return product


def create_product(*, session: Session, data: ProductCreate) -> Product:
    """Insert, and let the unique GTIN decide a race: a duplicate is a 409 naming the original."""
    product = Product(gtin=data.gtin, name=data.name, brand=data.brand)
    try:
        with session.begin_nested():
            session.add(product)
    except IntegrityError:
        existing = get_product_by_gtin(session=session, gtin14=data.gtin)
        raise Conflict(
            f"GTIN {data.gtin} is already in the catalog as product {existing.id}.",
            details=[{"field": "gtin", "message": f"already used by product {existing.id}"}],
            next_step=f"Use the existing product: GET {product_path(data.gtin)}.",
        ) from None
    return product


def product_detail(product: Product) -> ProductDetail:
    return ProductDetail(
        id=product.id,
        gtin=product.gtin or "",
        name=product.name,
        brand=product.brand,
        created=product.created,
        updated=product.updated,
    )
