"""Step 4, first sync: a live progress bar from the sync job, the offer count, the time of the
last sync and any error in words, with a retry.

Progress is polled by a background event, never faster than every 5 s: while the job moves
the poll stays at 5 s, while nothing changes it backs off (x1.5 up to 30 s). The loop stops
when the job ends, when the person leaves the step, or after 15 minutes.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from closient_app.clock import utcnow
from closient_app.components.callouts import done_callout, problem_callout
from closient_app.components.forms import error_callout, icon_text
from closient_app.components.stepper import continue_button
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.services import onboarding_sync
from closient_app.services.onboarding import current_source
from closient_app.state.feedback import problem_text
from closient_app.state.marketplace_view import checked_text
from closient_app.state.onboarding import OnboardingState
from closient_app.state.session import NotAllowed

POLL_MIN_S = 5.0
POLL_MAX_S = 30.0
POLL_BACKOFF = 1.5
POLL_GIVE_UP_S = 15 * 60
FINISHED = ("succeeded", "failed", "cancelled", "none")


def read_progress(organization_id: str) -> onboarding_sync.SyncProgress | None:
    with session_scope() as db:
        source = current_source(session=db, organization_id=organization_id)
        return onboarding_sync.sync_progress(session=db, source=source) if source else None


def next_delay(delay: float, moved: bool) -> float:
    """5 s while the job moves; otherwise back off, up to 30 s."""
    return POLL_MIN_S if moved else min(delay * POLL_BACKOFF, POLL_MAX_S)


class FirstSyncStepState(OnboardingState):
    job_status: str = ""  # "" until read; then none | queued | running | succeeded | failed
    done: int = 0
    total: int = 0
    unit: str = "variants"
    offers: int = 0
    percent: int = 0
    problem: str = ""
    retry_at: str = ""
    last_sync: str = ""
    polling: bool = False
    error: str = ""
    _nudged: bool = False  # "retry now" cuts the poll loop's back-off short

    def _show(self, progress: onboarding_sync.SyncProgress | None) -> None:
        if progress is None:
            self.job_status = "none"
            return
        self.job_status, self.done, self.unit = progress.status, progress.done, progress.unit
        self.total, self.offers = progress.total or 0, progress.offers
        self.percent, self.problem = progress.percent, progress.problem
        self.retry_at = progress.retry_at.strftime("%H:%M:%S UTC") if progress.retry_at else ""
        self.last_sync = (
            f"{checked_text(progress.last_sync_at, utcnow()).replace('Checked', 'Last synced')}"
            f" ({progress.last_sync_at:%Y-%m-%d %H:%M UTC})"
            if progress.last_sync_at
            else ""
        )

    @rx.event(background=True)
    async def load_step(self):
        async with self:
            if self.polling:  # one poll loop per tab is enough
                return
            self.polling, self.error = True, ""
            organization_id = self.active_organization_id
        delay, started, last_seen = POLL_MIN_S, time.monotonic(), None
        try:
            while time.monotonic() - started < POLL_GIVE_UP_S:
                progress = await asyncio.to_thread(read_progress, organization_id)
                async with self:
                    self._show(progress)
                    still_here = self.viewing == 4
                if progress is None or progress.status in FINISHED or not still_here:
                    break
                seen = (progress.status, progress.done, progress.offers, progress.attempts)
                delay = next_delay(delay, moved=seen != last_seen)
                last_seen = seen
                if await self._wait(delay):
                    delay = POLL_MIN_S
        finally:
            async with self:
                self.polling = False
        yield OnboardingState.refresh_status

    async def _wait(self, delay: float) -> bool:
        """Sleep `delay` s, or less (never under 5 s) after "retry now"; True if cut short."""
        waited = 0.0
        while waited < delay:
            await asyncio.sleep(1.0)
            waited += 1.0
            async with self:
                nudged, self._nudged = self._nudged, False
            if nudged:
                await asyncio.sleep(max(0.0, POLL_MIN_S - waited))
                return True
        return False

    @rx.event
    def sync_now(self):
        self.error = ""
        try:
            access = self._access()
            with session_scope() as db:
                source = current_source(session=db, organization_id=access.organization_id)
                if source is None:
                    raise NotAllowed("Connect your store first (step 2).")
                onboarding_sync.sync_now(session=db, source=source)
        except (NotAllowed, ApiError) as exc:
            self.error = problem_text(exc)
            return None
        self.job_status, self.problem, self.percent, self.done = "queued", "", 0, 0
        self._nudged = True
        return FirstSyncStepState.load_step


S = FirstSyncStepState


def _progress_block() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(
                rx.cond(
                    S.job_status == "queued",
                    "Waiting for our sync worker to start…",
                    "Reading your catalog from Shopify…",
                ),
                weight="medium",
            ),
            align="center",
        ),
        rx.progress(value=S.percent, max=100, size="3", width="100%", id="sync-progress"),
        rx.text(
            S.done,
            rx.cond(S.total > 0, rx.text.span(" of ", S.total), ""),
            " ",
            S.unit,
            " read · ",
            S.offers,
            " in-store offers so far",
            size="2",
            color_scheme="gray",
            id="sync-counts",
        ),
        spacing="2",
        width="100%",
    )


def _problem_block() -> rx.Component:
    return problem_callout(
        "The sync ran into a problem. ",
        S.problem,
        rx.cond(
            S.retry_at != "",
            rx.text("We will try again by ourselves at ", S.retry_at, ".", size="2"),
        ),
        rx.button(
            rx.icon("rotate-ccw", size=16),
            "Retry now",
            on_click=S.sync_now,
            disabled=~S.can_manage,
            color_scheme="red",
            id="retry-sync",
        ),
        id="sync-problem",
        width="100%",
    )


def _succeeded_block() -> rx.Component:
    return rx.vstack(
        done_callout(
            rx.text.strong("Sync complete. "),
            S.offers,
            " in-store offers imported from your catalog.",
            icon="circle-check",
            id="sync-complete",
        ),
        rx.progress(value=100, max=100, size="3", width="100%", color_scheme="grass"),
        rx.hstack(
            continue_button("Continue to your locations", 5),
            rx.button(
                rx.icon("refresh-cw", size=16),
                "Sync again",
                on_click=S.sync_now,
                variant="soft",
                size="3",
                disabled=~S.can_manage,
                id="sync-again",
            ),
            spacing="3",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )


def first_sync_step() -> rx.Component:
    return rx.vstack(
        error_callout(S.error, id="sync-error"),
        rx.match(
            S.job_status,
            ("", rx.hstack(rx.spinner(), rx.text("Reading the sync status…"))),
            ("none", rx.callout("No sync has started yet: connect your store first.", icon="info")),
            ("succeeded", _succeeded_block()),
            rx.cond(
                S.problem != "",
                _problem_block(),
                _progress_block(),
            ),
        ),
        rx.cond(
            S.last_sync != "",
            icon_text("clock", S.last_sync, size="2", color_scheme="gray", id="last-sync"),
        ),
        rx.text(
            "Most catalogs under 1,000 products take 30 to 120 seconds. You can leave this page: "
            "the sync carries on, and this step shows where it got to when you come back.",
            size="2",
            color_scheme="gray",
        ),
        spacing="4",
        width="100%",
        on_mount=S.load_step,
    )
