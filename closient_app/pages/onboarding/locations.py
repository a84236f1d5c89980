"""Step 5, locations: confirm the stores imported from the POS, add more, pin and publish."""

from __future__ import annotations

import reflex as rx

from closient_app.components.location_editor import location_editor
from closient_app.components.stepper import continue_button
from closient_app.state.locations import LocationsState


def locations_step() -> rx.Component:
    return rx.vstack(
        location_editor(),
        rx.cond(
            LocationsState.published_count > 0,
            continue_button("Continue to your discoverability check", 6),
        ),
        spacing="4",
        width="100%",
        on_mount=LocationsState.load_locations,
    )
