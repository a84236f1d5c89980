"""Form pieces with labels, inline errors and plain-words notices, used by every page.

Inputs are uncontrolled (the browser keeps what was typed), so a failed submit never loses
input; errors are tied to their field with `aria-describedby` for screen readers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import reflex as rx
from reflex.vars.base import Var
from reflex_components_core.react_router import ReactRouterLink

from closient_app.components.callouts import message_callout


def field_label(label: str, *, id: str) -> rx.Component:
    """The label above a field, tied to it by id (clicking it focuses the field)."""
    return rx.el.label(rx.text(label, size="2", weight="medium"), html_for=id)


def labelled_input(
    label: str,
    *,
    id: str,
    error: Var[str] | str = "",
    hint: str = "",
    **input_props: Any,
) -> rx.Component:
    """A label, the input, and the field's error (or hint) underneath."""
    error_id = f"{id}-error"
    has_error = error != "" if isinstance(error, Var) else bool(error)
    return rx.vstack(
        field_label(label, id=id),
        rx.input(
            id=id,
            name=input_props.pop("name", id),
            aria_invalid=rx.cond(has_error, "true", "false"),
            aria_describedby=error_id,
            size="3",
            width="100%",
            **input_props,
        ),
        rx.cond(
            has_error,
            rx.text(error, id=error_id, size="1", color_scheme="red", role="alert"),
            rx.text(hint, id=error_id, size="1", color_scheme="gray"),
        ),
        spacing="1",
        width="100%",
    )


def labelled_textarea(label: str, *, id: str, error: Var[str] | str = "", **props: Any):
    error_id = f"{id}-error"
    return rx.vstack(
        field_label(label, id=id),
        rx.text_area(
            id=id, name=props.pop("name", id), aria_describedby=error_id, width="100%", **props
        ),
        rx.text(error, id=error_id, size="1", color_scheme="red"),
        spacing="1",
        width="100%",
    )


def labelled_select(
    label: str,
    *,
    id: str,
    options: Iterable[tuple[str, str]],
    width: str | None = "100%",
    **select_props: Any,
) -> rx.Component:
    """A label over the browser's own drop-down list; `options` are (text, value) pairs and
    `width` is the width of the pair (None: as wide as the list)."""
    return rx.vstack(
        field_label(label, id=id),
        rx.el.select(
            *[rx.el.option(text, value=value) for text, value in options],
            id=id,
            name=select_props.pop("name", id),
            **select_props,
        ),
        spacing="1",
        **({"width": width} if width else {}),
    )


def stacked_form(*fields: rx.Component, on_submit, spacing: str = "3", **column_props: Any):
    """A form whose notices, fields and submit button stand one under another, full width."""
    return rx.form(
        rx.vstack(*fields, spacing=spacing, width="100%", **column_props),
        on_submit=on_submit,
        width="100%",
    )


def one_line_form(*controls: rx.Component, on_submit, **row_props: Any) -> rx.Component:
    """A form whose controls sit on one line: an input and its button (a search, a URL)."""
    return rx.form(
        rx.hstack(*controls, width="100%", **row_props),
        on_submit=on_submit,
        width="100%",
    )


def error_callout(message: Var[str], *, id: str = "form-error") -> rx.Component:
    return message_callout(message, icon="triangle-alert", color_scheme="red", role="alert", id=id)


def success_callout(message: Var[str], *, id: str = "form-success") -> rx.Component:
    return message_callout(message, icon="circle-check", color_scheme="grass", role="status", id=id)


def read_only_notice(reason: Var[str]) -> rx.Component:
    """Why the buttons on this page are disabled (a VIEWER, for instance)."""
    return message_callout(reason, icon="eye", color_scheme="amber", id="read-only-notice")


def submit_button(label: str, *, busy: Var[bool], disabled: Var[bool] | bool = False, **props):
    return rx.button(
        rx.cond(busy, rx.spinner(size="2"), rx.fragment()),
        label,
        type="submit",
        size="3",
        disabled=busy | disabled if isinstance(disabled, Var) else busy,
        **props,
    )


def empty_state(icon: str, title: str, text: str | Var[str], *actions: rx.Component):
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=28, color=rx.color("teal", 10)),
                width="56px",
                height="56px",
                border_radius="50%",
                background=rx.color("teal", 3),
            ),
            rx.heading(title, size="4"),
            rx.text(text, color_scheme="gray", align="center", max_width="420px"),
            *actions,
            align="center",
            spacing="3",
        ),
        padding_y="3em",
        width="100%",
    )


def server_page_link(*children: rx.Component | str, href, **props: Any) -> rx.Component:
    """A link to a page the API serves (install links, /oauth/device). Reflex renders links
    with the client-side router, which would look for a Reflex page there and show its 404;
    `reload_document` makes the browser load the URL itself."""
    return ReactRouterLink.create(*children, to=href, reload_document=True, **props)


def external_link(text: Any, *, href, **link_props: Any) -> rx.Component:
    """A link that opens in a new tab (a public store page), marked with the external-link icon."""
    return rx.hstack(
        rx.link(text, href=href, is_external=True, **link_props),
        rx.icon("external-link", size=14, color=rx.color("teal", 11)),
        align="center",
        spacing="1",
    )


def link_button(label: str, *, href, id: str | None = None, **button_props: Any):
    """A link to another page of the app that looks like a button (one focusable element)."""
    return rx.button(ReactRouterLink.create(label, to=href, id=id), as_child=True, **button_props)


def server_page_button(label: str, *, href, icon: str = "", id: str, **button_props: Any):
    """A server-page link that looks like a button (one focusable element, not a in button)."""
    content = [rx.icon(icon, size=16), label] if icon else [label]
    return rx.button(server_page_link(*content, href=href, id=id), as_child=True, **button_props)


def icon_text(icon: str, *texts: Any, id: str | None = None, **text_props: Any) -> rx.Component:
    """An icon beside a line of text (an icon inside `rx.text` would sit on its own line)."""
    return rx.hstack(
        rx.icon(icon, size=15, flex_shrink="0"),
        rx.text(*texts, **text_props),
        align="center",
        spacing="2",
        id=id,
    )
