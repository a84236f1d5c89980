"""Create an organization: the retailer's business, which they then own."""

from __future__ import annotations

import reflex as rx
from pydantic import ValidationError

from closient_app.components.forms import (
    error_callout,
    labelled_input,
    labelled_select,
    stacked_form,
    submit_button,
)
from closient_app.components.layout import auth_card
from closient_app.db import session_scope
from closient_app.pages import routes
from closient_app.schemas.accounts import OrganizationCreate
from closient_app.schemas.common import country_codes
from closient_app.services import accounts, web_identity
from closient_app.state.session import SessionState

# The countries retailers most often start from come first; every ISO code is accepted.
FIRST_COUNTRIES = ("US", "CA", "GB", "AU")


def country_options() -> list[str]:
    return [*FIRST_COUNTRIES, *sorted(set(country_codes()) - set(FIRST_COUNTRIES))]


class CreateOrganizationState(SessionState):
    error: str = ""
    name_error: str = ""
    busy: bool = False

    @rx.event
    def load(self):
        self.error = self.name_error = ""
        self.busy = False
        return self._gate(need_organization=False)

    @rx.event
    def submit(self, form: dict):
        self.error = self.name_error = ""
        try:
            data = OrganizationCreate(name=form.get("name", ""), country=form.get("country", ""))
        except ValidationError as exc:
            self.name_error = (
                "Give your business a name."
                if any(e["loc"] == ("name",) for e in exc.errors())
                else ""
            )
            self.error = "" if self.name_error else "Pick the country your stores are in."
            return None
        with session_scope() as db:
            user = web_identity.signed_in_user(session=db, cookie_header=self.router.headers.cookie)
            if user is None:
                return rx.redirect(routes.login_then(routes.CREATE_ORGANIZATION))
            org = accounts.create_organization(
                session=db, name=data.name, country=data.country, owner=user
            )
            org_id = org.id
        self.active_organization_id = org_id
        return rx.redirect(routes.ONBOARDING)


def create_organization_page() -> rx.Component:
    return auth_card(
        "Tell us about your business",
        "An organization holds your stores, your POS connection and your team. You will be its "
        "Owner.",
        stacked_form(
            error_callout(CreateOrganizationState.error, id="organization-error"),
            labelled_input(
                "Business name",
                id="organization-name-input",
                name="name",
                placeholder="Corner Hardware",
                required=True,
                error=CreateOrganizationState.name_error,
            ),
            labelled_select(
                "Country",
                id="organization-country",
                options=[(code, code) for code in country_options()],
                name="country",
                default_value="US",
                class_name="native-select",
            ),
            submit_button(
                "Create organization",
                busy=CreateOrganizationState.busy,
                width="100%",
                id="organization-submit",
            ),
            on_submit=CreateOrganizationState.submit,
            spacing="4",
        ),
    )
