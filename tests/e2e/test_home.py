import pytest

from tests.e2e.conftest import screenshot, wait_hydrated

pytestmark = pytest.mark.browser


def test_home_page_renders_and_hydrates(page, app_url: str) -> None:
    page.goto(app_url + "/")
    wait_hydrated(page)

    assert page.locator("#hero-title").inner_text() == "From signed up to found in local search"
    assert page.get_by_text("Step 4").is_visible()
    assert page.title() == "Closient: get your store found in local search"
    screenshot(page, "home")
