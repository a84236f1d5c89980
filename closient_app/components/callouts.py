"""Callouts that tell the retailer how things stand: a message while there is one, a step's
work done, or what went wrong in words with what they can do about it."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.base import Var


def message_callout(message: Var[str], *, icon: str, **callout_props: Any) -> rx.Component:
    """A callout showing `message`, drawn only while there is a message (not empty)."""
    return rx.cond(message != "", rx.callout(message, icon=icon, **callout_props))


def done_callout(*texts: Any, icon: str, id: str) -> rx.Component:
    """A green callout saying a step's work is done (the store connected, verified, synced)."""
    return rx.callout(rx.text(*texts), icon=icon, color_scheme="grass", id=id)


def problem_callout(lead: str, problem: Any, *remedies: rx.Component, id: str, **props: Any):
    """What went wrong: a bold lead ("The sync ran into a problem. "), the problem in words,
    and under them anything the retailer can do about it (a retry, when we retry)."""
    words = rx.text(rx.text.strong(lead), problem)
    body = rx.vstack(words, *remedies, spacing="2") if remedies else words
    return rx.callout(body, icon="triangle-alert", color_scheme="red", id=id, **props)
