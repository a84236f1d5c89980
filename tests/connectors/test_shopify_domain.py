"""Which shop values become a URL, and which are refused (SSRF guard)."""

from __future__ import annotations

import pytest

from closient_app.connectors.interface import InvalidShop
from closient_app.connectors.shopify.domain import is_shop_domain, normalize_shop_domain


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("acme", "acme.myshopify.com"),
        ("acme.myshopify.com", "acme.myshopify.com"),
        ("https://acme.myshopify.com/", "acme.myshopify.com"),
        ("https://acme.myshopify.com", "acme.myshopify.com"),
        ("ACME-Store.MyShopify.com", "acme-store.myshopify.com"),
        ("  acme-2.myshopify.com  ", "acme-2.myshopify.com"),
        ("some-shop", "some-shop.myshopify.com"),
    ],
)
def test_accepted_shops_are_normalised(raw, normalised):
    assert normalize_shop_domain(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("evil.com", "myshopify.com address"),
        ("shop.myshopify.com.evil.com", "myshopify.com address"),
        ("shop.myshopify.com@evil.com", "'@'"),
        ("http://shop.myshopify.com", "https://"),
        ("shop.myshopify.com:444", "port"),
        ("https://shop.myshopify.com:444/", "port"),
        ("https://user:pw@shop.myshopify.com", "'@'"),
        ("shop.myshopify.com/admin", "path"),
        ("shop.myshopify.com?x=1", "path"),
        ("shop.myshopify.com#frag", "path"),
        ("shop.myshopify.com\\evil.com", "path"),
        ("ftp://shop.myshopify.com", "port or scheme"),
        ("//shop.myshopify.com", "path"),
        ("", "Enter your shop's address"),
        ("   ", "Enter your shop's address"),
        ("a" * 300, "too long"),
        ("a" * 64, "myshopify.com address"),
        ("shоp.myshopify.com", "plain letters"),  # Cyrillic о
        ("shop．myshopify．com", "plain letters"),  # fullwidth dots
        ("shop.myshopify.com\u200b", "plain letters"),  # zero-width space
        ("-shop.myshopify.com", "not a valid myshopify.com shop name"),
        ("sub.shop.myshopify.com", "not a valid myshopify.com shop name"),
        (".myshopify.com", "not a valid myshopify.com shop name"),
        ("shop.myshopify.com.", "myshopify.com address"),
        ("shop_1.myshopify.com", "not a valid myshopify.com shop name"),
        ("my shop", "myshopify.com address"),
    ],
)
def test_refused_shops_say_why(raw, reason):
    with pytest.raises(InvalidShop) as refused:
        normalize_shop_domain(raw)
    assert reason in refused.value.reason


def test_non_string_is_refused():
    with pytest.raises(InvalidShop):
        normalize_shop_domain(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("acme.myshopify.com", True), ("acme", False), ("ACME.myshopify.com", False),
     ("https://acme.myshopify.com", False), ("evil.com", False)],
)
def test_is_shop_domain_requires_the_exact_normalised_form(value, expected):
    assert is_shop_domain(value) is expected
