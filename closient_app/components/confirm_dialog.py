"""The question asked before something that cannot be taken back (revoke a key, show or rotate a
secret, disconnect a store)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def confirm_dialog(
    title: Any,
    *description: Any,
    open: Any,
    cancel_label: str,
    on_cancel: Any,
    confirm_label: Any,
    confirm_color: Any,
    on_confirm: Any,
    confirm_id: str,
) -> rx.Component:
    """A dialog open while `open` holds: the question, what happens, and the two answers."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(*description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(cancel_label, variant="soft", on_click=on_cancel)),
                rx.alert_dialog.action(
                    rx.button(
                        confirm_label,
                        color_scheme=confirm_color,
                        on_click=on_confirm,
                        id=confirm_id,
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
        open=open,
    )
