"""What goes wrong, in the browser: a declined consent, a shop address that is not one, a sync
that fails (sandbox fault injection) and is retried, and a VIEWER who cannot publish."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from closient_app.models import Role
from tests.e2e.conftest import screenshot, wait_hydrated
from tests.e2e.wizard_seed import add_member, synced_retailer
from tests.e2e.wizard_steps import (
    PASSWORD,
    connect_shop,
    create_organization,
    log_in,
    open_step,
    sign_up,
    unique_email,
    unique_shop,
)

pytestmark = pytest.mark.browser


def _to_connect_step(page: Page, app_url: str) -> None:
    sign_up(page, app_url, unique_email())
    create_organization(page, "Corner Hardware")
    page.locator("#choose-shopify").click()
    page.wait_for_url("**step=2**")
    wait_hydrated(page)


def test_declining_consent_connects_nothing_and_the_wizard_says_so(page: Page, app_url: str):
    _to_connect_step(page, app_url)
    connect_shop(page, unique_shop())

    page.get_by_role("button", name="Decline").click()

    expect(page.get_by_role("heading", name="You declined the connection")).to_be_visible()
    screenshot(page, "wizard-negative-declined-at-shopify")
    page.get_by_role("link", name="Back to onboarding").click()
    wait_hydrated(page)
    expect(page.locator("#step-title")).to_have_text("Connect")
    expect(page.locator("#step-2")).not_to_have_attribute("data-status", "done")
    expect(page.locator("#already-connected")).to_have_count(0)
    expect(page.locator("#step-3 [aria-disabled=true]")).to_have_count(1)  # not a link yet


def test_an_invalid_shop_address_is_explained_inline_and_kept(page: Page, app_url: str):
    _to_connect_step(page, app_url)
    field = page.get_by_label("Your Shopify store address")
    field.fill("http://my shop.com/admin")
    field.blur()

    expect(page.locator("#shop-domain-error")).to_contain_text("https://")
    expect(field).to_have_attribute("aria-invalid", "true")
    page.locator("#create-install-link").click()
    expect(page.locator("#shop-domain-error")).to_be_visible()
    expect(page.locator("#install-link-card")).to_have_count(0)
    expect(field).to_have_value("http://my shop.com/admin")  # what was typed stays
    screenshot(page, "wizard-negative-invalid-shop")

    field.fill("corner.example.com")
    field.blur()
    expect(page.locator("#shop-domain-error")).to_contain_text("myshopify.com")


def test_a_failed_sync_is_shown_in_words_with_a_retry(page: Page, app_url: str):
    _to_connect_step(page, app_url)
    shop = unique_shop("fault")
    connect_shop(page, shop)
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("link", name="Continue setup").click()
    open_step(page, app_url, 4)
    expect(page.locator("#sync-complete")).to_be_visible(timeout=120_000)

    faults = f"{app_url}/sandbox/shopify/_admin/faults"
    domain = f"{shop}.myshopify.com"
    httpx.post(faults, json={"mode": "http_500", "shop": domain}).raise_for_status()
    try:
        page.locator("#sync-again").click()
        problem = page.locator("#sync-problem")
        expect(problem).to_contain_text("temporary problem", timeout=60_000)
        expect(problem).to_contain_text("We will try again by ourselves at")
        expect(page.locator("#retry-sync")).to_be_enabled()
        screenshot(page, "wizard-negative-sync-failed")
    finally:
        httpx.delete(faults).raise_for_status()

    page.locator("#retry-sync").click()
    expect(page.locator("#sync-complete")).to_be_visible(timeout=90_000)
    expect(page.locator("#sync-problem")).to_have_count(0)


def test_a_viewer_sees_the_wizard_read_only_and_cannot_publish(page: Page, app_url: str, db):
    org = synced_retailer(db, owner_email=unique_email("owner"), password=PASSWORD)
    viewer = unique_email("viewer")
    add_member(db, org, email=viewer, password=PASSWORD, role=Role.VIEWER)

    log_in(page, app_url, viewer, then="/onboarding?step=5")

    expect(page.locator("#step-title")).to_have_text("Locations")
    expect(page.locator("#read-only-notice")).to_contain_text("Viewer")
    expect(page.locator("#read-only-notice")).to_contain_text("Owner or a Manager")
    expect(page.locator(".store-item").first).to_contain_text("Lakeside Store")
    expect(page.locator("#publish-store")).to_be_disabled()
    expect(page.locator("#add-store")).to_be_disabled()
    screenshot(page, "wizard-negative-viewer")

    open_step(page, app_url, 1)
    expect(page.locator("#choose-shopify")).to_be_disabled()


def test_sign_up_errors_are_explained_and_the_form_keeps_its_input(page: Page, app_url: str):
    email = unique_email("dup")
    sign_up(page, app_url, email)
    page.context.clear_cookies()

    page.goto(app_url + "/signup")
    wait_hydrated(page)
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#signup-password-error")).to_contain_text("Use at least 10 characters")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Work email")).to_have_value(email)

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#signup-error")).to_contain_text("already exists")

    page.goto(app_url + "/login")
    wait_hydrated(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.locator("#login-submit").click()
    expect(page.locator("#login-error")).to_contain_text("email or password is not right")
    expect(page.get_by_label("Email")).to_have_value(email)
