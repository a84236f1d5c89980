"""The public store page in a real browser: store, hours, map, in-stock shelf, not-found."""

from __future__ import annotations

from datetime import timedelta

import pytest

from closient_app.clock import utcnow
from closient_app.models import GeocodeSource, StockStatus
from tests.e2e.conftest import screenshot, wait_hydrated
from tests.factories import make_location, make_offer, make_org, make_product

pytestmark = pytest.mark.browser

WEEK = [
    {"day_of_week": day, "opens": "09:00", "closes": "21:00"}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
] + [{"day_of_week": "saturday", "opens": "10:00", "closes": "01:00"}]


@pytest.fixture
def store(db):
    org = make_org(db, name="Corner Hardware")
    location = make_location(db, org, name="Corner Hardware — North Loop")
    location.phone = "+1 612 555 0100"
    location.website = "https://corner.example.com/"
    location.timezone = "America/Chicago"
    location.hours = WEEK
    location.geocode_source = GeocodeSource.MANUAL
    location.coordinates_confirmed = True
    db.add(location)
    db.commit()
    fresh = utcnow() - timedelta(minutes=12)
    for name, brand, price, status, synced in [
        ("Cordless Drill 18V", "Makita", 12999, StockStatus.IN_STOCK, fresh),
        ("Claw Hammer 16oz", "Estwing", 2899, StockStatus.LOW_STOCK, utcnow() - timedelta(hours=5)),
        ("Garden Hose 50ft", "Gilmour", 3450, StockStatus.IN_STOCK, utcnow() - timedelta(days=3)),
        ("Paint Roller Kit", "Wooster", 1599, StockStatus.OUT_OF_STOCK, fresh),
    ]:
        product = make_product(db, name=name, brand=brand)
        make_offer(
            db,
            org=org,
            product=product,
            location=location,
            price_amount=price,
            status=status,
            last_inventory_sync=synced,
            sku=name[:8],
        )
    return org, location


def test_the_store_page_shows_the_store_its_hours_a_map_and_the_shelf(page, app_url, store):
    org, location = store

    page.goto(f"{app_url}/marketplace/{org.id}/locations/{location.id}")
    wait_hydrated(page)
    page.wait_for_selector("#store-name", timeout=30_000)
    page.wait_for_selector("#store-map path.leaflet-interactive", timeout=30_000)
    page.wait_for_function(
        "document.querySelectorAll('.leaflet-offline-basemap-pane path').length >= 4",
        timeout=30_000,
    )

    assert page.locator("#store-name").inner_text() == "Corner Hardware — North Loop"
    address = page.locator("#store-address").inner_text().splitlines()
    assert [line for line in address if line.strip()] == [
        "100 Main St",
        "Minneapolis MN 55401",
        "US",
    ]
    assert page.locator("#open-badge").inner_text() in ("Open now", "Closed now")
    hours = page.locator("#store-hours tr").all_inner_texts()
    assert len(hours) == 7
    assert hours[5].split() == ["Saturday", "10", "AM", "–", "1", "AM"]
    assert hours[6].split() == ["Sunday", "Closed"]
    assert "America/Chicago" in page.locator("#store-hours").inner_text()
    assert page.locator(".leaflet-tooltip").inner_text() == "Corner Hardware — North Loop"
    shelf = page.locator("#store-shelf tbody tr").all_inner_texts()
    assert [row.split("\n")[0] for row in shelf] == [
        "Claw Hammer 16oz",
        "Cordless Drill 18V",
        "Garden Hose 50ft",
    ]
    assert (
        "$129.99" in shelf[1] and "Confirmed" in shelf[1] and "Checked 12 minutes ago" in shelf[1]
    )
    assert "Low stock" in shelf[0] and "Likely" in shelf[0]
    assert "Stale" in shelf[2]
    assert "Paint Roller" not in page.locator("#store-shelf").inner_text()
    screenshot(page, "marketplace-store")


def test_an_unpublished_or_unknown_store_is_a_friendly_not_found(page, app_url, db):
    org = make_org(db)
    draft = make_location(db, org, published=False)

    for path in (
        f"/marketplace/{org.id}/locations/{draft.id}",
        f"/marketplace/{org.id}/locations/NoSuchStore23456789012",
        f"/marketplace/SomeOtherOrg2345678901/locations/{draft.id}",
    ):
        page.goto(app_url + path)
        wait_hydrated(page)
        title = page.wait_for_selector("#not-found-title", timeout=30_000)
        assert title.inner_text() == "We couldn't find this store"
    screenshot(page, "marketplace-not-found")
