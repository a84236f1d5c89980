"""The wizard and dashboard at a phone's width (390 px): nothing wider than the screen, and
the main actions reachable. Screenshots go next to the 1280 px ones."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.wizard_seed import synced_retailer
from tests.e2e.wizard_steps import PASSWORD, log_in, open_step, unique_email

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def test_the_wizard_and_dashboard_fit_a_phone(phone, app_url: str, db) -> None:
    email = unique_email("phone")
    synced_retailer(db, owner_email=email, password=PASSWORD)
    log_in(phone, app_url, email, then="/onboarding?step=5")

    expect(phone.locator("#publish-store")).to_be_visible()
    assert _page_width(phone) <= PHONE["width"]
    screenshot(phone, "phone-wizard-5-locations")

    for step in (1, 2, 6):
        open_step(phone, app_url, step)
        assert _page_width(phone) <= PHONE["width"], f"step {step} overflows"
    screenshot(phone, "phone-wizard-6-discoverable")

    for route in ("/dashboard/offers", "/dashboard/integrations", "/dashboard/api-keys"):
        phone.goto(app_url + route)
        expect(phone.locator("#hydrated")).to_have_text("ready", timeout=30_000)
        expect(phone.get_by_role("heading", level=1).first).to_be_visible()
        assert _page_width(phone) <= PHONE["width"], f"{route} overflows"
