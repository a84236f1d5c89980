"""/dashboard/locations: every store, its pin and whether shoppers can find it."""

from __future__ import annotations

import reflex as rx

from closient_app.components.forms import read_only_notice
from closient_app.components.layout import dashboard_page
from closient_app.components.location_editor import location_editor
from closient_app.pages import routes
from closient_app.state.locations import LocationsState


def locations_page() -> rx.Component:
    return dashboard_page(
        "Locations",
        read_only_notice(LocationsState.read_only_reason),
        location_editor(),
        intro=(
            "Published stores appear in local search and on their public page. Drafts do "
            "not, until you publish them."
        ),
        current=routes.DASHBOARD_LOCATIONS,
    )
