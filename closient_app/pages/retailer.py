"""Registers the retailer's pages (auth, organization, wizard, dashboard) on the app.

One call from closient_app.py, so the shared app module stays small while pages evolve.
"""

from __future__ import annotations

import reflex as rx

from closient_app.pages import routes
from closient_app.pages.dashboard.api_keys import ApiKeysState, api_keys_page
from closient_app.pages.dashboard.integrations import integrations_page
from closient_app.pages.dashboard.integrations_state import IntegrationsState
from closient_app.pages.dashboard.locations import locations_page
from closient_app.pages.dashboard.offers import OffersState, offers_page
from closient_app.pages.login import LogInState, login_page
from closient_app.pages.onboarding.page import onboarding_page
from closient_app.pages.organization_create import (
    CreateOrganizationState,
    create_organization_page,
)
from closient_app.pages.signup import SignUpState, signup_page
from closient_app.state.locations import LocationsState
from closient_app.state.onboarding import OnboardingState

TITLE = "{} · Closient"


def add_retailer_pages(app: rx.App) -> None:
    app.add_page(
        login_page, route=routes.LOGIN, title=TITLE.format("Log in"), on_load=LogInState.load
    )
    app.add_page(
        signup_page, route=routes.SIGNUP, title=TITLE.format("Sign up"), on_load=SignUpState.load
    )
    app.add_page(
        create_organization_page,
        route=routes.CREATE_ORGANIZATION,
        title=TITLE.format("Create your organization"),
        on_load=CreateOrganizationState.load,
    )
    app.add_page(
        onboarding_page,
        route=routes.ONBOARDING,
        title=TITLE.format("Get discoverable"),
        on_load=OnboardingState.load,
    )
    dashboard = (
        (offers_page, routes.DASHBOARD_OFFERS, "Offers", OffersState.load_page),
        (locations_page, routes.DASHBOARD_LOCATIONS, "Locations", LocationsState.load_page),
        (
            integrations_page,
            routes.DASHBOARD_INTEGRATIONS,
            "Integrations",
            IntegrationsState.load_page,
        ),
        (api_keys_page, routes.DASHBOARD_API_KEYS, "API keys", ApiKeysState.load_page),
    )
    for page, route, title, loader in dashboard:
        app.add_page(page, route=route, title=TITLE.format(title), on_load=loader)
