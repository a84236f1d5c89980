"""GTIN barcodes (UPC-A, EAN-13) with GS1 check digits, and the broken ones real stores have."""

from __future__ import annotations

import random

MISSING_SHARE = 0.05
BAD_CHECK_DIGIT_SHARE = 0.03
UPC_A_SHARE = 0.55  # of the barcodes that are present; the rest are EAN-13

# GS1 prefixes of EAN-13 codes from outside North America (Germany, France, UK, Italy, Japan).
EAN_PREFIXES = ("400", "301", "500", "800", "450")


def gtin_check_digit(body: str) -> int:
    """GS1 check digit: weights 3,1,3,... from the rightmost digit of the body."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    return gtin_check_digit(code[:-1]) == int(code[-1])


def make_barcode(rng: random.Random, serial: int, company: int) -> str | None:
    """A barcode for the `serial`-th variant: mostly valid, ~5% missing, ~3% bad check digit."""
    roll = rng.random()
    if roll < MISSING_SHARE:
        return None
    if rng.random() < UPC_A_SHARE:
        # UPC-A: number system 0, 5-digit company prefix, 5-digit item reference.
        body = f"0{company % 100_000:05d}{serial % 100_000:05d}"
    else:
        prefix = EAN_PREFIXES[company % len(EAN_PREFIXES)]
        body = f"{prefix}{company % 1000:03d}{serial % 1_000_000:06d}"
    check = gtin_check_digit(body)
    if roll < MISSING_SHARE + BAD_CHECK_DIGIT_SHARE:
        check = (check + rng.randint(1, 9)) % 10  # a typo the POS never caught
    return f"{body}{check}"
