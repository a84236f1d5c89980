"""Log in: the browser posts to the JSON route, which sets the HttpOnly session cookie."""

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
from closient_app.state.feedback import envelope_problems, go_to_script, post_json_script
from closient_app.state.session import SessionState

LOG_IN_SCRIPT = post_json_script(
    "/account/api/v1/login", {"email": "login-email", "password": "login-password"}
)


class LogInState(SessionState):
    error: str = ""
    busy: bool = False

    def _next(self) -> str:
        return routes.safe_next(self.router.url.query_parameters.get("next"))

    @rx.event
    def load(self):
        self.error = ""
        self.busy = False
        if self._load_account():  # already signed in: nothing to do here
            return rx.redirect(self._next(), replace=True)
        return None

    @rx.event
    def submit(self):
        # No form data comes here: the password goes from the browser to the JSON route only.
        self.busy = True
        self.error = ""
        return rx.call_script(LOG_IN_SCRIPT, callback=LogInState.finished)

    @rx.event
    def finished(self, answer: dict):
        self.busy = False
        if isinstance(answer, dict) and answer.get("status") == 200:
            return rx.call_script(go_to_script(self._next()))
        self.error, _ = envelope_problems(answer)
        return None


def login_page() -> rx.Component:
    return auth_card(
        "Welcome back",
        "Log in to keep your store discoverable.",
        stacked_form(
            error_callout(LogInState.error, id="login-error"),
            labelled_input(
                "Email", id="login-email", type="email", auto_complete="email", required=True
            ),
            labelled_input(
                "Password",
                id="login-password",
                type="password",
                auto_complete="current-password",
                required=True,
            ),
            submit_button("Log in", busy=LogInState.busy, width="100%", id="login-submit"),
            on_submit=LogInState.submit,
            spacing="4",
        ),
        auth_switch_link(
            "New to Closient? ", "Create an account", href=routes.SIGNUP, id="to-signup"
        ),
    )
