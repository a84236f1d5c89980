"""Where can I buy this GTIN near here? Stores with an offer for it, nearest first."""

from __future__ import annotations

from sqlmodel import Session

from closient_app.geo import search_sql
from closient_app.geo.nearby import radius_params
from closient_app.models import Product
from closient_app.schemas.search import Hit
from closient_app.services.search import hit_from_row


def product_availability(
    *,
    session: Session,
    product: Product,
    latitude: float,
    longitude: float,
    radius_km: float,
    in_stock: bool,
    limit: int,
    offset: int,
) -> tuple[int, list[Hit]]:
    """(total, this page): the same ranking and filters as the search, for one product."""
    params = {
        **radius_params(latitude, longitude, radius_km),
        "gtin": product.gtin,
        "in_stock": in_stock,
    }
    total = session.execute(search_sql.COUNT_BY_GTIN, params).scalar_one()
    rows = session.execute(search_sql.BY_GTIN, {**params, "limit": limit, "offset": offset})
    return total, [hit_from_row(row._mapping) for row in rows]
