"""The wizard's page: the stepper on top, the step being viewed below it."""

from __future__ import annotations

import reflex as rx

from closient_app.components.forms import read_only_notice
from closient_app.components.layout import app_shell, loading_block
from closient_app.components.stepper import stepper
from closient_app.pages import routes
from closient_app.pages.onboarding.connect import connect_step
from closient_app.pages.onboarding.discoverable import discoverable_step
from closient_app.pages.onboarding.first_sync import first_sync_step
from closient_app.pages.onboarding.locations import locations_step
from closient_app.pages.onboarding.pos import pos_step
from closient_app.pages.onboarding.verify import verify_step
from closient_app.state.onboarding import OnboardingState as O

STEP_INTROS = {
    1: "Which point-of-sale system runs your store?",
    2: "Give Closient read access to your products, stock and store addresses.",
    3: "We check the connection ourselves and show what we set up.",
    4: "We import your catalog and the stock of every store.",
    5: "Shoppers find stores by distance: pick a store, drag its pin onto your front door, "
    "and publish it.",
    6: "Check that everything is in place, and search like a shopper would.",
}


def _step_heading() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge("Step ", O.viewing, " of 6", variant="soft", size="2"),
            rx.cond(
                O.viewing_done, rx.badge(rx.icon("check", size=12), "Done", color_scheme="grass")
            ),
            spacing="2",
        ),
        rx.heading(O.viewing_title, size="7", id="step-title"),
        rx.text(
            rx.match(O.viewing, *[(n, text) for n, text in STEP_INTROS.items()], ""),
            color_scheme="gray",
        ),
        spacing="2",
    )


def _step_body() -> rx.Component:
    return rx.match(
        O.viewing,
        (1, pos_step()),
        (2, connect_step()),
        (3, verify_step()),
        (4, first_sync_step()),
        (5, locations_step()),
        (6, discoverable_step()),
        rx.fragment(),
    )


def onboarding_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(
                rx.heading("Get discoverable", size="8"),
                rx.spacer(),
                rx.cond(
                    O.discoverable,
                    rx.badge(
                        rx.icon("radar", size=14), "Discoverable", color_scheme="grass", size="3"
                    ),
                ),
                align="center",
                width="100%",
            ),
            read_only_notice(O.read_only_reason),
            rx.cond(
                O.viewing > 0,
                rx.vstack(
                    stepper(O.steps, O.viewing),
                    rx.card(
                        rx.vstack(_step_heading(), _step_body(), spacing="5", width="100%"),
                        size="3",
                        width="100%",
                        id="step-panel",
                    ),
                    spacing="4",
                    width="100%",
                ),
                loading_block("Checking your progress…"),
            ),
            spacing="4",
            width="100%",
        ),
        current=routes.ONBOARDING,
    )
