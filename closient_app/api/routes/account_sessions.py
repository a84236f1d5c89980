"""Account app: sign up, log in and log out in a browser (the session cookie).

The cookie is HttpOnly (no script can read it), SameSite=Lax (other sites cannot make the
browser send it with a POST, which is what protects these forms and the JSON API from CSRF),
and Secure whenever the public URL is https (`api/browser_sessions.py` sets it). Agents do not
use these: they use API keys or the device flow.
"""

from __future__ import annotations

from fastapi import Request, Response

from closient_app.api.apps import app_router
from closient_app.api.browser_sessions import set_session_cookie
from closient_app.api.deps import SessionDep
from closient_app.schemas.accounts import LogIn, SignUp, UserOut
from closient_app.services import accounts, sessions

router = app_router("account")


@router.post("/signup", status_code=201, summary="Create an account and log in (sets the cookie)")
def sign_up(body: SignUp, response: Response, session: SessionDep) -> UserOut:
    user = accounts.sign_up(
        session=session, email=body.email, password=body.password, name=body.name
    )
    set_session_cookie(response, sessions.start_session(session=session, user=user).cookie_value)
    return UserOut.of(user)


@router.post("/login", summary="Log in with email and password (sets the session cookie)")
def log_in(body: LogIn, response: Response, session: SessionDep) -> UserOut:
    user = sessions.authenticate(session=session, email=body.email, password=body.password)
    set_session_cookie(response, sessions.start_session(session=session, user=user).cookie_value)
    return UserOut.of(user)


@router.post("/logout", status_code=204, summary="End this browser session")
def log_out(request: Request, session: SessionDep) -> Response:
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    if cookie:
        sessions.end_session(session=session, cookie_value=cookie)
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response
