"""Each topic's documented payload becomes our event; unknown topics parse to None."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from closient_app.connectors.interface import (
    AppUninstalled,
    InventoryItemChanged,
    InventoryLevelChanged,
    InventoryLevelDisconnected,
    LocationChanged,
    LocationDeleted,
    PosLocation,
    PosOffer,
    PrivacyRequest,
    PrivacyRequestKind,
    ProductChanged,
    ProductDeleted,
)
from closient_app.connectors.shopify.webhooks import MalformedWebhook, parse_delivery

from .fakes import fixture_bytes

JAN_1 = datetime(2022, 1, 1, 0, 0, tzinfo=UTC)  # 2021-12-31T19:00:00-05:00
SHOP = "super-toys.myshopify.com"


def headers(topic: str, *, prefixed: bool = True) -> dict[str, str]:
    prefix = "X-Shopify-" if prefixed else "shopify-"
    return {
        f"{prefix}Topic": topic,
        f"{prefix}Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        f"{prefix}Shop-Domain": SHOP,
        f"{prefix}API-Version": "2026-07",
        f"{prefix}Triggered-At": "2022-01-01T00:00:01.123456789Z",
        f"{prefix}Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
    }


def parse(topic: str, fixture: str, **kwargs):
    return parse_delivery(headers(topic), fixture_bytes(fixture), **kwargs)


def test_envelope_comes_from_headers_in_either_spelling():
    for prefixed in (True, False):
        delivery = parse_delivery(
            headers("products/delete", prefixed=prefixed), fixture_bytes("products_delete.json")
        )
        assert delivery.topic == "products/delete"
        assert delivery.webhook_id == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
        assert delivery.shop == SHOP
        assert delivery.triggered_at == datetime(2022, 1, 1, 0, 0, 1, 123456, tzinfo=UTC)


def test_inventory_level_update():
    assert parse("inventory_levels/update", "inventory_levels_update.json").event == (
        InventoryLevelChanged(
            inventory_item_id="gid://shopify/InventoryItem/271878346596884015",
            location_id="gid://shopify/Location/24826418",
            available=6,
            updated_at=JAN_1,
        )
    )


def test_inventory_level_connect_is_a_level_change():
    assert parse("inventory_levels/connect", "inventory_levels_connect.json").event == (
        InventoryLevelChanged(
            inventory_item_id="gid://shopify/InventoryItem/271878346596884015",
            location_id="gid://shopify/Location/24826418",
            available=0,
            updated_at=JAN_1,
        )
    )


def test_inventory_level_disconnect():
    assert parse("inventory_levels/disconnect", "inventory_levels_disconnect.json").event == (
        InventoryLevelDisconnected(
            inventory_item_id="gid://shopify/InventoryItem/271878346596884015",
            location_id="gid://shopify/Location/24826418",
            updated_at=None,
        )
    )


def test_inventory_item_update():
    assert parse("inventory_items/update", "inventory_items_update.json").event == (
        InventoryItemChanged(
            inventory_item_id="gid://shopify/InventoryItem/271878346596884015",
            sku="example-sku",
            tracked=True,
            updated_at=JAN_1,
        )
    )


def test_product_update_carries_every_variant_with_minor_unit_prices():
    event = parse("products/update", "products_update.json", currency="CAD").event
    product_id = "gid://shopify/Product/788032119674292922"
    common = dict(external_product_id=product_id, title="Example T-Shirt", vendor="Acme",
                  currency="CAD", tracked=None, is_active=True, levels=())
    assert event == ProductChanged(
        product_id=product_id,
        title="Example T-Shirt",
        vendor="Acme",
        is_active=True,
        updated_at=JAN_1,
        variants=(
            PosOffer(
                external_variant_id="gid://shopify/ProductVariant/642667041472713922",
                inventory_item_id="gid://shopify/InventoryItem/271878346596884015",
                variant_title="Small", sku="TS-S", barcode="0012345678905", price_amount=1999,
                updated_at=datetime(2022, 1, 1, 14, 30, tzinfo=UTC),  # the variant is newer
                **common,
            ),
            PosOffer(
                external_variant_id="gid://shopify/ProductVariant/757650484644203962",
                inventory_item_id="gid://shopify/InventoryItem/326545357524779113",
                variant_title="Medium", sku=None, barcode=None, price_amount=2000,
                updated_at=JAN_1,  # the product is newer than this variant
                **common,
            ),
        ),
    )


def test_products_create_parses_like_update():
    created = parse("products/create", "products_update.json", currency="CAD").event
    updated = parse("products/update", "products_update.json", currency="CAD").event
    assert created == updated


def test_product_event_without_currency_is_a_caller_error():
    with pytest.raises(ValueError, match="currency"):
        parse("products/update", "products_update.json")


def test_product_delete():
    assert parse("products/delete", "products_delete.json").event == ProductDeleted(
        product_id="gid://shopify/Product/788032119674292922"
    )


@pytest.mark.parametrize("topic", ["locations/create", "locations/update"])
def test_location_create_and_update(topic):
    assert parse(topic, "locations_update.json").event == LocationChanged(
        PosLocation(
            external_id="gid://shopify/Location/655441491",
            name="50 Rideau Street",
            is_active=True,
            line1="50 Rideau Street",
            line2="Unit 7",
            city="Ottawa",
            region="ON",
            postal_code="K1N 9J7",
            country="CA",
            phone="+1 613-555-0100",
            latitude=None,
            longitude=None,
            updated_at=datetime(2022, 1, 2, 13, 15, tzinfo=UTC),
        )
    )


def test_location_delete():
    assert parse("locations/delete", "locations_delete.json").event == LocationDeleted(
        "gid://shopify/Location/655441491"
    )


def test_app_uninstalled_names_the_shop():
    assert parse("app/uninstalled", "app_uninstalled.json").event == AppUninstalled(
        shop="super-toys.myshopify.com"
    )


@pytest.mark.parametrize(
    ("topic", "fixture", "kind"),
    [
        ("customers/data_request", "customers_data_request.json",
         PrivacyRequestKind.CUSTOMER_DATA_REQUEST),
        ("customers/redact", "customers_redact.json", PrivacyRequestKind.CUSTOMER_REDACT),
        ("shop/redact", "shop_redact.json", PrivacyRequestKind.SHOP_REDACT),
    ],
)
def test_privacy_topics(topic, fixture, kind):
    event = parse(topic, fixture).event
    assert isinstance(event, PrivacyRequest)
    assert (event.kind, event.shop, event.payload["shop_id"]) == (kind, SHOP, 954889)


def test_unknown_topic_parses_to_none():
    delivery = parse_delivery(headers("orders/create"), b'{"id": 1}')
    assert (delivery.topic, delivery.event) == ("orders/create", None)


def test_delivery_without_webhook_id_is_malformed():
    partial = {k: v for k, v in headers("products/delete").items() if "Webhook-Id" not in k}
    with pytest.raises(MalformedWebhook):
        parse_delivery(partial, fixture_bytes("products_delete.json"))


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"location_id": 1}'])
def test_body_not_in_the_documented_shape_is_malformed(body):
    with pytest.raises(MalformedWebhook):
        parse_delivery(headers("inventory_levels/update"), body)
