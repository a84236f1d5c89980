"""Prices to integer minor units, exactly."""

from __future__ import annotations

import pytest

from closient_app.connectors.money import minor_unit_digits, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12.99", "USD", 1299),
        ("0.10", "EUR", 10),
        ("0.1", "EUR", 10),
        ("20", "CAD", 2000),
        ("1200.0", "JPY", 1200),
        ("1200", "JPY", 1200),
        ("1.234", "KWD", 1234),
        ("0.00", "USD", 0),
        ("4.35", "USD", 435),  # 4.35 * 100 is 434.99999999999994 in float
        ("999999999999.99", "USD", 99999999999999),
    ],
)
def test_decimal_strings_become_minor_units(amount, currency, minor):
    assert to_minor_units(amount, currency) == minor


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("12.999", "USD"), ("1200.5", "JPY"), ("-1.00", "USD"), ("1e3", "USD"), ("", "USD"),
     ("abc", "USD"), ("NaN", "USD"), ("12.99", "usd"), ("12.99", "US"), (12.99, "USD")],
)
def test_refuses_what_would_need_rounding_or_is_not_a_price(amount, currency):
    with pytest.raises(ValueError):
        to_minor_units(amount, currency)


def test_minor_unit_digits():
    assert [minor_unit_digits(c) for c in ("USD", "JPY", "BHD", "CLF")] == [2, 0, 3, 4]
