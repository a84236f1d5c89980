"""Step 2, connect: the shop's address in, a single-use install link out, approval at Shopify.

The link is made in-process (services/connect.py), the same kind an agent gets from the API:
it works in any browser for 30 minutes, once, so it can also be sent to the shop's owner.
"""

from __future__ import annotations

import reflex as rx

from closient_app.clock import utcnow
from closient_app.components.callouts import done_callout, message_callout
from closient_app.components.cards import card_header
from closient_app.components.forms import (
    error_callout,
    icon_text,
    labelled_input,
    stacked_form,
    submit_button,
)
from closient_app.components.pos_connection import approve_at_shopify_button
from closient_app.components.stepper import continue_button
from closient_app.connectors.interface import InvalidShop
from closient_app.connectors.shopify.domain import normalize_shop_domain
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.models import SourceStatus
from closient_app.pages.onboarding.connect_for_someone import device_connect_card
from closient_app.services import connect
from closient_app.services.onboarding import current_source
from closient_app.state.feedback import domain_problems
from closient_app.state.onboarding import OnboardingState
from closient_app.state.session import NotAllowed

LIVE = (SourceStatus.CONNECTED, SourceStatus.SYNCING, SourceStatus.ERROR)


class ConnectStepState(OnboardingState):
    shop_error: str = ""
    shop_ok: str = ""
    shop_prefill: str = ""  # set on load only: changing it would reset what was typed
    install_url: str = ""
    link_expires: str = ""
    error: str = ""
    connected_shop: str = ""
    previous_problem: str = ""
    link_copied: bool = False

    @rx.event
    def load_step(self):
        self.error = self.shop_error = ""
        self.install_url = ""
        self.link_copied = False
        with session_scope() as db:
            source = current_source(session=db, organization_id=self.active_organization_id)
            live = source is not None and source.status in LIVE
            self.connected_shop = source.shop_domain if live else ""
            self.shop_ok = self.shop_prefill = source.shop_domain if source else ""
            self.previous_problem = (source.last_error or "") if source and not live else ""

    @rx.event
    def check_shop(self, value: str):
        """Inline validation when the field loses focus."""
        self._validate_shop(value)

    def _validate_shop(self, value: str) -> None:
        self.shop_error, self.shop_ok = "", ""
        if not value.strip():
            return
        try:
            self.shop_ok = normalize_shop_domain(value)
        except InvalidShop as exc:
            self.shop_error = exc.reason

    @rx.event
    def create_link(self, form: dict):
        self.error = ""
        self._validate_shop(str(form.get("shop", "")))
        if not str(form.get("shop", "")).strip():
            self.shop_error = "Enter your shop's address, like corner-hardware.myshopify.com."
        if self.shop_error:
            return
        try:
            access = self._access()
            with session_scope() as db:
                issued = connect.create_install_link(
                    session=db,
                    organization_id=access.organization_id,
                    shop=self.shop_ok,
                    now=utcnow(),
                )
        except NotAllowed as exc:
            self.error = str(exc)
            return
        except ApiError as exc:
            self.error, fields = domain_problems(exc)
            self.shop_error = fields.get("shop", "")
            return
        self.install_url = issued.install_url
        self.link_expires = issued.expires_at.strftime("%H:%M UTC")
        self.link_copied = False

    @rx.event
    def copy_link(self):
        self.link_copied = True
        return rx.set_clipboard(self.install_url)


S = ConnectStepState


def _shop_form() -> rx.Component:
    return stacked_form(
        error_callout(S.error, id="connect-error"),
        labelled_input(
            "Your Shopify store address",
            id="shop-domain",
            name="shop",
            placeholder="corner-hardware.myshopify.com",
            default_value=S.shop_prefill,
            key=S.shop_prefill,
            on_blur=S.check_shop,
            error=S.shop_error,
            hint="Find it in your Shopify admin under Settings > Domains.",
            disabled=~S.can_manage,
            auto_complete="off",
        ),
        rx.cond(
            (S.shop_ok != "") & (S.shop_error == ""),
            icon_text(
                "circle-check",
                "We will connect ",
                rx.code(S.shop_ok),
                size="2",
                color_scheme="grass",
                id="shop-ok",
            ),
        ),
        submit_button(
            "Create my install link",
            busy=False,
            disabled=~S.can_manage,
            id="create-install-link",
        ),
        on_submit=S.create_link,
        max_width="520px",
    )


def _install_link_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            card_header("external-link", rx.heading("Next: approve at Shopify", size="4")),
            rx.text(
                "This step happens at Shopify, not here. Shopify shows what Closient may read "
                "(products, stock and store addresses); approve it, and Shopify sends you "
                "straight back to this page.",
            ),
            rx.hstack(
                approve_at_shopify_button(
                    "Open Shopify to approve", install_url=S.install_url, id="open-install-link"
                ),
                rx.button(
                    rx.cond(S.link_copied, "Copied", "Copy link"),
                    on_click=S.copy_link,
                    variant="soft",
                    size="3",
                ),
                spacing="3",
                wrap="wrap",
            ),
            rx.text(
                "You can also send this link to the shop's owner: it works once, in any "
                "browser, until ",
                S.link_expires,
                ", and connects their store to this organization.",
                size="2",
                color_scheme="gray",
            ),
            spacing="3",
        ),
        width="100%",
        id="install-link-card",
    )


def _connected_notice() -> rx.Component:
    return done_callout(
        "Your store ",
        rx.code(S.connected_shop),
        " is connected.",
        icon="plug-zap",
        id="already-connected",
    )


def connect_step() -> rx.Component:
    return rx.vstack(
        rx.cond(S.connected_shop != "", _connected_notice()),
        message_callout(S.previous_problem, icon="unplug", color_scheme="amber"),
        _shop_form(),
        rx.cond(S.install_url != "", _install_link_card()),
        rx.cond(S.connected_shop != "", continue_button("Continue to verification", 3)),
        device_connect_card(),
        spacing="4",
        width="100%",
        on_mount=S.load_step,
    )
