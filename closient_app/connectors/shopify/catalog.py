"""Catalog and location reads over the Admin GraphQL API, and how big a page can be.

Page size arithmetic (Shopify's documented cost rules: scalars and enums 0, an object 1, a
connection 2 plus `first` x the cost of one node; `nodes`/`pageInfo` add nothing):

    one variant  = variant 1 + product 1 + inventoryItem 1
                   + inventoryLevels connection 2 + L x (level 1 + location 1 + quantities 1)
                 = 5 + 3L
    one page     = 2 + N x (5 + 3L)         must stay <= 1000 (the per-query maximum)

L is the shop's location count, so one request sees every level of an item (rarer extra levels
are fetched per item). N is then the largest page that fits: for L = 3, 14 points a variant,
N = (1000 - 2) // 14 = 71, cost 996. Why the largest: at the standard restore rate R = 100
points/s the steady state is bound by the bucket, so variants/s = R x N / (2 + N(5 + 3L)); a
bigger N only amortises the page's fixed 2 points (and saves round trips), and Shopify refunds
the difference between requested and actual cost, so over-asking costs no throughput.
At L = 3 that is 100 x 71 / 996 = 7.1 variants/s: catalogs beyond a few hundred variants are
faster through a bulk operation (`bulk.py`), which the rate limit does not meter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from closient_app.connectors.interface import CatalogPage, PosLocation, PosOffer, StockLevel
from closient_app.connectors.money import to_minor_units
from closient_app.connectors.shopify.consts import MAX_QUERY_COST
from closient_app.connectors.shopify.graphql import AdminGraphQL
from closient_app.connectors.shopify.values import is_active_status, parse_timestamp

MAX_PAGE = 250  # Shopify's largest `first`
MAX_LEVELS_PER_REQUEST = 50
# Small pages for small lists: the bucket must hold the *requested* cost (2 + 50 x 2 = 102 for
# locations, 2 + 50 x 3 = 152 for extra levels), however few nodes come back.
LOCATIONS_PAGE = 50
MORE_LEVELS_PAGE = 50

LEVEL_FIELDS = 'updatedAt location { id } quantities(names: ["available"]) { name quantity }'

CATALOG_PAGE_QUERY = f"""
query CatalogPage($first: Int!, $levels: Int!, $after: String) {{
  productVariants(first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id title sku barcode price updatedAt
      product {{ id title vendor status updatedAt }}
      inventoryItem {{
        id tracked
        inventoryLevels(first: $levels) {{
          pageInfo {{ hasNextPage endCursor }}
          nodes {{ {LEVEL_FIELDS} }}
        }}
      }}
    }}
  }}
}}"""

MORE_LEVELS_QUERY = f"""
query MoreLevels($id: ID!, $after: String) {{
  inventoryItem(id: $id) {{
    inventoryLevels(first: {MORE_LEVELS_PAGE}, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {LEVEL_FIELDS} }}
    }}
  }}
}}"""

LOCATIONS_QUERY = f"""
query Locations($after: String) {{
  locations(first: {LOCATIONS_PAGE}, after: $after, includeInactive: true) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id name isActive
      address {{ address1 address2 city zip province provinceCode countryCode phone
                 latitude longitude }}
    }}
  }}
}}"""

SHOP_CURRENCY_QUERY = "query ShopCurrency { shop { currencyCode } }"
CATALOG_SIZE_QUERY = "query CatalogSize { productVariantsCount { count precision } }"


@dataclass(frozen=True)
class PageShape:
    """How many variants (`first`) and levels per item (`levels`) one page asks for."""

    first: int
    levels: int

    @property
    def requested_cost(self) -> int:
        return 2 + self.first * (5 + 3 * self.levels)

    def halved(self) -> PageShape:
        return PageShape(first=max(1, self.first // 2), levels=self.levels)


def page_shape(location_count: int, max_cost: int = MAX_QUERY_COST) -> PageShape:
    """The largest page whose requested cost fits `max_cost` (see the module docstring)."""
    levels = min(max(1, location_count), MAX_LEVELS_PER_REQUEST)
    first = (max_cost - 2) // (5 + 3 * levels)
    return PageShape(first=max(1, min(MAX_PAGE, first)), levels=levels)


async def fetch_shop_currency(gql: AdminGraphQL) -> str:
    result = await gql.execute(SHOP_CURRENCY_QUERY, expected_cost=1)
    return str(result.data["shop"]["currencyCode"])


async def fetch_catalog_size(gql: AdminGraphQL) -> int:
    result = await gql.execute(CATALOG_SIZE_QUERY, expected_cost=1)
    return int(result.data["productVariantsCount"]["count"])


async def fetch_locations(gql: AdminGraphQL) -> list[PosLocation]:
    locations: list[PosLocation] = []
    cursor: str | None = None
    while True:
        result = await gql.execute(LOCATIONS_QUERY, {"after": cursor})
        connection = result.data["locations"]
        locations.extend(location_from_node(node) for node in connection["nodes"])
        cursor = _next_cursor(connection)
        if cursor is None:
            return locations


async def fetch_catalog_page(
    gql: AdminGraphQL, *, shape: PageShape, cursor: str | None, currency: str
) -> CatalogPage:
    """One page of variants with their stock, every level included."""
    variables = {"first": shape.first, "levels": shape.levels, "after": cursor}
    result = await gql.execute(CATALOG_PAGE_QUERY, variables, expected_cost=shape.requested_cost)
    connection = result.data["productVariants"]
    rows = []
    for node in connection["nodes"]:
        level_nodes = await _all_levels(gql, node.get("inventoryItem"))
        rows.append(offer_from_variant(node, level_nodes, currency))
    return CatalogPage(rows=tuple(rows), next_cursor=_next_cursor(connection), cost=result.cost)


async def _all_levels(gql: AdminGraphQL, item: Mapping[str, Any] | None) -> list[dict]:
    if not item:
        return []
    levels = item.get("inventoryLevels") or {}
    nodes = list(levels.get("nodes") or [])
    cursor = _next_cursor(levels)
    while cursor is not None:  # an item stocked at more locations than the page asked for
        result = await gql.execute(MORE_LEVELS_QUERY, {"id": item["id"], "after": cursor})
        more = result.data["inventoryItem"]["inventoryLevels"]
        nodes.extend(more["nodes"])
        cursor = _next_cursor(more)
    return nodes


def _next_cursor(connection: Mapping[str, Any]) -> str | None:
    info = connection.get("pageInfo") or {}
    return info.get("endCursor") if info.get("hasNextPage") else None


def offer_from_variant(
    node: Mapping[str, Any], level_nodes: list[Mapping[str, Any]], currency: str
) -> PosOffer:
    """A catalog row from a ProductVariant node (page query and bulk export share the shape)."""
    product = node.get("product") or {}
    item = node.get("inventoryItem") or {}
    times = [
        t
        for t in (parse_timestamp(node.get("updatedAt")), parse_timestamp(product.get("updatedAt")))
        if t
    ]
    return PosOffer(
        external_product_id=str(product.get("id")),
        external_variant_id=str(node["id"]),
        inventory_item_id=item.get("id"),
        title=str(product.get("title") or ""),
        variant_title=node.get("title"),
        vendor=product.get("vendor") or None,
        sku=node.get("sku") or None,
        barcode=node.get("barcode") or None,
        price_amount=to_minor_units(str(node["price"]), currency),
        currency=currency,
        tracked=item.get("tracked") if item else None,
        is_active=is_active_status(product.get("status")),
        # A row changes when its variant or its product does: keep the later of the two.
        updated_at=max(times) if times else None,
        levels=tuple(level_from_node(level) for level in level_nodes),
    )


def level_from_node(node: Mapping[str, Any]) -> StockLevel:
    available = next(
        (q.get("quantity") for q in node.get("quantities") or [] if q.get("name") == "available"),
        None,
    )
    return StockLevel(
        location_id=str((node.get("location") or {}).get("id")),
        available=available,
        updated_at=parse_timestamp(node.get("updatedAt")),
    )


def location_from_node(node: Mapping[str, Any]) -> PosLocation:
    address = node.get("address") or {}
    return PosLocation(
        external_id=str(node["id"]),
        name=str(node.get("name") or ""),
        is_active=bool(node.get("isActive", True)),
        line1=address.get("address1") or None,
        line2=address.get("address2") or None,
        city=address.get("city") or None,
        region=address.get("provinceCode") or address.get("province") or None,
        postal_code=address.get("zip") or None,
        country=address.get("countryCode") or None,
        phone=address.get("phone") or None,
        latitude=address.get("latitude"),
        longitude=address.get("longitude"),
    )
