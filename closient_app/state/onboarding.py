"""The wizard's frame: which step is shown, and what each step's status is.

Statuses come from `services.onboarding` (the database), never from what this browser tab
remembers, so a reload, another tab or a colleague's work all show the same progress. Each
step's own substate inherits this one and loads its data when its panel mounts.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from closient_app.db import session_scope
from closient_app.pages import routes
from closient_app.services import onboarding
from closient_app.state.session import SessionState


@dataclasses.dataclass
class StepView:
    number: int
    title: str
    status: str  # done | current | todo
    reachable: bool


def step_views(done: tuple[bool, ...], viewing: int, first_open: int) -> list[StepView]:
    """Done when the data says so; the step on screen is current unless already done."""
    views = []
    for number, title in enumerate(onboarding.STEP_TITLES, start=1):
        if done[number - 1]:
            status = "done"
        elif number == viewing or (number == first_open and viewing > first_open):
            status = "current"
        else:
            status = "todo"
        views.append(StepView(number, title, status, reachable=number <= first_open))
    return views


def requested_step(raw: str | None, first_open: int) -> int | None:
    """A `?step=N` the person may open: any finished step, or the first unfinished one."""
    try:
        step = int(raw or "")
    except ValueError:
        return None
    return step if 1 <= step <= first_open else None


class OnboardingState(SessionState):
    viewing: int = 0  # 0 until the status has been read
    steps: list[StepView] = []
    first_open: int = 1
    discoverable: bool = False

    @rx.var
    def viewing_title(self) -> str:
        if not 1 <= self.viewing <= onboarding.LAST_STEP:
            return ""
        return onboarding.STEP_TITLES[self.viewing - 1]

    @rx.var
    def viewing_done(self) -> bool:
        return any(s.number == self.viewing and s.status == "done" for s in self.steps)

    @rx.event
    def load(self):
        if redirect := self._gate():
            return redirect
        self._refresh_status(self.router.url.query_parameters.get("step"))
        return None

    def _refresh_status(self, requested: str | None = None) -> None:
        with session_scope() as db:
            status = onboarding.onboarding_status(
                session=db, organization_id=self.active_organization_id
            )
            step = requested_step(requested, status.first_open_step) or status.step_to_show
            if self.can_manage and step != status.stored_step:
                onboarding.remember_step(
                    session=db, organization_id=self.active_organization_id, step=step
                )
        self.first_open = status.first_open_step
        self.discoverable = status.readiness.discoverable
        self.viewing = step
        self.steps = step_views(status.done, step, status.first_open_step)

    @rx.event
    def refresh_status(self):
        """After a step changed data: recompute every status, staying on the same step."""
        # Shared states (locations) send this from the dashboard too: only the wizard listens.
        if self.viewing and self.router.url.path.rstrip("/") == routes.ONBOARDING:
            self._refresh_status(str(self.viewing))

    @rx.event
    def continue_to(self, step: int):
        return rx.redirect(routes.onboarding_step(step))
