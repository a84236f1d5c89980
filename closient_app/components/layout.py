"""The frame around every page: header, content column, and the hydration marker tests wait for."""

import reflex as rx


def hydration_marker() -> rx.Component:
    # Prod pages are prerendered; browser tests wait for this to read "ready" before clicking.
    return rx.el.span(
        rx.cond(rx.State.is_hydrated, "ready", "loading"),
        id="hydrated",
        style={"display": "none"},
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.link(rx.heading("Closient", size="5"), href="/", underline="none"),
        rx.spacer(),
        justify="between",
        align="center",
        width="100%",
        padding_y="1em",
    )


def page_shell(*children: rx.Component) -> rx.Component:
    return rx.container(
        header(),
        rx.el.main(*children),
        hydration_marker(),
        size="4",
    )
