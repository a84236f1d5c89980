"""Step 2's other way in: connecting on behalf of someone else with a one-time code.

The person here (a colleague, an agency) asks for a code; the shop's owner opens the link,
signs in, confirms the code and approves at Shopify. This page then learns the outcome the way
an agent would, by polling the device grant (services/pos_device_connect.py), never faster than
its interval (5 s or more). The device code itself stays on the server, in a backend var.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from closient_app.clock import utcnow
from closient_app.components.cards import card_header
from closient_app.components.forms import (
    error_callout,
    icon_text,
    one_line_form,
    server_page_link,
)
from closient_app.connectors.interface import InvalidShop
from closient_app.connectors.shopify.domain import normalize_shop_domain
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.services import pos_device_connect
from closient_app.state.feedback import problem_text
from closient_app.state.onboarding import OnboardingState
from closient_app.state.session import NotAllowed

GIVE_UP_S = 20 * 60
STILL_WAITING = ("authorization_pending", "slow_down")


def poll_grant(device_code: str) -> tuple[str, str, int]:
    """(outcome, words, interval): outcome is connected, waiting or failed."""
    with session_scope() as db:
        grant = pos_device_connect.find_for_poll(session=db, device_code=device_code)
        if grant is None:
            return "failed", "This code is no longer known. Ask for a new one.", 5
        try:
            pos_device_connect.poll(grant=grant, now=utcnow())
        except pos_device_connect.DeviceFlowError as answer:
            waiting = answer.code in STILL_WAITING
            return ("waiting" if waiting else "failed"), answer.message, answer.interval
        return "connected", f"{grant.shop_domain} is connected.", grant.interval


class DeviceConnectState(OnboardingState):
    user_code: str = ""
    link: str = ""
    expires_in_min: int = 0
    status_words: str = ""
    outcome: str = ""  # "" | waiting | connected | failed
    error: str = ""
    _device_code: str = ""  # the agent-side secret: never sent to the browser

    @rx.event
    def start(self, form: dict):
        self.error, self.outcome = "", ""
        try:
            shop = normalize_shop_domain(str(form.get("shop", "")))
            access = self._access()
            with session_scope() as db:
                issued = pos_device_connect.start(
                    session=db,
                    organization_id=access.organization_id,
                    provider="shopify",
                    shop=shop,
                    requested_by=f"user:{access.user_id}",
                    now=utcnow(),
                )
        except InvalidShop as exc:
            self.error = exc.reason
            return None
        except (NotAllowed, ApiError) as exc:
            self.error = problem_text(exc)
            return None
        self._device_code, self.user_code = issued.device_code, issued.user_code
        self.link, self.expires_in_min = issued.verification_uri_complete, issued.expires_in // 60
        self.outcome, self.status_words = "waiting", "Waiting for them to enter the code…"
        return DeviceConnectState.follow

    @rx.event(background=True)
    async def follow(self):
        async with self:
            device_code = self._device_code
        started, interval = time.monotonic(), pos_device_connect.INTERVAL_S
        while time.monotonic() - started < GIVE_UP_S:
            await asyncio.sleep(max(interval, pos_device_connect.INTERVAL_S))
            outcome, words, interval = await asyncio.to_thread(poll_grant, device_code)
            async with self:
                if self._device_code != device_code:  # a newer code replaced this one
                    return
                self.outcome, self.status_words = outcome, words
            if outcome != "waiting":
                break
        yield OnboardingState.refresh_status


S = DeviceConnectState


def device_connect_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            card_header("key-round", rx.text("Connecting for someone else?", weight="bold")),
            rx.text(
                "Get a one-time code for their shop. They open the link, sign in, enter the "
                "code and approve at Shopify; this page shows when it is done. AI assistants "
                "use the same code flow through the API.",
                size="2",
                color_scheme="gray",
            ),
            error_callout(S.error, id="device-error"),
            rx.cond(
                S.user_code == "",
                one_line_form(
                    rx.input(
                        name="shop",
                        placeholder="their-store.myshopify.com",
                        aria_label="Their Shopify store address",
                        disabled=~S.can_manage,
                        flex="1",
                        min_width="220px",
                    ),
                    rx.button("Get a code", type="submit", variant="soft", disabled=~S.can_manage),
                    on_submit=S.start,
                    wrap="wrap",
                ),
                rx.vstack(
                    rx.text("Their code", size="2"),
                    rx.code(S.user_code, size="6", id="device-user-code", weight="bold"),
                    rx.text(
                        "Send them this link (valid ",
                        S.expires_in_min,
                        " minutes): ",
                        server_page_link(S.link, href=S.link, id="device-link"),
                        size="2",
                        style={"word_break": "break-all"},
                    ),
                    rx.match(
                        S.outcome,
                        (
                            "connected",
                            icon_text("circle-check", S.status_words, color_scheme="grass"),
                        ),
                        ("failed", icon_text("circle-x", S.status_words, color_scheme="red")),
                        rx.hstack(rx.spinner(size="1"), rx.text(S.status_words, size="2")),
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="device-connect-card",
    )
