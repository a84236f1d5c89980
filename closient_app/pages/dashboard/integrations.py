"""/dashboard/integrations: the POS connections and their webhook endpoints, with reveal,
rotate, forward URL, disconnect and reconnect (state in integrations_state.py)."""

from __future__ import annotations

import reflex as rx

from closient_app.components.callouts import message_callout
from closient_app.components.cards import card_header
from closient_app.components.confirm_dialog import confirm_dialog
from closient_app.components.forms import (
    empty_state,
    error_callout,
    link_button,
    one_line_form,
    read_only_notice,
    success_callout,
)
from closient_app.components.layout import dashboard_page
from closient_app.components.pos_connection import endpoint_state_badge
from closient_app.pages import routes
from closient_app.pages.dashboard.integrations_state import IntegrationsState

S = IntegrationsState


def _status_badge(status) -> rx.Component:
    return rx.match(
        status,
        ("connected", rx.badge("Connected", color_scheme="grass")),
        ("syncing", rx.badge("Syncing", color_scheme="blue")),
        ("error", rx.badge("Needs attention", color_scheme="red")),
        ("disconnected", rx.badge("Disconnected", color_scheme="gray")),
        rx.badge("Not finished", color_scheme="amber"),
    )


def _source_card(source) -> rx.Component:
    return rx.card(
        rx.vstack(
            card_header(
                "shopping-bag",
                rx.heading(source.shop, size="4"),
                _status_badge(source.status),
                wrap="wrap",
            ),
            rx.text(
                source.provider,
                " · connected ",
                source.connected,
                " · last sync ",
                source.last_sync,
                size="2",
                color_scheme="gray",
            ),
            message_callout(source.problem, icon="info", size="1"),
            rx.hstack(
                rx.cond(
                    source.live,
                    rx.fragment(
                        rx.button(
                            rx.icon("refresh-cw", size=14),
                            "Sync now",
                            on_click=S.sync_now(source.id),
                            variant="soft",
                            disabled=~S.can_manage,
                        ),
                        rx.button(
                            "Disconnect",
                            on_click=S.ask("disconnect", source.id),
                            color_scheme="red",
                            variant="outline",
                            disabled=~S.can_manage | S.busy,
                            class_name="disconnect-source",
                        ),
                    ),
                    rx.button(
                        rx.icon("plug", size=14),
                        "Reconnect",
                        on_click=rx.redirect("/onboarding?step=2"),
                        disabled=~S.can_manage,
                        class_name="reconnect-source",
                    ),
                ),
                spacing="3",
            ),
            spacing="3",
        ),
        width="100%",
        class_name="source-card",
        data_shop=source.shop,
    )


def _secret_cell(endpoint) -> rx.Component:
    shown = S.revealed.contains(endpoint.id)
    return rx.cond(
        shown,
        rx.vstack(
            rx.code(
                S.revealed[endpoint.id],
                class_name="endpoint-secret",
                style={"word_break": "break-all"},
            ),
            rx.button("Hide", on_click=S.hide_secret(endpoint.id), size="1", variant="ghost"),
            spacing="1",
            align="start",
        ),
        rx.hstack(
            rx.code("whsec_…", endpoint.secret_last4),
            rx.button(
                "Reveal",
                on_click=S.ask("reveal", endpoint.id),
                size="1",
                variant="soft",
                disabled=~S.can_manage,
                class_name="reveal-secret",
            ),
            rx.button(
                "Rotate",
                on_click=S.ask("rotate", endpoint.id),
                size="1",
                variant="soft",
                color_scheme="amber",
                disabled=~S.can_manage,
                class_name="rotate-secret",
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
    )


def _endpoint_card(endpoint) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(endpoint.topics, weight="medium", size="2"),
                rx.spacer(),
                endpoint_state_badge(endpoint.is_active),
                width="100%",
                align="start",
            ),
            rx.text("Shopify delivers to ", rx.code(endpoint.receive_url, size="1"), size="1"),
            rx.text(endpoint.shop, " · ", endpoint.deliveries, size="1", color_scheme="gray"),
            rx.hstack(
                rx.text("Signing secret", size="2"),
                _secret_cell(endpoint),
                align="center",
                wrap="wrap",
            ),
            one_line_form(
                rx.el.input(type="hidden", name="endpoint_id", value=endpoint.id),
                rx.input(
                    name="forward_url",
                    default_value=endpoint.forward_url,
                    placeholder="https://your-system.example.com/closient-events",
                    aria_label="Forward URL for " + endpoint.topics,
                    flex="1",
                    min_width="240px",
                    disabled=~S.can_manage,
                ),
                rx.button(
                    "Save forward URL", type="submit", variant="soft", disabled=~S.can_manage
                ),
                on_submit=S.save_forward_url,
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="endpoint-card",
    )


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(
        S.confirm_title,
        S.confirm_text,
        open=S.confirm_kind != "",
        cancel_label="Cancel",
        on_cancel=S.cancel,
        confirm_label=S.confirm_action,
        confirm_color=rx.cond(S.confirm_kind == "reveal", "teal", "red"),
        on_confirm=S.confirm,
        confirm_id="confirm-action",
    )


def integrations_page() -> rx.Component:
    return dashboard_page(
        "Integrations",
        read_only_notice(S.read_only_reason),
        error_callout(S.error, id="integrations-error"),
        success_callout(S.notice, id="integrations-notice"),
        rx.heading("Point of sale", size="5"),
        rx.cond(
            S.sources.length() > 0,
            rx.vstack(rx.foreach(S.sources, _source_card), spacing="3", width="100%"),
            empty_state(
                "plug",
                "No POS connected",
                "Connect Shopify to sync your products and stock.",
                link_button("Connect Shopify", href=routes.onboarding_step(2)),
            ),
        ),
        rx.heading("Webhook endpoints", size="5", margin_top="0.5em"),
        rx.text(
            "Shopify tells us about changes through these. Set a forward URL to receive each "
            "change from us too, signed with the endpoint's secret (X-Closient-Signature).",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            S.endpoints.length() > 0,
            rx.grid(
                rx.foreach(S.endpoints, _endpoint_card),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
            ),
            rx.text("Endpoints appear here once a store is connected.", color_scheme="gray"),
        ),
        _confirm_dialog(),
        current=routes.DASHBOARD_INTEGRATIONS,
    )
