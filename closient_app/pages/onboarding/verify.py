"""Step 3, verify: we check the connection ourselves and show the webhook endpoints we set up.

The live call to Shopify may take a moment, so the check runs as a background event and the
page shows that it is checking; on failure it says why and offers a fresh install link.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from closient_app.clock import utcnow
from closient_app.components.callouts import done_callout, problem_callout
from closient_app.components.forms import error_callout
from closient_app.components.pos_connection import (
    approve_at_shopify_button,
    endpoint_state_badge,
)
from closient_app.components.stepper import continue_button
from closient_app.components.tables import scrolling_table
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.services import connect
from closient_app.services.connection_check import check_connection
from closient_app.state.feedback import problem_text
from closient_app.state.onboarding import OnboardingState
from closient_app.state.session import NotAllowed


@dataclasses.dataclass
class EndpointRow:
    topics: str
    receive_url: str
    forward_url: str
    is_active: bool


class VerifyStepState(OnboardingState):
    checking: bool = False
    checked: bool = False
    shop: str = ""
    problem: str = ""
    can_retry: bool = False
    variant_count: int = -1  # -1: Shopify was not asked (or did not answer)
    endpoints: list[EndpointRow] = []
    fresh_link: str = ""
    error: str = ""

    @rx.event(background=True)
    async def load_step(self):
        async with self:
            self.checking, self.fresh_link, self.error = True, "", ""
            organization_id = self.active_organization_id
        result = await check_connection(organization_id=organization_id)
        async with self:
            self.shop, self.problem, self.can_retry = result.shop, result.problem, result.can_retry
            self.variant_count = -1 if result.variant_count is None else result.variant_count
            self.endpoints = [
                EndpointRow(e.topics, e.receive_url, e.forward_url, e.is_active)
                for e in result.endpoints
            ]
            self.checking, self.checked = False, True
        yield OnboardingState.refresh_status

    @rx.event
    def fresh_install_link(self):
        self.error = ""
        try:
            access = self._access()
            with session_scope() as db:
                issued = connect.create_install_link(
                    session=db, organization_id=access.organization_id, shop=self.shop, now=utcnow()
                )
        except (NotAllowed, ApiError) as exc:
            self.error = problem_text(exc)
            return
        self.fresh_link = issued.install_url


S = VerifyStepState


def _fact(ok, text) -> rx.Component:
    return rx.hstack(
        rx.cond(
            ok,
            rx.icon("circle-check", color=rx.color("grass", 9), size=20),
            rx.icon("circle-x", color=rx.color("red", 9), size=20),
        ),
        rx.text(text),
        align="center",
        spacing="2",
    )


def _endpoint_row(endpoint) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(endpoint.topics, size="2")),
        rx.table.cell(rx.code(endpoint.receive_url, size="1")),
        rx.table.cell(endpoint_state_badge(endpoint.is_active)),
    )


def _verified() -> rx.Component:
    return rx.vstack(
        done_callout(
            "Connection verified: ",
            rx.code(S.shop),
            " answers us and sends updates.",
            icon="shield-check",
            id="verify-ok",
        ),
        _fact(True, rx.text("Shopify accepts our access to ", rx.code(S.shop))),
        rx.cond(
            S.variant_count >= 0,
            _fact(True, rx.text("Your catalog has ", S.variant_count, " product variants")),
        ),
        _fact(
            True,
            rx.text(S.endpoints.length(), " webhook endpoints keep your stock fresh between syncs"),
        ),
        scrolling_table(
            ("Updates about", "Delivered to", "State"),
            S.endpoints,
            _endpoint_row,
            size="1",
            id="endpoint-table",
        ),
        continue_button("Continue to the first sync", 4),
        spacing="3",
        width="100%",
    )


def _failed() -> rx.Component:
    return rx.vstack(
        problem_callout("The connection is not working. ", S.problem, id="verify-problem"),
        error_callout(S.error, id="verify-error"),
        rx.cond(
            S.can_retry & (S.shop != ""),
            rx.cond(
                S.fresh_link != "",
                approve_at_shopify_button(
                    "Open Shopify to approve again", install_url=S.fresh_link, id="open-fresh-link"
                ),
                rx.button(
                    rx.icon("refresh-cw", size=16),
                    "Get a fresh install link",
                    on_click=S.fresh_install_link,
                    disabled=~S.can_manage,
                    size="3",
                    id="fresh-link",
                ),
            ),
        ),
        rx.cond(
            S.can_retry & (S.shop == ""),
            rx.button("Go back to Connect", on_click=OnboardingState.continue_to(2), size="3"),
        ),
        rx.cond(
            ~S.can_retry,
            rx.button("Check again", on_click=S.load_step, variant="soft", id="check-again"),
        ),
        spacing="3",
        width="100%",
    )


def verify_step() -> rx.Component:
    return rx.box(
        rx.cond(
            S.checking | ~S.checked,
            rx.hstack(
                rx.spinner(size="3"),
                rx.text("Checking your connection with Shopify…"),
                align="center",
                id="verify-checking",
            ),
            rx.cond(S.problem == "", _verified(), _failed()),
        ),
        width="100%",
        on_mount=S.load_step,
    )
