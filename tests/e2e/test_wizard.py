"""A new retailer walks through all six steps against the built-in Shopify sandbox.

Each step is asserted on what the page shows (not only that it loaded), and screenshotted at
1280 px into test-artifacts/screenshots (a few are copied to docs/screenshots for the README).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_hydrated
from tests.e2e.wizard_seed import competitor_near
from tests.e2e.wizard_steps import (
    PASSWORD,
    connect_shop,
    create_organization,
    drag_pin,
    sign_up,
    unique_email,
    unique_shop,
)

pytestmark = pytest.mark.browser

SYNC_TIMEOUT_MS = 120_000


def test_a_new_retailer_becomes_discoverable_in_six_steps(page: Page, app_url: str, db) -> None:
    # Sign up and create the organization.
    sign_up(page, app_url, unique_email("owner"), screenshot_as="wizard-0-sign-up")
    create_organization(page, "Corner Hardware")

    # Step 1: Shopify is live, the others are coming soon.
    expect(page.locator("#step-title")).to_have_text("Pick your POS")
    expect(page.locator("#pos-square")).to_contain_text("Coming soon")
    expect(page.locator("#step-1")).to_have_attribute("data-status", "current")
    screenshot(page, "wizard-1-pick-pos")
    page.locator("#choose-shopify").click()
    page.wait_for_url("**step=2**")
    wait_hydrated(page)

    # Step 2: the shop address, an install link, and approval at the sandbox's consent page.
    expect(page.locator("#step-title")).to_have_text("Connect")
    expect(page.locator("#step-1")).to_have_attribute("data-status", "done")
    shop = unique_shop()
    connect_shop(page, shop, screenshot_as="wizard-2-connect")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", name="Your store is connected")).to_be_visible()
    screenshot(page, "wizard-2b-connected-at-shopify")
    page.get_by_role("link", name="Continue setup").click()
    wait_hydrated(page)

    # Step 3: back in the wizard, the connection is verified by the page itself.
    expect(page.locator("#step-title")).to_have_text("Verify")
    expect(page.locator("#verify-ok")).to_contain_text(f"{shop}.myshopify.com")
    expect(page.locator("#endpoint-table tbody tr").first).to_be_visible()
    expect(page.locator("#step-2")).to_have_attribute("data-status", "done")
    screenshot(page, "wizard-3-verify")
    page.locator("#continue-4").click()

    # Step 4: the first sync runs to the end, with the offer count.
    expect(page.locator("#step-title")).to_have_text("First sync")
    expect(page.locator("#sync-complete")).to_be_visible(timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("#sync-complete")).to_contain_text(re.compile(r"[1-9]\d* in-store offers"))
    expect(page.locator("#last-sync")).to_contain_text("Last synced")
    screenshot(page, "wizard-4-first-sync")
    page.locator("#continue-5").click()

    # Step 5: the POS stores are listed; move the first one's pin, then publish it.
    expect(page.locator("#step-title")).to_have_text("Locations")
    stores = page.locator(".store-item")
    expect(stores.first).to_be_visible()
    assert stores.count() >= 2, "the sandbox shop has several locations"
    expect(stores.first).to_contain_text("From POS")
    first_name = stores.first.get_attribute("data-store-name")
    expect(page.locator("#selected-store-name")).to_have_text(first_name)
    drag_pin(page, dx=80, dy=50)
    expect(page.locator("#locations-notice")).to_contain_text("Pin saved")
    expect(stores.first).to_contain_text("Pinned by you")
    page.locator("#publish-store").click()
    expect(page.locator("#locations-notice")).to_contain_text(f"{first_name} is published")
    expect(stores.first).to_contain_text("Published")
    # A multi-store retailer is nudged, with each unpublished store named.
    second_name = stores.nth(1).get_attribute("data-store-name")
    expect(page.locator("#publish-nudge")).to_contain_text(second_name)
    expect(page.locator("#step-5")).to_have_attribute("data-status", "done")
    screenshot(page, "wizard-5-locations")
    # Another retailer nearby sells the same things, so the preview shows us among others.
    rival = competitor_near(db, first_name)
    page.locator("#continue-6").click()

    # Step 6: the checklist is green and the store comes up in the search preview.
    expect(page.locator("#step-title")).to_have_text("Discoverable")
    expect(page.locator("#discoverable-title")).to_have_text("Shoppers nearby can find you")
    for check in ("pos_connected", "location_published", "in_stock_offer"):
        expect(page.locator(f"[data-check={check}]")).to_have_attribute("data-ok", "yes")
    query = page.locator("#preview-query")
    expect(query).not_to_have_value("")  # suggested: a product this store has in stock
    page.locator("#preview-search").click()
    own_hits = page.locator(".search-hit[data-own=yes]")
    expect(own_hits.first).to_be_visible()
    expect(own_hits.first).to_contain_text(first_name)
    expect(own_hits.first).to_contain_text("Your store")
    expect(page.locator("#search-preview-map")).to_be_visible()
    expect(page.locator("#search-preview-map")).to_contain_text(first_name)  # the highlight
    expect(page.locator(".search-hit[data-own=no]").first).to_contain_text(rival)
    expect(page.locator(".public-store-link").first).to_have_text(first_name)
    screenshot(page, "wizard-6-discoverable")

    # The state survives a reload: the wizard opens on the last step, everything done.
    page.reload()
    wait_hydrated(page)
    expect(page.locator("#step-title")).to_have_text("Discoverable")
    for step in range(1, 7):
        expect(page.locator(f"#step-{step}")).to_have_attribute("data-status", "done")


def test_connecting_for_someone_else_with_a_one_time_code(page: Page, app_url: str, browser):
    helper = unique_email("helper")
    sign_up(page, app_url, helper)
    create_organization(page, "Corner Hardware")
    page.locator("#choose-shopify").click()
    page.wait_for_url("**step=2**")
    wait_hydrated(page)
    shop = unique_shop("owner-shop")

    card = page.locator("#device-connect-card")
    card.get_by_label("Their Shopify store address").fill(shop)
    card.get_by_role("button", name="Get a code").click()
    code = page.locator("#device-user-code")
    expect(code).to_have_text(re.compile(r"^[A-Z]{4}-[A-Z]{4}$"))
    link = page.locator("#device-link").get_attribute("href")
    screenshot(page, "wizard-2c-code-for-someone-else")

    # The shop's owner, in their own browser, signs in, confirms the code, approves.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        theirs = other.new_page()
        theirs.goto(link)
        theirs.get_by_label("Email").fill(helper)  # a member of the organization
        theirs.get_by_label("Password").fill(PASSWORD)
        theirs.get_by_role("button", name="Sign in").click()
        theirs.get_by_role("button", name=re.compile("^Continue to")).click()
        theirs.get_by_role("button", name="Approve").click()
        expect(theirs.get_by_role("heading", name="Your store is connected")).to_be_visible()
    finally:
        other.close()

    expect(card).to_contain_text(f"{shop}.myshopify.com is connected", timeout=60_000)
    expect(page.locator("#step-2")).to_have_attribute("data-status", "done")
