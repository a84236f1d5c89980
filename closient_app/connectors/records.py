"""What we keep from a POS, in our own vocabulary (every connector returns these).

Nothing vendor-specific belongs here: external ids are opaque strings (Shopify GIDs, Square
object ids, ...), money is integer minor units plus an ISO 4217 code, times are aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class TokenSet:
    """Credentials for one merchant. `expires_at` None means the access token does not expire."""

    access_token: str = field(repr=False)
    scope: tuple[str, ...]
    expires_at: datetime | None
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_at: datetime | None = None

    def needs_refresh(self, now: datetime, margin: timedelta = timedelta(minutes=5)) -> bool:
        """True when the access token expires within `margin` (refresh before, not after)."""
        return self.expires_at is not None and self.expires_at - margin <= now


@dataclass(frozen=True, slots=True)
class PosLocation:
    """A store or warehouse as the POS describes it; coordinates are approximate or absent."""

    external_id: str
    name: str
    is_active: bool
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None  # subdivision code when the POS has one ("ON"), else its name
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    phone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    updated_at: datetime | None = None


class StockLevel(NamedTuple):
    """How many units of one item one location can sell now (None: the POS keeps no count)."""

    location_id: str
    available: int | None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PosOffer:
    """One sellable variant with its price and per-location stock: a catalog row.

    `tracked` None and empty `levels` mean "not in this message" (a product webhook carries
    neither), not "untracked" or "nowhere in stock". `barcode` is raw: GTIN checks are not ours.
    """

    external_product_id: str
    external_variant_id: str
    inventory_item_id: str | None
    title: str
    variant_title: str | None
    vendor: str | None
    sku: str | None
    barcode: str | None
    price_amount: int
    currency: str
    tracked: bool | None
    is_active: bool
    updated_at: datetime | None
    levels: tuple[StockLevel, ...] = ()


@dataclass(frozen=True, slots=True)
class RequestCost:
    """What one request cost against the POS rate limit, in the POS's own points."""

    requested: float | None
    actual: float | None
    available: float | None
    maximum: float | None
    restore_rate: float | None


@dataclass(frozen=True, slots=True)
class CatalogPage:
    """One page of catalog rows; pass `next_cursor` back to resume (None: this was the last)."""

    rows: tuple[PosOffer, ...]
    next_cursor: str | None
    cost: RequestCost | None = None


class WebhookSubscription(NamedTuple):
    topic: str
    subscription_id: str
