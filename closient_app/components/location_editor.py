"""The store editor: the list of stores, the selected one on a map with a draggable pin, the
publish button, and the add-a-store form. Used by wizard step 5 and the locations dashboard.
"""

from __future__ import annotations

import reflex as rx

from closient_app.components.forms import (
    empty_state,
    error_callout,
    external_link,
    icon_text,
    labelled_input,
    success_callout,
)
from closient_app.components.map import pin_editor_map
from closient_app.components.store_form import add_store_form
from closient_app.config import get_settings
from closient_app.state.locations import LocationsState as L


def _status_badge(store) -> rx.Component:
    return rx.cond(
        store.published,
        rx.badge(rx.icon("eye", size=12), "Published", color_scheme="grass"),
        rx.badge(rx.icon("eye-off", size=12), "Draft", color_scheme="amber"),
    )


def _store_item(store) -> rx.Component:
    chosen = store.id == L.selected_id
    return rx.el.button(
        rx.hstack(
            rx.icon("store", size=20, color=rx.color("teal", 10)),
            rx.vstack(
                rx.hstack(
                    rx.text(store.name, weight="bold"),
                    _status_badge(store),
                    rx.cond(store.from_pos, rx.badge("From POS", variant="outline")),
                    wrap="wrap",
                    spacing="2",
                    align="center",
                ),
                rx.text(store.address, size="2", color_scheme="gray"),
                rx.text(store.pin_text, size="1", color_scheme="gray"),
                spacing="1",
                align="start",
            ),
            align="start",
            spacing="3",
        ),
        on_click=L.select(store.id),
        aria_pressed=rx.cond(chosen, "true", "false"),
        class_name="store-item",
        data_store_name=store.name,
        style={
            "width": "100%",
            "text_align": "left",
            "padding": "0.85em",
            "border_radius": "10px",
            "cursor": "pointer",
            "background": rx.cond(chosen, rx.color("teal", 3), rx.color("gray", 1)),
            "border": rx.cond(
                chosen, f"2px solid {rx.color('teal', 8)}", f"1px solid {rx.color('gray', 5)}"
            ),
        },
    )


def store_list() -> rx.Component:
    return rx.vstack(
        rx.foreach(L.stores, _store_item),
        rx.button(
            rx.icon("plus", size=16),
            "Add a store",
            on_click=L.open_add_form,
            variant="soft",
            disabled=~L.can_manage,
            width="100%",
            id="add-store",
        ),
        spacing="2",
        width="100%",
        id="store-list",
    )


def _map_panel() -> rx.Component:
    settings = get_settings()
    store = L.selected
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(store.name, size="5", id="selected-store-name"),
                    rx.text(store.address, size="2", color_scheme="gray"),
                    spacing="1",
                ),
                rx.spacer(),
                _status_badge(store),
                width="100%",
                align="start",
            ),
            rx.cond(
                store.has_pin,
                rx.box(
                    pin_editor_map(
                        latitude=store.latitude,
                        longitude=store.longitude,
                        label=store.name,
                        accuracy_m=store.accuracy_m,
                        on_moved=L.pin_moved,
                        draggable=L.can_manage,
                        tile_url=settings.map_tile_url,
                        tile_attribution=settings.map_tile_attribution,
                    ),
                    key=store.id,  # a fresh map per store: centre and zoom start over
                    height=["300px", "380px"],
                    width="100%",
                    border_radius="8px",
                    overflow="hidden",
                ),
                rx.callout("This store has no pin yet: type its coordinates below.", icon="map"),
            ),
            icon_text(
                "hand",
                "Drag the pin to your front door; we save it when you let go. ",
                store.pin_text,
                size="2",
                color_scheme="gray",
            ),
            _street_map_hint(),
            _coordinates_form(),
            rx.hstack(
                rx.cond(
                    store.published,
                    rx.button(
                        "Unpublish",
                        on_click=L.unpublish,
                        variant="outline",
                        color_scheme="gray",
                        disabled=~L.can_manage,
                        id="unpublish-store",
                    ),
                    rx.button(
                        rx.icon("send", size=16),
                        "The pin is right: publish",
                        on_click=L.publish,
                        disabled=~L.can_manage | ~store.has_pin,
                        size="3",
                        id="publish-store",
                    ),
                ),
                rx.cond(
                    store.published,
                    external_link(
                        "Open the public page", href=store.public_path, id="public-page-link"
                    ),
                ),
                spacing="4",
                align="center",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="store-map-panel",
    )


def _street_map_hint() -> rx.Component:
    """Without a tile server the basemap has coastlines and borders only: offer a street map
    to check the exact door against (the link opens OpenStreetMap in a new tab)."""
    if get_settings().map_tile_url:
        return rx.fragment()
    store = L.selected
    lat, lon = store.latitude.to_string(), store.longitude.to_string()
    return rx.text(
        "This map shows coastlines and borders only. ",
        rx.link(
            "Check the spot on a street map",
            href="https://www.openstreetmap.org/?mlat="
            + lat
            + "&mlon="
            + lon
            + "#map=18/"
            + lat
            + "/"
            + lon,
            is_external=True,
        ),
        ".",
        size="1",
        color_scheme="gray",
    )


def _coordinates_form() -> rx.Component:
    """The keyboard way to place the pin exactly, for people who cannot drag."""
    return rx.el.details(
        rx.el.summary(
            "Type the coordinates instead", cursor="pointer", font_size="14px", width="fit-content"
        ),
        rx.form(
            rx.hstack(
                labelled_input("Latitude", id="pin-latitude", name="latitude", inputmode="decimal"),
                labelled_input(
                    "Longitude", id="pin-longitude", name="longitude", inputmode="decimal"
                ),
                rx.button("Save pin", type="submit", disabled=~L.can_manage, margin_top="1.4em"),
                align="start",
                spacing="3",
                width="100%",
            ),
            on_submit=L.type_coordinates,
            key=L.selected_id,
            padding_top="0.5em",
        ),
    )


def location_editor() -> rx.Component:
    """Everything for stores; the caller loads `LocationsState` (on mount or on load)."""
    return rx.vstack(
        error_callout(L.error, id="locations-error"),
        success_callout(L.notice, id="locations-notice"),
        rx.cond(
            L.needs_nudge,
            rx.callout(
                rx.text(
                    "You have ",
                    L.stores.length(),
                    " stores and ",
                    L.published_count,
                    " published. Shoppers near these stores cannot find you yet: ",
                    rx.text.strong(L.unpublished_names),
                    ". Publish every store you want found.",
                ),
                icon="megaphone",
                color_scheme="amber",
                id="publish-nudge",
            ),
        ),
        rx.cond(
            L.stores.length() > 0,
            rx.grid(
                store_list(),
                rx.cond(L.adding, add_store_form(), _map_panel()),
                columns=rx.breakpoints(initial="1", md="320px 1fr"),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                L.adding,
                add_store_form(),
                empty_state(
                    "store",
                    "No stores yet",
                    "Stores imported from your POS appear here after the first sync. You can "
                    "also add one by hand.",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
