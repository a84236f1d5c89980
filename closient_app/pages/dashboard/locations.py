"""/dashboard/locations: every store, its pin and whether shoppers can find it."""

from __future__ import annotations

import reflex as rx

from closient_app.components.forms import read_only_notice
from closient_app.components.layout import app_shell
from closient_app.components.location_editor import location_editor
from closient_app.pages import routes
from closient_app.state.locations import LocationsState


def locations_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading("Locations", size="8"),
            rx.text(
                "Published stores appear in local search and on their public page. Drafts do "
                "not, until you publish them.",
                color_scheme="gray",
            ),
            read_only_notice(LocationsState.read_only_reason),
            location_editor(),
            spacing="4",
            width="100%",
        ),
        current=routes.DASHBOARD_LOCATIONS,
    )
