import pytest

from closient_app.gtin import InvalidGtin, check_digit, is_valid_gtin, normalize_gtin


@pytest.mark.parametrize(
    ("raw", "gtin14"),
    [
        ("96385074", "00000096385074"),  # GTIN-8
        ("012345678905", "00012345678905"),  # UPC-A
        ("4006381333931", "04006381333931"),  # EAN-13
        ("10012345678902", "10012345678902"),  # GTIN-14 with a packaging indicator
        (" 0-12345-67890-5 ", "00012345678905"),  # printed with dashes and spaces
    ],
)
def test_valid_gtins_normalise_to_14_digits(raw, gtin14) -> None:
    assert normalize_gtin(raw) == gtin14
    assert normalize_gtin(gtin14) == gtin14


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("012345678901", "check digit"),
        ("4006381333932", "check digit"),
        ("1234567", "8, 12, 13 or 14"),
        ("123456789012345", "8, 12, 13 or 14"),
        ("01234567890A", "digits only"),
        ("０１２３４５６７８９０５", "digits only"),  # full-width digits are not barcode digits
        ("", "8, 12, 13 or 14"),
    ],
)
def test_invalid_gtins_say_why(raw, reason) -> None:
    with pytest.raises(InvalidGtin, match=reason):
        normalize_gtin(raw)
    assert not is_valid_gtin(raw)


def test_check_digit_matches_the_gs1_example() -> None:
    # GS1's worked example: 629104150021 -> check digit 3
    assert check_digit("629104150021") == 3
