"""The add-a-store form: name, address, phone and opening hours. Uncontrolled inputs, so what
was typed stays when the store cannot be added; each error sits under its field."""

from __future__ import annotations

import reflex as rx

from closient_app.components.forms import (
    error_callout,
    labelled_input,
    stacked_form,
    submit_button,
)
from closient_app.state.locations import LocationsState as L

HOURS_DEFAULTS = (
    ("weekdays", "Monday to Friday", "09:00", "18:00"),
    ("saturday", "Saturday", "10:00", "17:00"),
    ("sunday", "Sunday", "", ""),
)


def _hours_row(key: str, label: str, opens: str, closes: str) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", width="140px"),
        rx.input(
            type="time", name=f"{key}_opens", default_value=opens, aria_label=f"{label} opens"
        ),
        rx.text("to", size="2"),
        rx.input(
            type="time", name=f"{key}_closes", default_value=closes, aria_label=f"{label} closes"
        ),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def add_store_form() -> rx.Component:
    errors = L.add_field_errors
    return rx.card(
        stacked_form(
            rx.heading("Add a store", size="5"),
            rx.text(
                "We place the pin from the address; you can drag it to the door after.",
                size="2",
                color_scheme="gray",
            ),
            error_callout(L.add_error, id="add-store-error"),
            labelled_input(
                "Store name", id="store-name", name="name", required=True, error=errors["name"]
            ),
            labelled_input("Street address", id="store-line1", name="line1", error=errors["line1"]),
            rx.grid(
                labelled_input("City", id="store-city", name="city", error=errors["city"]),
                labelled_input("State or region", id="store-region", name="region"),
                labelled_input(
                    "Postal code",
                    id="store-postal-code",
                    name="postal_code",
                    error=errors["postal_code"],
                ),
                labelled_input(
                    "Country",
                    id="store-country",
                    name="country",
                    default_value="US",
                    max_length=2,
                    error=errors["country"],
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            labelled_input(
                "Phone", id="store-phone", name="phone", type="tel", error=errors["phone"]
            ),
            rx.vstack(
                rx.text("Opening hours (leave a day empty if closed)", size="2", weight="medium"),
                *[_hours_row(*row) for row in HOURS_DEFAULTS],
                rx.text(errors["hours"], size="1", color_scheme="red"),
                spacing="2",
                width="100%",
            ),
            rx.hstack(
                submit_button("Add store", busy=L.add_busy, id="add-store-submit"),
                rx.cond(
                    L.stores.length() > 0,
                    rx.button("Cancel", type="button", variant="ghost", on_click=L.close_add_form),
                ),
                spacing="3",
            ),
            on_submit=L.add_store,
        ),
        width="100%",
        id="add-store-form",
    )
