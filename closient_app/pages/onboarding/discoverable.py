"""Step 6, discoverable: the readiness checklist, and a search preview from the store's door
(state in discoverable_state.py)."""

from __future__ import annotations

import reflex as rx

from closient_app.components.forms import (
    empty_state,
    error_callout,
    external_link,
    link_button,
    one_line_form,
)
from closient_app.components.map import search_results_map
from closient_app.config import get_settings
from closient_app.pages import routes
from closient_app.pages.onboarding.discoverable_state import DiscoverableStepState

S = DiscoverableStepState


def _check_row(check) -> rx.Component:
    return rx.hstack(
        rx.cond(
            check.ok,
            rx.icon("circle-check", color=rx.color("grass", 9), size=22),
            rx.icon("circle-dashed", color=rx.color("amber", 9), size=22),
        ),
        rx.vstack(
            rx.text(check.label, weight="medium"),
            rx.cond(
                check.ok,
                rx.fragment(),
                rx.text(
                    check.help,
                    " ",
                    rx.link("Go to that step", href="/onboarding?step=" + check.step.to_string()),
                    size="2",
                    color_scheme="gray",
                ),
            ),
            spacing="0",
        ),
        align="start",
        spacing="3",
        data_check=check.key,
        data_ok=rx.cond(check.ok, "yes", "no"),
        class_name="readiness-check",
    )


def _checklist() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.cond(
                S.discoverable,
                rx.hstack(
                    rx.icon("party-popper", size=26, color=rx.color("grass", 10)),
                    rx.heading("Shoppers nearby can find you", size="5", id="discoverable-title"),
                    align="center",
                ),
                rx.heading("Almost there", size="5", id="discoverable-title"),
            ),
            rx.foreach(S.checks, _check_row),
            rx.cond(
                S.own_stores.length() > 0,
                rx.vstack(
                    rx.text("Your public store pages", size="2", weight="medium"),
                    rx.foreach(
                        S.own_stores,
                        lambda s: external_link(
                            s.name, href=s.path, class_name="public-store-link"
                        ),
                    ),
                    spacing="1",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="readiness",
    )


def _hit_row(hit) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(hit.product, weight="bold"),
                    rx.cond(hit.is_own, rx.badge("Your store", color_scheme="teal")),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(hit.store, " · ", hit.distance, size="2", color_scheme="gray"),
                rx.text(hit.stock, " · ", hit.checked, size="1", color_scheme="gray"),
                spacing="0",
            ),
            rx.spacer(),
            rx.text(hit.price, weight="bold"),
            align="start",
            width="100%",
        ),
        padding="0.75em",
        border_radius="8px",
        border=rx.cond(
            hit.is_own, f"2px solid {rx.color('teal', 8)}", f"1px solid {rx.color('gray', 5)}"
        ),
        background=rx.cond(hit.is_own, rx.color("teal", 2), "transparent"),
        width="100%",
        class_name="search-hit",
        data_own=rx.cond(hit.is_own, "yes", "no"),
    )


def _results() -> rx.Component:
    settings = get_settings()
    return rx.grid(
        rx.vstack(
            rx.cond(
                S.results.length() > 0,
                rx.text(
                    S.results.length(),
                    " results within 10 km; ",
                    S.own_hits,
                    " from your store.",
                    size="2",
                    id="search-summary",
                ),
                rx.callout(
                    "No results for this product within 10 km. Try a word from its name as it "
                    "appears in your POS.",
                    icon="search-x",
                    id="search-empty",
                ),
            ),
            rx.foreach(S.results, _hit_row),
            spacing="2",
            width="100%",
            max_height="420px",
            overflow_y="auto",
            id="search-results",
        ),
        rx.box(
            search_results_map(
                latitude=S.store.latitude,
                longitude=S.store.longitude,
                label=S.store.name,
                stores=S.results,
                points=S.map_points,
                tile_url=settings.map_tile_url,
                tile_attribution=settings.map_tile_attribution,
            ),
            key=S.store.id,
            height="420px",
            width="100%",
            border_radius="8px",
            overflow="hidden",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def _search_preview() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("See what shoppers see", size="5"),
            rx.text(
                "Search for a product you carry, from the door of your store.",
                size="2",
                color_scheme="gray",
            ),
            one_line_form(
                rx.cond(
                    S.own_stores.length() > 1,
                    rx.el.select(
                        rx.foreach(
                            S.own_stores,
                            lambda s, i: rx.el.option(s.name, value=i.to_string()),
                        ),
                        on_change=S.choose_store,
                        aria_label="Search from this store",
                    ),
                ),
                rx.input(
                    name="query",
                    default_value=S.query,
                    key=S.query,
                    placeholder="cordless drill",
                    aria_label="Product to search for",
                    id="preview-query",
                    size="3",
                    flex="1",
                    min_width="200px",
                ),
                rx.button(rx.icon("search", size=16), "Search", size="3", id="preview-search"),
                on_submit=S.search,
                spacing="2",
                wrap="wrap",
            ),
            error_callout(S.search_error, id="search-error"),
            rx.cond(S.searched, _results()),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def discoverable_step() -> rx.Component:
    return rx.vstack(
        _checklist(),
        rx.cond(
            S.own_stores.length() > 0,
            _search_preview(),
            empty_state(
                "map-pin-off",
                "No published store yet",
                "The search preview starts from your store's door: publish a store in step 5.",
                link_button("Go to Locations", href=routes.onboarding_step(5)),
            ),
        ),
        spacing="4",
        width="100%",
        on_mount=S.load_step,
    )
