"""The six-step stepper: each step says done, current or to do, and finished steps link back;
and the button under a finished step that moves on to the next one.

Steps are links (`/onboarding?step=N`), so the browser's back button, a reload and a shared URL
all land on the same step; steps not reachable yet are plain text, marked `aria-disabled`.
"""

from __future__ import annotations

import reflex as rx

from closient_app.state.onboarding import OnboardingState


def _marker(step) -> rx.Component:
    done = step.status == "done"
    current = step.status == "current"
    return rx.center(
        rx.cond(done, rx.icon("check", size=16, stroke_width=3), rx.text(step.number, size="2")),
        width="30px",
        height="30px",
        min_width="30px",
        border_radius="50%",
        font_weight="bold",
        color=rx.cond(done, "white", rx.cond(current, rx.color("teal", 11), rx.color("gray", 10))),
        background=rx.cond(done, rx.color("teal", 9), rx.color("gray", 1)),
        border=rx.cond(
            current,
            f"2px solid {rx.color('teal', 9)}",
            rx.cond(done, f"2px solid {rx.color('teal', 9)}", f"2px solid {rx.color('gray', 6)}"),
        ),
    )


def _label(step, viewing) -> rx.Component:
    return rx.vstack(
        rx.text(
            step.title,
            size="2",
            weight=rx.cond(step.number == viewing, "bold", "medium"),
            color=rx.cond(step.status == "todo", rx.color("gray", 10), rx.color("gray", 12)),
        ),
        rx.text(
            rx.match(step.status, ("done", "Done"), ("current", "In progress"), "To do"),
            size="1",
            color_scheme="gray",
        ),
        spacing="0",
        align="start",
    )


def _item(step, viewing) -> rx.Component:
    content = rx.hstack(_marker(step), _label(step, viewing), align="center", spacing="2")
    frame = {
        "padding": "0.6em 0.75em",
        "border_radius": "10px",
        "width": "100%",
        "background": rx.cond(step.number == viewing, rx.color("teal", 3), "transparent"),
        "border": rx.cond(
            step.number == viewing, f"1px solid {rx.color('teal', 6)}", "1px solid transparent"
        ),
    }
    return rx.el.li(
        rx.cond(
            step.reachable,
            rx.link(
                content,
                href="/onboarding?step=" + step.number.to_string(),
                underline="none",
                aria_current=rx.cond(step.number == viewing, "step", None),
                aria_label=step.title + ": " + step.status,
                id="step-link-" + step.number.to_string(),
                display="block",
                **frame,
            ),
            rx.box(content, aria_disabled="true", opacity="0.75", **frame),
        ),
        list_style="none",
        id="step-" + step.number.to_string(),
        data_status=step.status,
    )


def stepper(steps, viewing) -> rx.Component:
    """`steps`: a list var of StepView; `viewing`: the step shown below the stepper."""
    return rx.el.nav(
        rx.el.ol(
            rx.foreach(steps, lambda step: _item(step, viewing)),
            display="grid",
            grid_template_columns=rx.breakpoints(
                initial="repeat(2, 1fr)", sm="repeat(3, 1fr)", lg="repeat(6, 1fr)"
            ),
            gap="0.5em",
            width="100%",
            padding="0",
            margin="0",
        ),
        aria_label="Onboarding steps",
        width="100%",
        id="stepper",
    )


def continue_button(label: str, step: int) -> rx.Component:
    """The button under a finished step that opens step `step` (its id: continue-<step>)."""
    return rx.button(
        label,
        rx.icon("arrow-right", size=16),
        on_click=OnboardingState.continue_to(step),
        size="3",
        id=f"continue-{step}",
    )
