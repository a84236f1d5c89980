"""GTINs: check-digit validation and normalisation to GTIN-14.

GTIN-8, UPC-A (12), EAN-13 and GTIN-14 all share one mod-10 check digit computed from the right,
so left-padding with zeros to 14 digits keeps the check digit valid. We store and echo GTIN-14
only, which makes a 12-digit UPC and its 14-digit form the same product.
"""

from __future__ import annotations

GTIN_LENGTHS = frozenset({8, 12, 13, 14})


class InvalidGtin(ValueError):
    """Not a GTIN: wrong length, not digits, or a wrong check digit."""


def check_digit(body: str) -> int:
    """The mod-10 check digit for the digits before it (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalize_gtin(raw: str) -> str:
    """Validate a GTIN-8/12/13/14 and return it as GTIN-14; raise InvalidGtin otherwise."""
    digits = raw.strip().replace(" ", "").replace("-", "")
    if digits and not (digits.isascii() and digits.isdigit()):
        raise InvalidGtin("a GTIN has digits only")
    if len(digits) not in GTIN_LENGTHS:
        raise InvalidGtin("a GTIN has 8, 12, 13 or 14 digits")
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise InvalidGtin("the GTIN's check digit is wrong")
    return digits.zfill(14)


def is_valid_gtin(raw: str) -> bool:
    try:
        normalize_gtin(raw)
    except InvalidGtin:
        return False
    return True
