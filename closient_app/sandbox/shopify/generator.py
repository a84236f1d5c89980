"""Deterministic catalog generation: the same shop name, size and seed give the same catalog.

Speed matters (50,000 variants x 10 locations in well under 2 s), so quantities are drawn in
batches from a precomputed table and timestamps are formatted once per product.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

from .barcodes import make_barcode
from .catalog import Catalog, Location, Product, ShopSize, Variant
from .catalog_words import ADJECTIVES, CATEGORIES, MATERIALS, STORE_ADDRESSES, VENDORS, Category
from .ids import shop_handle, stable_seed

CATALOG_EPOCH = 1_767_571_200  # 2026-01-05T00:00:00Z: generated timestamps fall after it
PRODUCT_ID_BASE = 8_000_000_000_000
VARIANT_ID_BASE = 44_000_000_000_000
ITEM_ID_BASE = 46_000_000_000_000
LOCATION_ID_BASE = 60_000_000_000
SHOP_ID_BASE = 70_000_000_000

# 200 equally likely quantities: 12% zero, 1% oversold (negative), the rest skewed low.
QUANTITY_TABLE: tuple[int, ...] = tuple(
    [0] * 24
    + [-1, -2]
    + [1, 2, 3, 4, 5] * 10
    + list(range(6, 21)) * 4
    + list(range(21, 61))
    + list(range(61, 201, 6))
)[:200]
STATUS_TABLE = ("ACTIVE",) * 90 + ("DRAFT",) * 7 + ("ARCHIVED",) * 3
CENTS = ("99", "99", "95", "00", "50")


def iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shop_display_name(shop: str) -> str:
    return " ".join(part.capitalize() for part in shop_handle(shop).split("-") if part)


def generate_catalog(shop: str, size: ShopSize, random_seed: int = 0) -> Catalog:
    seed = stable_seed("shopify-sandbox", random_seed, shop.lower())
    rng = random.Random(seed)  # noqa: S311 - deterministic test data, not security
    offset = seed % 9000  # keeps ids of different shops apart
    catalog = Catalog(
        shop=shop, name=shop_display_name(shop), shop_id=SHOP_ID_BASE + offset, seed=seed, size=size
    )
    catalog.created_at = iso(CATALOG_EPOCH - 86_400 * rng.randint(30, 900))
    catalog.next_product_id = PRODUCT_ID_BASE + offset * 10_000_000
    catalog.next_variant_id = VARIANT_ID_BASE + offset * 10_000_000
    catalog.next_item_id = ITEM_ID_BASE + offset * 10_000_000
    for location in generate_locations(rng, LOCATION_ID_BASE + offset * 1000, size.locations):
        catalog.add_location(location)
    handles: set[str] = set()
    remaining = size.variants
    while _wants_more(catalog, size, remaining):
        count = rng.randint(1, max(1, size.max_variants_per_product))
        if remaining is not None:
            count = min(count, remaining)
            remaining -= count
        catalog.add_product(generate_product(rng, catalog, count, handles))
    return catalog


def _wants_more(catalog: Catalog, size: ShopSize, remaining: int | None) -> bool:
    if remaining is not None:
        return remaining > 0
    return len(catalog.products) < (size.products or 0)


def generate_locations(rng: random.Random, first_id: int, count: int) -> list[Location]:
    picks = rng.sample(range(len(STORE_ADDRESSES)), min(count, len(STORE_ADDRESSES)))
    picks += [rng.randrange(len(STORE_ADDRESSES)) for _ in range(count - len(picks))]
    created = iso(CATALOG_EPOCH - 86_400 * rng.randint(60, 700))
    locations = []
    for k, pick in enumerate(picks):
        address = STORE_ADDRESSES[pick]
        reused = k >= len(STORE_ADDRESSES)
        area = {"US": "+1 212", "CA": "+1 416", "MX": "+52 55"}[address.country_code]
        locations.append(
            Location(
                id=first_id + k,
                name=f"{address.name} Store" + (f" {k + 1}" if reused else ""),
                address1=address.address1,
                address2=f"Unit {k + 1}" if reused else None,
                city=address.city,
                zip=address.zip,
                province=address.province,
                province_code=address.province_code,
                country_code=address.country_code,
                country_name=address.country_name,
                phone=f"{area}-555-01{k % 100:02d}",
                latitude=address.latitude,
                longitude=address.longitude,
                created_at=created,
                updated_at=created,
            )
        )
    # Real merchants leave coordinates out: one location sometimes has none.
    if count >= 2 and rng.random() < 0.5:
        blank = locations[rng.randrange(count)]
        blank.latitude = blank.longitude = None
    return locations


def generate_product(
    rng: random.Random, catalog: Catalog, variant_count: int, handles: set[str]
) -> Product:
    category = rng.choice(CATEGORIES)
    noun = rng.choice(category.nouns)
    title = f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {noun}"
    vendor = rng.choice(VENDORS)
    created = CATALOG_EPOCH + rng.randrange(0, 250 * 86_400)
    updated = iso(created + rng.randrange(0, 40 * 86_400))
    serial = catalog.next_product_id % 10_000_000
    product = Product(
        id=catalog.next_product_id,
        title=title,
        handle=_unique_handle(title, handles),
        vendor=vendor,
        product_type=category.product_type,
        status=rng.choice(STATUS_TABLE),
        created_at=iso(created),
        updated_at=updated,
    )
    catalog.next_product_id += 1
    vendor_code = "".join(word[0] for word in re.findall(r"[A-Za-z]+", vendor))[:3].upper()
    company = VENDORS.index(vendor) * 7919 + 10_007
    base = rng.randint(*category.price_range)
    step = rng.choice((0, 0, 2, 5))
    cents = rng.choice(CENTS)
    locations = len(catalog.locations)
    for position, option in enumerate(_option_values(category, variant_count), start=1):
        variant_serial = catalog.next_variant_id % 10_000_000
        sku = f"{vendor_code}-{serial:05d}"
        if variant_count > 1:
            sku += "-" + re.sub(r"[^A-Z0-9]", "", option.upper())[:6]
        product.variants.append(
            Variant(
                id=catalog.next_variant_id,
                product=product,
                title=option if variant_count > 1 else "Default Title",
                position=position,
                sku="" if rng.random() < 0.015 else sku,
                barcode=make_barcode(rng, variant_serial, company),
                price=f"{base + step * (position - 1)}.{cents}",
                inventory_item_id=catalog.next_item_id,
                tracked=rng.random() >= 0.05,
                updated_at=updated,
                available=rng.choices(QUANTITY_TABLE, k=locations),
            )
        )
        catalog.next_variant_id += 1
        catalog.next_item_id += 1
    return product


def _option_values(category: Category, count: int) -> list[str]:
    values = list(category.options[:count])
    values += [f"Style {k}" for k in range(len(values) + 1, count + 1)]
    return values


def _unique_handle(title: str, handles: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    handle, n = base, 1
    while handle in handles:
        n += 1
        handle = f"{base}-{n}"
    handles.add(handle)
    return handle
