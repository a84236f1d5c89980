"""Decimal price strings from a POS to integer minor units, exactly (never through float)."""

from __future__ import annotations

import re
from decimal import Decimal

# ISO 4217 currencies whose minor unit is not 1/100. Everything else has two decimals.
_MINOR_UNIT_DIGITS = {
    **dict.fromkeys(
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0
    ),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    **dict.fromkeys("CLF UYW".split(), 4),
}
_DECIMAL_PRICE = re.compile(r"\d{1,15}(\.\d{1,10})?")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def minor_unit_digits(currency: str) -> int:
    """How many decimals the currency's minor unit has (JPY 0, USD 2, KWD 3)."""
    if not _CURRENCY_CODE.fullmatch(currency):
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    return _MINOR_UNIT_DIGITS.get(currency, 2)


def to_minor_units(amount: str, currency: str) -> int:
    """ "12.99" USD -> 1299, "1200.0" JPY -> 1200. Refuses values that would need rounding."""
    text = amount.strip() if isinstance(amount, str) else amount
    if not isinstance(text, str) or not _DECIMAL_PRICE.fullmatch(text):
        raise ValueError(f"not a decimal price: {amount!r}")
    scaled = Decimal(text).scaleb(minor_unit_digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)
