"""Which POS providers exist, which are live, and the connector for a live one.

Step 1 of the wizard lists every provider; choosing a planned one becomes a support request.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from closient_app.config import Settings, get_settings
from closient_app.connectors.interface import PosConnector

SANDBOX_SHOP_PATH = "/sandbox/shopify/{shop}"


class ProviderStatus(StrEnum):
    LIVE = "live"
    PLANNED = "planned"


@dataclass(frozen=True, slots=True)
class PosProvider:
    key: str
    display_name: str
    status: ProviderStatus

    @property
    def is_live(self) -> bool:
        return self.status is ProviderStatus.LIVE


PROVIDERS: tuple[PosProvider, ...] = (
    PosProvider("shopify", "Shopify", ProviderStatus.LIVE),
    PosProvider("square", "Square", ProviderStatus.PLANNED),
    PosProvider("clover", "Clover", ProviderStatus.PLANNED),
    PosProvider("lightspeed", "Lightspeed Retail (X-Series)", ProviderStatus.PLANNED),
)
_BY_KEY = {provider.key: provider for provider in PROVIDERS}


class UnknownProvider(LookupError):
    pass


class ProviderNotLive(LookupError):
    """The provider is planned: route the merchant to a support request instead."""


def get_provider(key: str) -> PosProvider:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise UnknownProvider(f"unknown POS provider: {key!r}") from None


def build_connector(key: str, settings: Settings) -> PosConnector:
    """A new connector for a live provider, configured from `settings`."""
    provider = get_provider(key)
    if not provider.is_live:
        raise ProviderNotLive(f"{provider.display_name} is not connected yet")
    # Imported here so listing providers does not load every vendor's code.
    from closient_app.connectors.shopify import ShopifyConnector
    from closient_app.connectors.shopify.consts import REAL_SHOP_BASE_URL

    if settings.uses_shopify_sandbox:
        return ShopifyConnector(
            client_id=settings.shopify_sandbox_client_id,
            client_secrets=[settings.shopify_sandbox_client_secret],
            shop_base_url_template=settings.base_url + SANDBOX_SHOP_PATH,
            api_version=settings.shopify_api_version,
        )
    return ShopifyConnector(
        client_id=settings.shopify_client_id,
        client_secrets=[settings.shopify_client_secret, settings.shopify_previous_client_secret],
        shop_base_url_template=REAL_SHOP_BASE_URL,
        api_version=settings.shopify_api_version,
    )


_live: dict[str, PosConnector] = {}


def live_connector(key: str) -> PosConnector:
    """The process-wide connector for a live provider (it keeps per-shop rate-limit state)."""
    if key not in _live:
        _live[key] = build_connector(key, get_settings())
    return _live[key]


def forget_live_connectors() -> None:
    """Drop the cached connectors (after the settings changed, e.g. in tests)."""
    _live.clear()
