"""Pieces that show a POS connection, in the wizard and on the integrations dashboard."""

from __future__ import annotations

from typing import Any

import reflex as rx

from closient_app.components.forms import server_page_button


def endpoint_state_badge(is_active: Any) -> rx.Component:
    """Whether a webhook endpoint is delivering updates (Active) or not (Paused)."""
    return rx.cond(
        is_active,
        rx.badge("Active", color_scheme="grass"),
        rx.badge("Paused", color_scheme="gray"),
    )


def approve_at_shopify_button(label: str, *, install_url: Any, id: str) -> rx.Component:
    """The button that takes the retailer to Shopify with an install link, to approve there."""
    return server_page_button(label, href=install_url, icon="shopping-bag", id=id, size="3")
