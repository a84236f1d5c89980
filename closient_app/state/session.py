"""Who is signed in, which organization they are working in, and what their role lets them do.

Identity is never taken from the browser: the HttpOnly session cookie travels in the websocket
handshake, and every page load and every write resolves it again on the server (a session can
be revoked or a role changed at any moment). The active organization is a plain preference kept
in localStorage; membership in it is checked on the server each time.
"""

from __future__ import annotations

import dataclasses
import json
from typing import NamedTuple

import reflex as rx

from closient_app.db import session_scope
from closient_app.models import Role
from closient_app.pages import routes
from closient_app.services import accounts, web_identity

LOG_OUT_SCRIPT = """
fetch("/account/api/v1/logout", {method: "POST", credentials: "same-origin"})
  .then((r) => r.status).catch(() => 0)
"""


@dataclasses.dataclass
class OrganizationChoice:
    id: str
    name: str
    role: str


class Access(NamedTuple):
    user_id: str
    organization_id: str
    role: Role


class NotAllowed(Exception):
    """The signed-in person may not do this here; the message says why, in words."""


def role_label(role: str) -> str:
    return role.title() if role else ""


class SessionState(rx.State):
    user_email: str = ""
    user_name: str = ""
    organizations: list[OrganizationChoice] = []
    role: str = ""
    account_loaded: bool = False
    active_organization_id: str = rx.LocalStorage("", name="closient_organization")
    # Backend-only (never sent to the browser, no setter): set from the cookie on each load.
    _user_id: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return self.user_email != ""

    @rx.var
    def can_manage(self) -> bool:
        return self.role in web_identity.MANAGING_ROLES

    @rx.var
    def active_organization_name(self) -> str:
        found = [o.name for o in self.organizations if o.id == self.active_organization_id]
        return found[0] if found else ""

    @rx.var
    def read_only_reason(self) -> str:
        if not self.role or self.can_manage:
            return ""
        return (
            f"You are a {role_label(self.role)} in {self.active_organization_name}, so you can "
            "look but not change anything. Ask an Owner or a Manager to make changes."
        )

    def _load_account(self) -> bool:
        """Resolve the cookie into the user and their organizations; False when signed out."""
        with session_scope() as db:
            user = web_identity.signed_in_user(session=db, cookie_header=self.router.headers.cookie)
            memberships = accounts.organizations_of(session=db, user_id=user.id) if user else []
            self._user_id = user.id if user else ""
            self.user_email = user.email if user else ""
            self.user_name = user.name if user else ""
        self.organizations = [
            OrganizationChoice(id=org.id, name=org.name, role=role.value)
            for org, role in memberships
        ]
        known = {o.id: o.role for o in self.organizations}
        if self.active_organization_id not in known:
            self.active_organization_id = self.organizations[0].id if self.organizations else ""
        self.role = known.get(self.active_organization_id, "")
        self.account_loaded = True
        return user is not None

    def _here(self) -> str:
        url = self.router.url
        return url.path + (f"?{url.query}" if url.query else "")

    def _gate(self, *, need_organization: bool = True) -> rx.event.EventSpec | None:
        """A redirect when the page cannot be shown (signed out, no organization yet)."""
        if not self._load_account():
            return rx.redirect(routes.login_then(self._here()), replace=True)
        if need_organization and not self.organizations:
            return rx.redirect(routes.CREATE_ORGANIZATION, replace=True)
        return None

    def _access(self, *, manage: bool = True) -> Access:
        """Check again, at the moment of a write, that this person may do it here."""
        with session_scope() as db:
            user = web_identity.signed_in_user(session=db, cookie_header=self.router.headers.cookie)
            if user is None:
                raise NotAllowed("Your session has ended. Log in again to continue.")
            role = web_identity.role_in(
                session=db, user_id=user.id, organization_id=self.active_organization_id
            )
        if role is None:
            raise NotAllowed("You are not a member of this organization any more.")
        if manage and role not in web_identity.MANAGING_ROLES:
            raise NotAllowed(
                f"Only an Owner or a Manager can do this; you are a {role_label(role)}."
            )
        return Access(user.id, self.active_organization_id, role)

    @rx.event
    def require_account(self):
        return self._gate(need_organization=False)

    @rx.event
    def require_organization(self):
        return self._gate()

    @rx.event
    def switch_organization(self, organization_id: str):
        if organization_id not in {o.id for o in self.organizations}:
            return None
        self.active_organization_id = organization_id
        # A reload re-runs every page loader for the new organization; nothing stale survives.
        return rx.call_script("window.location.reload()")

    @rx.event
    def log_out(self):
        # The cookie is HttpOnly, so only the server can clear it: the browser asks it to.
        return rx.call_script(LOG_OUT_SCRIPT, callback=SessionState.logged_out)

    @rx.event
    def logged_out(self, _status: int):
        self.reset()
        return rx.call_script(f"window.location.assign({json.dumps(routes.LOGIN)})")
