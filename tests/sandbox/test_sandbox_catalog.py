"""Deterministic catalog generation: barcodes, prices, locations, sizes."""

from __future__ import annotations

import re

from closient_app.sandbox.shopify.barcodes import gtin_check_digit, is_valid_gtin
from closient_app.sandbox.shopify.catalog import Catalog, ShopSize
from closient_app.sandbox.shopify.catalog_words import STORE_ADDRESSES
from closient_app.sandbox.shopify.generator import generate_catalog
from closient_app.sandbox.shopify.ids import stable_seed


def snapshot(catalog: Catalog) -> list[tuple]:
    return [
        (v.id, v.product.title, v.sku, v.barcode, v.price, v.tracked, tuple(v.available))
        for v in catalog.variants
    ]


def test_gs1_check_digits_of_known_codes():
    assert gtin_check_digit("03600029145") == 2  # UPC-A 036000291452
    assert gtin_check_digit("400638133393") == 1  # EAN-13 4006381333931
    assert is_valid_gtin("036000291452") and is_valid_gtin("4006381333931")
    assert not is_valid_gtin("036000291453")
    assert not is_valid_gtin("12345")


def test_stable_seed_does_not_depend_on_the_process():
    # A fixed number: Python's hash() is salted per process and would change it.
    assert stable_seed("shopify-sandbox", 0, "acme.myshopify.com") == stable_seed(
        "shopify-sandbox", 0, "acme.myshopify.com"
    )
    assert stable_seed("a") == 0xCA978112CA1BBDCA


def test_the_same_name_and_size_give_the_same_catalog():
    size = ShopSize(60, None, 3, 4)
    first = generate_catalog("acme.myshopify.com", size)
    assert snapshot(first) == snapshot(generate_catalog("acme.myshopify.com", size))
    assert snapshot(first) != snapshot(generate_catalog("other.myshopify.com", size))
    assert snapshot(first) != snapshot(generate_catalog("acme.myshopify.com", size, 1))


def test_barcodes_are_mostly_valid_gtins_with_realistic_gaps():
    catalog = generate_catalog("barcodes.myshopify.com", ShopSize(None, 20_000, 3, 1))
    barcodes = [v.barcode for v in catalog.variants]
    present = [b for b in barcodes if b is not None]
    invalid = [b for b in present if not is_valid_gtin(b)]
    assert all(re.fullmatch(r"\d{12}|\d{13}", b) for b in present)
    assert 0.04 < (len(barcodes) - len(present)) / len(barcodes) < 0.06  # ~5% missing
    assert 0.02 < len(invalid) / len(barcodes) < 0.04  # ~3% bad check digit
    assert {len(b) for b in present} == {12, 13}  # UPC-A and EAN-13


def test_products_look_like_a_real_store():
    catalog = generate_catalog("store.myshopify.com", ShopSize(1000, None, 3, 3))
    assert len(catalog.products) == 1000
    assert all(re.fullmatch(r"\d+\.\d{2}", v.price) for v in catalog.variants)
    assert {p.status for p in catalog.products} == {"ACTIVE", "DRAFT", "ARCHIVED"}
    assert all(1 <= len(p.variants) <= 3 for p in catalog.products)
    single = [p for p in catalog.products if len(p.variants) == 1]
    assert single and all(p.variants[0].title == "Default Title" for p in single)
    assert 0 < sum(not v.tracked for v in catalog.variants) < len(catalog.variants) * 0.1
    assert len({p.handle for p in catalog.products}) == 1000
    assert all(
        v.sku == "" or re.fullmatch(r"[A-Z]{1,3}-\d{5}(-[A-Z0-9]+)?", v.sku)
        for v in catalog.variants
    )


def test_locations_are_real_addresses_with_at_most_one_missing_coordinate():
    known = {(a.address1, a.city) for a in STORE_ADDRESSES}
    without = 0
    for n in range(60):
        catalog = generate_catalog(f"shop-{n}.myshopify.com", ShopSize(1, None, 1, 1 + n % 5))
        assert len(catalog.locations) == 1 + n % 5
        missing = [loc for loc in catalog.locations if loc.latitude is None]
        assert len(missing) <= 1
        assert len(catalog.locations) > 1 or not missing
        without += bool(missing)
        for loc in catalog.locations:
            assert (loc.address1, loc.city) in known
            if loc.latitude is not None:
                assert 14 < loc.latitude < 60 and -130 < loc.longitude < -60  # North America
    assert 0 < without < 60


def test_more_locations_than_addresses_reuse_them_as_units():
    catalog = generate_catalog("wide.myshopify.com", ShopSize(1, None, 1, 25))
    assert len(catalog.locations) == 25
    assert len({loc.id for loc in catalog.locations}) == 25
    assert sum(loc.address2 is not None for loc in catalog.locations) == 25 - len(STORE_ADDRESSES)


def test_a_total_variant_count_is_met_exactly():
    catalog = generate_catalog("big.myshopify.com", ShopSize(None, 50_000, 3, 10))
    counts = catalog.counts()
    assert counts["variants"] == 50_000
    assert counts["locations"] == 10
    assert counts["inventory_levels"] == 500_000
    assert counts["total_available"] == sum(sum(v.available) for v in catalog.variants)
