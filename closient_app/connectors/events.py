"""POS webhook deliveries as our own events: what changed, in vendor-neutral terms.

Ids are the same opaque external ids the catalog uses, so an event finds the row it changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from closient_app.connectors.records import PosLocation, PosOffer


@dataclass(frozen=True, slots=True)
class InventoryLevelChanged:
    inventory_item_id: str
    location_id: str
    available: int | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class InventoryLevelDisconnected:
    inventory_item_id: str
    location_id: str
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InventoryItemChanged:
    inventory_item_id: str
    sku: str | None
    tracked: bool | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class ProductChanged:
    """A product and the complete list of its current variants (absent ones were removed)."""

    product_id: str
    title: str
    vendor: str | None
    is_active: bool
    updated_at: datetime | None
    variants: tuple[PosOffer, ...]


@dataclass(frozen=True, slots=True)
class ProductDeleted:
    product_id: str


@dataclass(frozen=True, slots=True)
class LocationChanged:
    location: PosLocation


@dataclass(frozen=True, slots=True)
class LocationDeleted:
    location_id: str


@dataclass(frozen=True, slots=True)
class AppUninstalled:
    shop: str


class PrivacyRequestKind(StrEnum):
    CUSTOMER_DATA_REQUEST = "customer_data_request"
    CUSTOMER_REDACT = "customer_redact"
    SHOP_REDACT = "shop_redact"


@dataclass(frozen=True, slots=True)
class PrivacyRequest:
    kind: PrivacyRequestKind
    shop: str
    payload: Mapping[str, object]


PosEvent = (
    InventoryLevelChanged
    | InventoryLevelDisconnected
    | InventoryItemChanged
    | ProductChanged
    | ProductDeleted
    | LocationChanged
    | LocationDeleted
    | AppUninstalled
    | PrivacyRequest
)


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One verified delivery: `webhook_id` is the dedupe key, `event` None for unknown topics."""

    topic: str
    webhook_id: str
    shop: str
    triggered_at: datetime | None
    event: PosEvent | None
