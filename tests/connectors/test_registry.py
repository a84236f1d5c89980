"""Providers and their status; the live connector follows the configuration."""

from __future__ import annotations

import pytest

from closient_app.config import Settings
from closient_app.connectors.registry import (
    PROVIDERS,
    ProviderNotLive,
    ProviderStatus,
    UnknownProvider,
    build_connector,
    get_provider,
)
from closient_app.connectors.shopify import ShopifyConnector


def test_shopify_is_live_and_the_others_are_planned():
    assert [(p.key, p.display_name, p.status) for p in PROVIDERS] == [
        ("shopify", "Shopify", ProviderStatus.LIVE),
        ("square", "Square", ProviderStatus.PLANNED),
        ("clover", "Clover", ProviderStatus.PLANNED),
        ("lightspeed", "Lightspeed Retail (X-Series)", ProviderStatus.PLANNED),
    ]


@pytest.mark.parametrize("key", ["square", "clover", "lightspeed"])
def test_planned_providers_have_no_connector(key):
    with pytest.raises(ProviderNotLive):
        build_connector(key, Settings())


def test_unknown_provider():
    with pytest.raises(UnknownProvider):
        get_provider("vend")


def test_without_shopify_credentials_the_sandbox_plays_shopify():
    settings = Settings(shopify_client_id="", shopify_client_secret="",
                        shopify_sandbox_client_secret="sandbox-secret",
                        public_base_url="http://127.0.0.1:3000")
    connector = build_connector("shopify", settings)
    assert isinstance(connector, ShopifyConnector)
    assert connector.shop_base_url("acme") == (
        "http://127.0.0.1:3000/sandbox/shopify/acme.myshopify.com")


def test_with_credentials_real_shopify_is_used():
    settings = Settings(shopify_client_id="id", shopify_client_secret="secret",
                        shopify_previous_client_secret="old")
    connector = build_connector("shopify", settings)
    assert connector.shop_base_url("acme") == "https://acme.myshopify.com"
    assert connector.client_id == "id"
