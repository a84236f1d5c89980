"""Every table, imported here so `SQLModel.metadata` is complete for Alembic and the app."""

from closient_app.models.accounts import (
    ApiKey,
    Membership,
    Organization,
    RateLimitCounter,
    Role,
    User,
    WebSession,
)
from closient_app.models.agents import PosDeviceGrant, PosDeviceGrantStatus
from closient_app.models.integrations import (
    ForwardDelivery,
    ForwardStatus,
    InstallLink,
    InventorySource,
    PosOAuthState,
    ReceiptStatus,
    SourceStatus,
    WebhookEndpoint,
    WebhookReceipt,
)
from closient_app.models.inventory import InStoreOffer, OfferSource, Product, StockStatus
from closient_app.models.jobs import JobKind, JobStatus, ScheduledTask, SyncJob
from closient_app.models.locations import GeocodeSource, Location, LocationStatus
from closient_app.models.oauth import DeviceGrant, DeviceGrantStatus, OAuthClient, OAuthToken
from closient_app.models.onboarding import OnboardingProgress
from closient_app.models.requests import PosInterestRequest, RequestedPos, SupportRequest
from closient_app.models.search import SearchSession

__all__ = [
    "ApiKey",
    "DeviceGrant",
    "DeviceGrantStatus",
    "ForwardDelivery",
    "ForwardStatus",
    "GeocodeSource",
    "InStoreOffer",
    "InstallLink",
    "InventorySource",
    "JobKind",
    "JobStatus",
    "Location",
    "LocationStatus",
    "Membership",
    "OAuthClient",
    "OAuthToken",
    "OfferSource",
    "OnboardingProgress",
    "Organization",
    "PosInterestRequest",
    "PosDeviceGrant",
    "PosDeviceGrantStatus",
    "PosOAuthState",
    "Product",
    "RateLimitCounter",
    "ReceiptStatus",
    "RequestedPos",
    "Role",
    "ScheduledTask",
    "SearchSession",
    "SourceStatus",
    "StockStatus",
    "SupportRequest",
    "SyncJob",
    "User",
    "WebSession",
    "WebhookEndpoint",
    "WebhookReceipt",
]
