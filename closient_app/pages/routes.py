"""Every page route in one place, plus builders for the ones that take arguments.

Pages register themselves with these constants and state redirects use them, so a renamed
route cannot leave a dangling link behind (tests/ui/test_routes.py checks they are unique).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

HOME = "/"
SIGNUP = "/signup"
LOGIN = "/login"
CREATE_ORGANIZATION = "/organizations/create"
ONBOARDING = "/onboarding"
DASHBOARD_OFFERS = "/dashboard/offers"
DASHBOARD_LOCATIONS = "/dashboard/locations"
DASHBOARD_INTEGRATIONS = "/dashboard/integrations"
DASHBOARD_API_KEYS = "/dashboard/api-keys"

ALL_ROUTES = (
    HOME,
    SIGNUP,
    LOGIN,
    CREATE_ORGANIZATION,
    ONBOARDING,
    DASHBOARD_OFFERS,
    DASHBOARD_LOCATIONS,
    DASHBOARD_INTEGRATIONS,
    DASHBOARD_API_KEYS,
)

# The navigation a signed-in retailer sees, in order: (label, route).
APP_NAVIGATION = (
    ("Get discoverable", ONBOARDING),
    ("Offers", DASHBOARD_OFFERS),
    ("Locations", DASHBOARD_LOCATIONS),
    ("Integrations", DASHBOARD_INTEGRATIONS),
    ("API keys", DASHBOARD_API_KEYS),
)


def safe_next(path: str | None, default: str = ONBOARDING) -> str:
    """A local path to continue to after logging in; anything else (another site) is ignored."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    return path


def login_then(path: str) -> str:
    """The log-in page, coming back to `path` afterwards."""
    return f"{LOGIN}?{urlencode({'next': path})}"


def onboarding_step(step: int) -> str:
    return f"{ONBOARDING}?step={step}"


def marketplace_location(organization_id: str, location_id: str) -> str:
    """The public page of a store (served by the marketplace page)."""
    return f"/marketplace/{quote(organization_id)}/locations/{quote(location_id)}"
