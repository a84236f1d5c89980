"""What every POS connector provides: the contract, and the one place to import its types from.

Shopify is the first implementation; Square, Clover and Lightspeed follow the same shape. The
types live in `records` (catalog, tokens), `events` (webhooks) and `errors`; they are
re-exported here so callers depend on the interface, not on its layout.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Protocol

from closient_app.connectors.errors import (
    InvalidShop,
    PosError,
    PosRequestRejected,
    PosUnavailable,
    ScopeNotGranted,
    TokenRejected,
)
from closient_app.connectors.events import (
    AppUninstalled,
    InventoryItemChanged,
    InventoryLevelChanged,
    InventoryLevelDisconnected,
    LocationChanged,
    LocationDeleted,
    PosEvent,
    PrivacyRequest,
    PrivacyRequestKind,
    ProductChanged,
    ProductDeleted,
    WebhookDelivery,
)
from closient_app.connectors.records import (
    CatalogPage,
    PosLocation,
    PosOffer,
    RequestCost,
    StockLevel,
    TokenSet,
    WebhookSubscription,
)

__all__ = [
    "AppUninstalled",
    "CatalogPage",
    "ExportCheckpoint",
    "InvalidShop",
    "InventoryItemChanged",
    "InventoryLevelChanged",
    "InventoryLevelDisconnected",
    "LocationChanged",
    "LocationDeleted",
    "PosConnector",
    "PosError",
    "PosEvent",
    "PosLocation",
    "PosOffer",
    "PosRequestRejected",
    "PosUnavailable",
    "PrivacyRequest",
    "PrivacyRequestKind",
    "ProductChanged",
    "ProductDeleted",
    "RequestCost",
    "ScopeNotGranted",
    "StockLevel",
    "TokenRejected",
    "TokenSet",
    "WebhookDelivery",
    "WebhookSubscription",
]


class ExportCheckpoint(Protocol):
    """Where a bulk catalog read keeps the id of its export, so a resumed read finds it."""

    @property
    def export_id(self) -> str | None:
        """The export an earlier attempt read, if any."""

    async def use_export(self, export_id: str) -> None:
        """Told the export the rows will come from, before the read waits for it to finish."""


class PosConnector(ABC):
    """One POS provider. `shop` is the merchant's account at the POS: a Shopify shop domain,
    a Lightspeed domain prefix, a Square or Clover merchant id. `token` is an access token."""

    provider: ClassVar[str]

    @abstractmethod
    def authorize_url(self, shop: str, state: str, redirect_uri: str) -> str:
        """Where to send the merchant to approve access (the POS's consent screen)."""

    @abstractmethod
    async def exchange_code(self, shop: str, code: str) -> TokenSet:
        """Trade the authorization code from the callback for tokens; checks granted scopes."""

    @abstractmethod
    async def refresh_token(self, shop: str, refresh_token: str) -> TokenSet:
        """A fresh access token (and usually a new refresh token)."""

    @abstractmethod
    def verify_callback(self, params: Mapping[str, str], now: datetime) -> bool:
        """The OAuth callback's signature, freshness and shop are genuine (not the state)."""

    @abstractmethod
    async def list_locations(self, shop: str, token: str) -> list[PosLocation]:
        """Every location of the merchant."""

    @abstractmethod
    def catalog_pages(
        self, shop: str, token: str, cursor: str | None = None
    ) -> AsyncIterator[CatalogPage]:
        """Walk the catalog page by page, from `cursor` when resuming."""

    @abstractmethod
    async def shop_currency(self, shop: str, token: str) -> str:
        """The merchant's currency (ISO 4217): prices in product webhooks carry none."""

    @abstractmethod
    async def catalog_size(self, shop: str, token: str) -> int:
        """How many variants the catalog has (to choose pages or a bulk export)."""

    @abstractmethod
    def bulk_catalog(
        self, shop: str, token: str, export: ExportCheckpoint | None = None
    ) -> AsyncIterator[PosOffer]:
        """Every catalog row through the POS's bulk export, for large catalogs. With `export`,
        the export an earlier attempt read is read again while the POS still has it (running
        or finished), else a new one starts. One export yields the same rows in the same
        order each time it is read."""

    @abstractmethod
    async def subscribe_webhooks(
        self, shop: str, token: str, receive_url: str
    ) -> list[WebhookSubscription]:
        """Ask the POS to deliver our topics to `receive_url`."""

    @abstractmethod
    async def unsubscribe_webhooks(
        self, shop: str, token: str, subscription_ids: Sequence[str]
    ) -> None:
        """Remove subscriptions; ones already gone are not an error."""

    @abstractmethod
    def verify_webhook(
        self, headers: Mapping[str, str], raw_body: bytes, receive_url: str | None = None
    ) -> bool:
        """The delivery is signed by the POS. Call on the raw bytes before parsing anything.
        `receive_url` is the URL it was sent to (Square signs it together with the body)."""

    @abstractmethod
    def parse_webhook(
        self, headers: Mapping[str, str], raw_body: bytes, *, currency: str | None = None
    ) -> WebhookDelivery:
        """A verified delivery as our event. `currency` is the merchant's (prices in product
        events are converted to minor units with it)."""
