"""The dashboard pages in the browser: offers, locations, integrations and API keys."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from closient_app.clock import utcnow
from closient_app.models import Location
from tests.e2e.conftest import screenshot, wait_hydrated
from tests.e2e.wizard_seed import synced_retailer
from tests.e2e.wizard_steps import PASSWORD, log_in, unique_email
from tests.factories import make_offer, make_product

pytestmark = pytest.mark.browser


@pytest.fixture
def owner(db):
    """The owner of a synced retailer with one draft store; yields (email, organization)."""
    email = unique_email("dash")
    org = synced_retailer(db, owner_email=email, password=PASSWORD)
    return email, org


def test_offers_are_searchable_paginated_and_stale_ones_flagged(page: Page, app_url, db, owner):
    email, org = owner
    location = db.exec(select(Location).where(Location.organization_id == org.id)).one()
    for n in range(30):
        make_offer(
            db,
            org=org,
            product=make_product(db, name=f"Camp Mug {n:02d}"),
            location=location,
            sku=f"MUG-{n:02d}",
            last_inventory_sync=utcnow() - timedelta(days=3 if n == 0 else 0, minutes=5),
        )

    log_in(page, app_url, email, then="/dashboard/offers")

    expect(page.locator("#offers-page")).to_contain_text("Page 1 of 2 · 31 offers")
    expect(page.locator(".offer-row[data-stale=yes]").first).to_contain_text("Camp Mug 00")
    expect(page.locator("#stale-warning")).to_contain_text("stale")
    screenshot(page, "dashboard-offers")
    page.locator("#offers-next").click()
    expect(page.locator("#offers-page")).to_contain_text("Page 2 of 2")
    page.locator("#offers-search").fill("MUG-07")
    page.locator("#offers-search").press("Enter")
    expect(page.locator("#offers-page")).to_contain_text("1 offer")
    expect(page.locator(".offer-row")).to_have_count(1)
    expect(page.locator(".offer-row").first).to_contain_text("Camp Mug 07")


def test_locations_add_a_store_and_errors_keep_the_input(page: Page, app_url, owner):
    email, _ = owner
    log_in(page, app_url, email, then="/dashboard/locations")
    expect(page.locator(".store-item").first).to_contain_text("Lakeside Store")

    page.locator("#add-store").click()
    page.get_by_label("Store name").fill("Riverside Store")
    page.get_by_label("City").fill("Nowhereville Zzz")
    page.get_by_label("Country").fill("US")
    page.locator("#add-store-submit").click()
    # The offline geocoder builds its city index on first use: that can take some seconds.
    expect(page.locator("#add-store-error")).to_contain_text(
        "could not find this address", timeout=30_000
    )
    expect(page.get_by_label("Store name")).to_have_value("Riverside Store")

    page.get_by_label("City").fill("Minneapolis")
    page.get_by_label("Postal code").fill("55401")
    page.get_by_label("Street address").fill("200 Hennepin Ave")
    page.locator("#add-store-submit").click()
    expect(page.locator("#locations-notice")).to_contain_text("Store added as a draft")
    expect(page.locator("#selected-store-name")).to_have_text("Riverside Store")
    expect(page.locator(".store-item[data-store-name='Riverside Store']")).to_contain_text(
        "Placed from the postal code"
    )
    expect(page.locator("#pin-editor-map")).to_be_visible()
    screenshot(page, "dashboard-locations")


def test_api_keys_are_shown_once_and_revoked_after_confirmation(page: Page, app_url, owner):
    email, _ = owner
    log_in(page, app_url, email, then="/dashboard/api-keys")

    page.get_by_label("Key name").fill("Inventory assistant")
    page.locator("#create-key").click()
    key = page.locator("#new-api-key")
    expect(key).to_contain_text("csb_")
    shown = key.inner_text()
    row = page.locator(".api-key-row[data-key-name='Inventory assistant']")
    expect(row).to_contain_text(shown[-4:])
    screenshot(page, "dashboard-api-keys")

    page.get_by_role("button", name="I have stored it").click()
    expect(page.locator("#new-api-key")).to_have_count(0)
    row.get_by_role("button", name="Revoke Inventory assistant").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("stops working at once")
    page.locator("#confirm-revoke").click()
    expect(row).to_contain_text("Revoked")
    expect(page.locator("#keys-notice")).to_contain_text("revoked")


def test_integrations_reveal_rotate_forward_url_and_disconnect(page: Page, app_url, owner):
    email, _ = owner
    log_in(page, app_url, email, then="/dashboard/integrations")
    card = page.locator(".endpoint-card").first
    expect(page.locator(".source-card").first).to_contain_text("Connected")

    card.locator(".reveal-secret").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Show the signing secret?")
    page.locator("#confirm-action").click()
    expect(card.locator(".endpoint-secret")).to_have_text("whsec_test")

    card.get_by_role("button", name="Hide").click()
    card.locator(".rotate-secret").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("keeps working for 24")
    page.locator("#confirm-action").click()
    expect(card.locator(".endpoint-secret")).to_contain_text("whsec_")
    expect(card.locator(".endpoint-secret")).not_to_have_text("whsec_test")

    forward = card.get_by_label("Forward URL for inventory_levels/update")
    forward.fill("ftp://example.com/hooks")
    card.get_by_role("button", name="Save forward URL").click()
    expect(page.locator("#integrations-error")).to_contain_text("https")
    expect(forward).to_have_value("ftp://example.com/hooks")
    forward.fill("https://hooks.example.com/closient")
    card.get_by_role("button", name="Save forward URL").click()
    expect(page.locator("#integrations-notice")).to_contain_text("Forward URL saved")
    screenshot(page, "dashboard-integrations")

    page.locator(".disconnect-source").first.click()
    page.locator("#confirm-action").click()
    expect(page.locator(".source-card").first).to_contain_text("Disconnected")
    expect(page.locator(".reconnect-source").first).to_be_visible()
    page.locator(".reconnect-source").first.click()
    page.wait_for_url("**/onboarding**step=2**")
    wait_hydrated(page)
    # Reconnecting starts from the same shop.
    expect(page.get_by_label("Your Shopify store address")).to_have_value(
        re.compile(r"^lakeside-.+\.myshopify\.com$")
    )


def test_switching_organizations_and_logging_out(page: Page, app_url, db, owner):
    from closient_app.services import accounts

    email, org = owner
    user = accounts.find_user_by_email(session=db, email=email)
    second = accounts.create_organization(session=db, name="Harbor Books", country="US", owner=user)
    db.commit()
    log_in(page, app_url, email, then="/dashboard/locations")
    expect(page.locator(".store-item").first).to_contain_text("Lakeside Store")

    page.locator("#organization-switcher").click()
    page.get_by_role("option", name="Harbor Books").click()
    wait_hydrated(page)
    expect(page.locator("#organization-switcher")).to_contain_text("Harbor Books")
    expect(page.get_by_text("No stores yet").or_(page.locator("#add-store-form"))).to_be_visible()
    assert second.id != org.id

    page.locator("#account-menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    page.wait_for_url("**/login**")
    page.goto(app_url + "/dashboard/offers")
    page.wait_for_url("**/login?next=%2Fdashboard%2Foffers**")
