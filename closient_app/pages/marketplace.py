"""The public store page: name, address, hours, a map, and what is in stock right now."""

from __future__ import annotations

import reflex as rx

from closient_app.components.layout import page_shell
from closient_app.components.map import store_map
from closient_app.components.tables import data_table
from closient_app.config import get_settings
from closient_app.state.marketplace import StorefrontState as S

# Links to it are built by `routes.marketplace_location(org_id, location_id)`.
ROUTE = "/marketplace/[org_id]/locations/[location_id]"


def _open_badge() -> rx.Component:
    return rx.cond(
        S.hours.length() > 0,
        rx.cond(
            S.open_now,
            rx.badge("Open now", color_scheme="grass", size="2", id="open-badge"),
            rx.badge("Closed now", color_scheme="gray", size="2", id="open-badge"),
        ),
    )


def _contact_link(icon: str, text, href) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(text), align="center", spacing="2"),
        href=href,
        is_external=icon == "globe",
    )


def _store_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(S.name, size="7", id="store-name"),
                _open_badge(),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.vstack(
                rx.foreach(S.address_lines, lambda line: rx.text(line, size="3")),
                spacing="0",
                id="store-address",
            ),
            rx.hstack(
                rx.cond(S.phone != "", _contact_link("phone", S.phone, "tel:" + S.phone)),
                rx.cond(S.website != "", _contact_link("globe", "Website", S.website)),
                spacing="5",
                id="store-contact",
            ),
            spacing="3",
        ),
        size="3",
        width="100%",
    )


def _hours_card() -> rx.Component:
    def row(item) -> rx.Component:
        weight = rx.cond(item["today"] == "1", "bold", "regular")
        return rx.table.row(
            rx.table.cell(rx.text(item["day"], weight=weight)),
            rx.table.cell(rx.text(item["times"], weight=weight)),
        )

    return rx.card(
        rx.vstack(
            rx.heading("Opening hours", size="4"),
            rx.cond(
                S.hours.length() > 0,
                rx.table.root(rx.table.body(rx.foreach(S.hours, row)), size="1", width="100%"),
                rx.text("Hours not listed yet.", color_scheme="gray"),
            ),
            rx.text("Times are local (", S.timezone, ").", size="1", color_scheme="gray"),
            spacing="3",
            id="store-hours",
        ),
        size="3",
        width="100%",
    )


def _map_card() -> rx.Component:
    settings = get_settings()
    return rx.card(
        rx.box(
            store_map(
                latitude=S.latitude,
                longitude=S.longitude,
                label=S.name,
                accuracy_m=S.accuracy_m,
                tile_url=settings.map_tile_url,
                tile_attribution=settings.map_tile_attribution,
            ),
            height="100%",
            min_height="340px",
        ),
        size="1",
        width="100%",
        height="100%",
        min_height="360px",
    )


def _offer_row(item) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(item["name"], weight="medium"),
                rx.text(item["brand"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(rx.text(item["price"], weight="bold"), justify="end"),
        rx.table.cell(rx.badge(item["stock"], color_scheme=item["stock_color"], variant="soft")),
        rx.table.cell(
            rx.hstack(
                rx.badge(
                    item["confidence"], color_scheme=item["confidence_color"], variant="outline"
                ),
                rx.text(item["checked"], size="1", color_scheme="gray"),
                align="center",
                spacing="2",
            )
        ),
    )


def _shelf() -> rx.Component:
    headers = ("Product", rx.table.column_header_cell("Price", justify="end"), "Stock", "Freshness")
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("In stock now", size="5"),
                rx.badge(S.shelf.length().to_string() + " items", variant="soft"),
                align="center",
                spacing="3",
            ),
            rx.cond(
                S.shelf.length() > 0,
                data_table(headers, S.shelf, _offer_row, width="100%"),
                rx.text("Nothing listed in stock right now.", color_scheme="gray"),
            ),
            spacing="4",
            id="store-shelf",
        ),
        size="3",
        width="100%",
    )


def _store_view() -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.vstack(_store_card(), _hours_card(), spacing="4", width="100%"),
            _map_card(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        _shelf(),
        spacing="4",
        padding_y="1em",
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.icon("store", size=36, color=rx.color("gray", 9)),
                rx.heading("We couldn't find this store", size="6", id="not-found-title"),
                rx.text(
                    "The link may be out of date, or the store is not listed publicly yet.",
                    color_scheme="gray",
                    align="center",
                ),
                rx.link(rx.button("Back to Closient", variant="soft"), href="/"),
                align="center",
                spacing="4",
            ),
            size="4",
            max_width="480px",
        ),
        padding_y="4em",
    )


def _loading() -> rx.Component:
    return rx.vstack(
        rx.skeleton(rx.box(height="120px", width="100%")),
        rx.skeleton(rx.box(height="300px", width="100%")),
        spacing="4",
        padding_y="1em",
    )


def storefront() -> rx.Component:
    return page_shell(
        rx.match(
            S.status,
            ("found", _store_view()),
            ("missing", _not_found()),
            _loading(),
        )
    )
