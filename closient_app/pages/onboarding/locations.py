"""Step 5, locations: confirm the stores imported from the POS, add more, pin and publish."""

from __future__ import annotations

import reflex as rx

from closient_app.components.location_editor import location_editor
from closient_app.state.locations import LocationsState
from closient_app.state.onboarding import OnboardingState


def locations_step() -> rx.Component:
    return rx.vstack(
        location_editor(),
        rx.cond(
            LocationsState.published_count > 0,
            rx.button(
                "Continue to your discoverability check",
                rx.icon("arrow-right", size=16),
                on_click=OnboardingState.continue_to(6),
                size="3",
                id="continue-6",
            ),
        ),
        spacing="4",
        width="100%",
        on_mount=LocationsState.load_locations,
    )
