"""Sign up: the browser posts to the JSON route, which creates the user and logs them in."""

from __future__ import annotations

import reflex as rx

from closient_app.components.forms import (
    error_callout,
    labelled_input,
    stacked_form,
    submit_button,
)
from closient_app.components.layout import auth_card, auth_switch_link
from closient_app.pages import routes
from closient_app.services.accounts import MIN_PASSWORD_LENGTH
from closient_app.state.feedback import envelope_problems, go_to_script, post_json_script
from closient_app.state.session import SessionState

SIGN_UP_SCRIPT = post_json_script(
    "/account/api/v1/signup",
    {"name": "signup-name", "email": "signup-email", "password": "signup-password"},
)


class SignUpState(SessionState):
    error: str = ""
    email_error: str = ""
    password_error: str = ""
    busy: bool = False

    @rx.event
    def load(self):
        self.error = self.email_error = self.password_error = ""
        self.busy = False
        if self._load_account():
            return rx.redirect(routes.ONBOARDING, replace=True)
        return None

    @rx.event
    def submit(self):
        self.busy = True
        self.error = self.email_error = self.password_error = ""
        return rx.call_script(SIGN_UP_SCRIPT, callback=SignUpState.finished)

    @rx.event
    def finished(self, answer: dict):
        self.busy = False
        if isinstance(answer, dict) and answer.get("status") == 201:
            return rx.call_script(go_to_script(routes.CREATE_ORGANIZATION))
        self.error, fields = envelope_problems(answer)
        self.email_error = fields.get("email", "")
        self.password_error = fields.get("password", "")
        return None


def signup_page() -> rx.Component:
    return auth_card(
        "Get your store found",
        "Create your Closient account. It takes a minute; connecting your POS takes one more.",
        stacked_form(
            error_callout(SignUpState.error, id="signup-error"),
            labelled_input("Your name", id="signup-name", auto_complete="name"),
            labelled_input(
                "Work email",
                id="signup-email",
                type="email",
                auto_complete="email",
                required=True,
                error=SignUpState.email_error,
            ),
            labelled_input(
                "Password",
                id="signup-password",
                type="password",
                auto_complete="new-password",
                required=True,
                error=SignUpState.password_error,
                hint=f"At least {MIN_PASSWORD_LENGTH} characters.",
            ),
            submit_button(
                "Create account", busy=SignUpState.busy, width="100%", id="signup-submit"
            ),
            on_submit=SignUpState.submit,
            spacing="4",
        ),
        auth_switch_link("Already have an account? ", "Log in", href=routes.LOGIN, id="to-login"),
    )
