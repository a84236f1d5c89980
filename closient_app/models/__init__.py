"""Every table, imported here so `SQLModel.metadata` is complete for Alembic and the app."""

from closient_app.models.accounts import ApiKey, Membership, Organization, Role, User
from closient_app.models.integrations import (
    ForwardDelivery,
    ForwardStatus,
    InventorySource,
    ReceiptStatus,
    SourceStatus,
    WebhookEndpoint,
    WebhookReceipt,
)
from closient_app.models.inventory import InStoreOffer, OfferSource, Product, StockStatus
from closient_app.models.jobs import JobKind, JobStatus, SyncJob
from closient_app.models.locations import GeocodeSource, Location, LocationStatus
from closient_app.models.search import SearchSession

__all__ = [
    "ApiKey",
    "ForwardDelivery",
    "ForwardStatus",
    "GeocodeSource",
    "InStoreOffer",
    "InventorySource",
    "JobKind",
    "JobStatus",
    "Location",
    "LocationStatus",
    "Membership",
    "OfferSource",
    "Organization",
    "Product",
    "ReceiptStatus",
    "Role",
    "SearchSession",
    "SourceStatus",
    "StockStatus",
    "SyncJob",
    "User",
    "WebhookEndpoint",
    "WebhookReceipt",
]
