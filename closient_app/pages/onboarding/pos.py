"""Step 1, pick your POS: Shopify is live; others are on the way or go to our support team."""

from __future__ import annotations

import reflex as rx

from closient_app.components.cards import card_header
from closient_app.components.forms import (
    error_callout,
    labelled_input,
    labelled_textarea,
    stacked_form,
    submit_button,
    success_callout,
)
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.pages import routes
from closient_app.services import onboarding, support_requests
from closient_app.state.feedback import domain_problems, problem_text
from closient_app.state.onboarding import OnboardingState
from closient_app.state.session import NotAllowed

COMING_SOON = (
    ("square", "Square", "square"),
    ("clover", "Clover", "clover"),
    ("lightspeed", "Lightspeed", "zap"),
)


class PosStepState(OnboardingState):
    pos_choice: str = ""
    requested: list[str] = []
    show_other_form: bool = False
    error: str = ""
    notice: str = ""
    other_error: str = ""
    other_email_error: str = ""
    other_sent: bool = False

    @rx.event
    def load_step(self):
        self.error = self.notice = ""
        with session_scope() as db:
            status = onboarding.onboarding_status(
                session=db, organization_id=self.active_organization_id
            )
            requested = support_requests.requested_providers(
                session=db,
                organization_id=self.active_organization_id,
                user_id=self._user_id,
            )
        self.pos_choice = status.pos_choice or ("shopify" if status.source else "")
        self.requested = sorted(requested)

    @rx.event
    def choose_shopify(self):
        try:
            access = self._access()
        except NotAllowed as exc:
            self.error = str(exc)
            return None
        with session_scope() as db:
            onboarding.choose_pos(session=db, organization_id=access.organization_id, pos="shopify")
        return rx.redirect(routes.onboarding_step(2))

    @rx.event
    def notify_me(self, provider: str):
        try:
            access = self._access()
            with session_scope() as db:
                support_requests.request_pos_interest(
                    session=db,
                    organization_id=access.organization_id,
                    user_id=access.user_id,
                    provider=provider,
                    contact_email=self.user_email,
                )
        except (NotAllowed, ApiError) as exc:
            self.error = problem_text(exc)
            return
        self.requested = sorted({*self.requested, provider})
        self.notice = f"Noted. We will email {self.user_email} when it is ready."

    @rx.event
    def toggle_other_form(self):
        self.show_other_form = not self.show_other_form

    @rx.event
    def send_support_request(self, form: dict):
        self.other_error = self.other_email_error = ""
        try:
            access = self._access()
            with session_scope() as db:
                support_requests.file_support_request(
                    session=db,
                    organization_id=access.organization_id,
                    user_id=access.user_id,
                    pos_name=form.get("pos_name", ""),
                    contact_email=form.get("contact_email", ""),
                    message=form.get("message", ""),
                )
                onboarding.choose_pos(
                    session=db, organization_id=access.organization_id, pos="other"
                )
        except NotAllowed as exc:
            self.other_error = str(exc)
            return
        except ApiError as exc:
            self.other_error, fields = domain_problems(exc)
            self.other_email_error = fields.get("contact_email", "")
            return
        self.other_sent = True


def _pos_card(icon: str, name: str, badge: rx.Component, text: str, action: rx.Component):
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.icon(icon, size=22, color=rx.color("teal", 11)),
                    width="40px",
                    height="40px",
                    min_width="40px",
                    border_radius="10px",
                    background=rx.color("teal", 3),
                ),
                rx.spacer(),
                badge,
                align="center",
                width="100%",
            ),
            rx.heading(name, size="4"),
            rx.text(text, size="2", color_scheme="gray"),
            rx.spacer(),
            action,
            spacing="3",
            height="100%",
        ),
        size="2",
        id=f"pos-{name.lower()}",
    )


def _shopify_card() -> rx.Component:
    return _pos_card(
        "shopping-bag",
        "Shopify",
        rx.badge("Live", color_scheme="grass", variant="solid"),
        "Connect in one approval. We import your products, stock per store and store addresses.",
        rx.button(
            rx.cond(PosStepState.pos_choice == "shopify", "Continue with Shopify", "Use Shopify"),
            rx.icon("arrow-right", size=16),
            on_click=PosStepState.choose_shopify,
            disabled=~PosStepState.can_manage,
            size="3",
            width="100%",
            id="choose-shopify",
        ),
    )


def _coming_soon_card(key: str, name: str, icon: str) -> rx.Component:
    asked = PosStepState.requested.contains(key)
    return _pos_card(
        icon,
        name,
        rx.badge("Coming soon", color_scheme="gray"),
        f"We are building the {name} connection. Tell us you use it and we will let you know.",
        rx.button(
            rx.cond(asked, rx.icon("bell-ring", size=16), rx.icon("bell", size=16)),
            rx.cond(asked, "We'll tell you", "Tell me when it's ready"),
            on_click=PosStepState.notify_me(key),
            disabled=asked | ~PosStepState.can_manage,
            variant="soft",
            width="100%",
            id=f"notify-{key}",
        ),
    )


def _other_form() -> rx.Component:
    return rx.cond(
        PosStepState.other_sent,
        rx.callout(
            "Thanks. Our team will reply by email within one business day to help you connect.",
            icon="circle-check",
            color_scheme="grass",
            id="support-sent",
        ),
        stacked_form(
            error_callout(PosStepState.other_error, id="support-error"),
            rx.grid(
                labelled_input("Which POS do you use?", id="pos_name", required=True),
                labelled_input(
                    "Where can we reach you?",
                    id="contact_email",
                    type="email",
                    default_value=PosStepState.user_email,
                    error=PosStepState.other_email_error,
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            labelled_textarea("Anything we should know? (optional)", id="message"),
            submit_button(
                "Send to support",
                busy=False,
                disabled=~PosStepState.can_manage,
                id="send-support",
            ),
            on_submit=PosStepState.send_support_request,
        ),
    )


def pos_step() -> rx.Component:
    return rx.vstack(
        error_callout(PosStepState.error, id="pos-error"),
        success_callout(PosStepState.notice, id="pos-notice"),
        rx.grid(
            _shopify_card(),
            *[_coming_soon_card(*entry) for entry in COMING_SOON],
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            spacing="4",
            width="100%",
        ),
        rx.card(
            rx.vstack(
                card_header(
                    "life-buoy",
                    rx.text("Using something else?", weight="bold"),
                    rx.spacer(),
                    rx.button(
                        rx.cond(PosStepState.show_other_form, "Hide", "My POS isn't listed"),
                        on_click=PosStepState.toggle_other_form,
                        variant="outline",
                        id="pos-other",
                    ),
                    icon_color=rx.color("gray", 11),
                    width="100%",
                    wrap="wrap",
                ),
                rx.cond(PosStepState.show_other_form, _other_form()),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
        on_mount=PosStepState.load_step,
    )
