"""/dashboard/api-keys: keys for agents and scripts. A new key is shown once; revoking asks
for confirmation first. Only Owners and Managers manage keys (Owners alone for Owner keys)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from closient_app.clock import utcnow
from closient_app.components.confirm_dialog import confirm_dialog
from closient_app.components.forms import (
    empty_state,
    error_callout,
    labelled_input,
    labelled_select,
    read_only_notice,
    submit_button,
    success_callout,
)
from closient_app.components.layout import dashboard_page
from closient_app.components.tables import scrolling_table
from closient_app.db import session_scope
from closient_app.errors import ApiError, ValidationFailed
from closient_app.models import ApiKey, Role
from closient_app.pages import routes
from closient_app.services import accounts, organization_keys
from closient_app.state.feedback import problem_text
from closient_app.state.session import NotAllowed, SessionState

GRANTABLE = ("MANAGER", "EDITOR", "VIEWER", "OWNER")
KEY_COLUMNS = ("Name", "Key", "Role", "State", "Created", "Last used", "")


@dataclasses.dataclass
class KeyRow:
    id: str
    name: str
    last4: str
    role: str
    state: str  # active | revoked | expired
    created: str
    last_used: str


def key_row(key: ApiKey) -> KeyRow:
    now = utcnow()
    expired = key.expires_at is not None and key.expires_at <= now
    state = "revoked" if not key.is_active else "expired" if expired else "active"
    return KeyRow(
        id=key.id,
        name=key.name,
        last4=key.key_last4,
        role=key.role.value,
        state=state,
        created=f"{key.created:%Y-%m-%d}",
        last_used=f"{key.last_used:%Y-%m-%d %H:%M}" if key.last_used else "Never",
    )


class ApiKeysState(SessionState):
    keys: list[KeyRow] = []
    new_key: str = ""  # the one time a key is shown; cleared on dismiss and on every load
    error: str = ""
    notice: str = ""
    revoking_id: str = ""

    @rx.var
    def revoking_name(self) -> str:
        return next((k.name for k in self.keys if k.id == self.revoking_id), "")

    def _reload(self) -> None:
        with session_scope() as db:
            rows = db.exec(organization_keys.keys_query(self.active_organization_id)).all()
            self.keys = [key_row(row) for row in rows]

    @rx.event
    def load_page(self):
        self.new_key = self.error = self.notice = self.revoking_id = ""
        if redirect := self._gate():
            return redirect
        self._reload()
        return None

    @rx.event
    def create_key(self, form: dict):
        self.error = self.notice = self.new_key = ""
        name = str(form.get("name", "")).strip()
        try:
            role = Role(form.get("role") or Role.MANAGER)
        except ValueError:
            self.error = "Pick a role for the key."
            return
        try:
            access = self._access()
            if not name:
                raise ValidationFailed("Give the key a name, like 'Inventory assistant'.")
            organization_keys.check_grant(
                acting_role=access.role, acting_scopes=frozenset(accounts.ALL_SCOPES), role=role
            )
            with session_scope() as db:
                issued = accounts.issue_api_key(
                    session=db,
                    organization_id=access.organization_id,
                    name=name[:200],
                    role=role,
                    created_by_user_id=access.user_id,
                )
                self.new_key = issued.key
        except (NotAllowed, ApiError) as exc:
            self.error = problem_text(exc)
            return
        self._reload()

    @rx.event
    def dismiss_new_key(self):
        self.new_key = ""

    @rx.event
    def copy_new_key(self):
        self.notice = "Copied. Store it somewhere safe."
        return rx.set_clipboard(self.new_key)

    @rx.event
    def ask_revoke(self, key_id: str):
        self.revoking_id = key_id

    @rx.event
    def cancel_revoke(self):
        self.revoking_id = ""

    @rx.event
    def confirm_revoke(self):
        self.error = self.notice = ""
        key_id, self.revoking_id = self.revoking_id, ""
        try:
            access = self._access()
            with session_scope() as db:
                record = organization_keys.get_key(
                    session=db, organization_id=access.organization_id, key_id=key_id
                )
                if record.role == Role.OWNER and access.role != Role.OWNER:
                    raise NotAllowed("Only an Owner can revoke an Owner key.")
                organization_keys.update_key(
                    session=db, record=record, changes={"is_active": False}
                )
                name = record.name
        except (NotAllowed, ApiError) as exc:
            self.error = problem_text(exc)
            return
        self.notice = f"The key “{name}” is revoked: anything using it is refused from now on."
        self._reload()


S = ApiKeysState


def _state_badge(key) -> rx.Component:
    return rx.match(
        key.state,
        ("active", rx.badge("Active", color_scheme="grass")),
        ("revoked", rx.badge("Revoked", color_scheme="red")),
        rx.badge("Expired", color_scheme="gray"),
    )


def _key_row(key) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(key.name, weight="medium")),
        rx.table.cell(rx.code("csb_…", key.last4)),
        rx.table.cell(key.role),
        rx.table.cell(_state_badge(key)),
        rx.table.cell(key.created),
        rx.table.cell(key.last_used),
        rx.table.cell(
            rx.cond(
                key.state == "active",
                rx.button(
                    "Revoke",
                    on_click=S.ask_revoke(key.id),
                    color_scheme="red",
                    variant="soft",
                    size="1",
                    disabled=~S.can_manage,
                    aria_label="Revoke " + key.name,
                ),
            )
        ),
        data_key_name=key.name,
        class_name="api-key-row",
    )


def _new_key_callout() -> rx.Component:
    return rx.cond(
        S.new_key != "",
        rx.callout(
            rx.vstack(
                rx.text(
                    rx.text.strong("Your new key. "),
                    "Copy it now: we keep only a fingerprint, so it cannot be shown again.",
                ),
                rx.code(S.new_key, id="new-api-key", size="3", style={"word_break": "break-all"}),
                rx.hstack(
                    rx.button("Copy key", on_click=S.copy_new_key, size="2"),
                    rx.button("I have stored it", on_click=S.dismiss_new_key, variant="soft"),
                    spacing="2",
                ),
                spacing="2",
            ),
            icon="key-round",
            color_scheme="teal",
            id="new-key-callout",
        ),
    )


def _create_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.flex(
                rx.box(
                    labelled_input(
                        "Key name", id="key-name", name="name", placeholder="Inventory assistant"
                    ),
                    flex="1",
                    min_width="220px",
                ),
                labelled_select(
                    "Role",
                    id="key-role",
                    options=[(role.title(), role) for role in GRANTABLE],
                    width=None,
                    name="role",
                    default_value="MANAGER",
                    style={"height": "40px", "padding": "0 0.5em", "border_radius": "6px"},
                ),
                submit_button("Create key", busy=False, disabled=~S.can_manage, id="create-key"),
                gap="1em",
                align="center",
                wrap="wrap",
            ),
            on_submit=S.create_key,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _revoke_dialog() -> rx.Component:
    return confirm_dialog(
        "Revoke this key?",
        "Anything using “",
        S.revoking_name,
        "” stops working at once. This cannot be undone.",
        open=S.revoking_id != "",
        cancel_label="Keep the key",
        on_cancel=S.cancel_revoke,
        confirm_label="Revoke",
        confirm_color="red",
        on_confirm=S.confirm_revoke,
        confirm_id="confirm-revoke",
    )


def api_keys_page() -> rx.Component:
    return dashboard_page(
        "API keys",
        read_only_notice(S.read_only_reason),
        error_callout(S.error, id="keys-error"),
        success_callout(S.notice, id="keys-notice"),
        _new_key_callout(),
        _create_form(),
        rx.cond(
            S.keys.length() > 0,
            scrolling_table(KEY_COLUMNS, S.keys, _key_row),
            empty_state("key-round", "No API keys yet", "Create one above for your first agent."),
        ),
        _revoke_dialog(),
        intro=(
            "Keys let agents and scripts use the Closient API for this organization. Give "
            "each tool its own key, so you can revoke one without breaking the others."
        ),
        current=routes.DASHBOARD_API_KEYS,
    )
