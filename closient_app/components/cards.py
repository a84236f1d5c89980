"""Pieces of the cards that group a page's content."""

from __future__ import annotations

from typing import Any

import reflex as rx


def card_header(
    icon: str, title: rx.Component, *beside: rx.Component, icon_color=None, **row_props: Any
) -> rx.Component:
    """A card's title line: its icon, its title, and what goes beside them (a badge, a
    button). The icon is teal unless `icon_color` says otherwise."""
    return rx.hstack(
        rx.icon(icon, size=20, color=icon_color or rx.color("teal", 10)),
        title,
        *beside,
        align="center",
        **row_props,
    )
