"""Reflex states as a browser tab would have them: built from the root, with the request's
cookie and URL in the router (what the websocket handshake carries in the real app)."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session

from closient_app.models import User
from closient_app.services import sessions


def cookie_for(db: Session, user: User) -> str:
    started = sessions.start_session(session=db, user=user)
    db.commit()
    return f"{sessions.COOKIE_NAME}={started.cookie_value}"


def state_in_tab(state_cls, *, cookie: str = "", path: str = "/onboarding"):
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(state_cls.get_full_name().split("."))
    state.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie, "origin": "http://testserver"}, "asPath": path}
    )
    return state


def redirect_path(event) -> str:
    """Where an `rx.redirect(...)` event spec sends the browser."""
    return dict((name._js_expr, value._var_value) for name, value in event.args)["path"]
