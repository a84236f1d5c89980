"""Browser steps shared by the wizard and dashboard tests: what a retailer does, click by click."""

from __future__ import annotations

from itertools import count

from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_hydrated

PASSWORD = "a long enough password"
_seq = count(1)


def unique_email(prefix: str = "retailer") -> str:
    return f"{prefix}{next(_seq)}-{id(object())}@example.test"


def sign_up(
    page: Page, app_url: str, email: str, *, name: str = "Robin Retailer", screenshot_as=None
) -> None:
    from tests.e2e.conftest import screenshot

    page.goto(app_url + "/signup")
    wait_hydrated(page)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if screenshot_as:
        screenshot(page, screenshot_as)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/organizations/create**")
    wait_hydrated(page)


def log_in(page: Page, app_url: str, email: str, *, then: str = "/onboarding") -> None:
    page.goto(f"{app_url}/login?next={then}")
    wait_hydrated(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#login-submit").click()
    page.wait_for_url(f"**{then}**")
    wait_hydrated(page)


def create_organization(page: Page, name: str) -> None:
    page.get_by_label("Business name").fill(name)
    page.get_by_role("button", name="Create organization").click()
    page.wait_for_url("**/onboarding**")
    wait_hydrated(page)
    expect(page.locator("#step-title")).to_be_visible()


def open_step(page: Page, app_url: str, step: int) -> None:
    page.goto(f"{app_url}/onboarding?step={step}")
    wait_hydrated(page)
    expect(page.locator("#step-title")).to_be_visible()


def unique_shop(prefix: str = "corner-hardware") -> str:
    """A sandbox shop name nobody used in this run (the sandbox makes any shop on first use)."""
    return f"{prefix}-{next(_seq)}-{id(object()) % 100000}"


def connect_shop(page: Page, shop: str, *, screenshot_as: str | None = None) -> None:
    """Step 2: type the shop, make the install link, and follow it to the consent page."""
    from tests.e2e.conftest import screenshot

    field = page.get_by_label("Your Shopify store address")
    expect(field).to_be_editable()
    field.fill(shop)
    page.locator("#create-install-link").click()
    expect(page.locator("#install-link-card")).to_contain_text("This step happens at Shopify")
    if screenshot_as:
        screenshot(page, screenshot_as)
    page.locator("#open-install-link").click()
    expect(page.get_by_role("button", name="Approve")).to_be_visible()


def drag_pin(page: Page, *, dx: int, dy: int) -> None:
    """Drag the store's pin on the map by (dx, dy) pixels, like a person with a mouse."""
    pin = page.locator(".closient-drag-pin").first
    expect(pin).to_be_visible()
    box = pin.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()
