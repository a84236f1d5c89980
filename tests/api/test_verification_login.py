"""Logging in on the two device verification pages (agent approval and POS connect): one
function serves both, so both answer alike."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from closient_app.models import WebSession
from closient_app.services.sessions import BAD_LOGIN, COOKIE_NAME
from tests.factories import make_user

PASSWORD = "correct horse battery"
PAGES = ["/oauth/device", "/integrations/connect/device"]


@pytest.mark.parametrize("page", PAGES)
def test_the_right_password_goes_back_to_the_page_signed_in(client, db, page) -> None:
    user = make_user(db, password=PASSWORD)

    answer = client.post(
        f"{page}/login",
        data={"email": user.email, "password": PASSWORD, "user_code": "BCDF GHJK"},
        follow_redirects=False,
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{page}?user_code=BCDF%20GHJK"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=") and "HttpOnly" in cookie and "Path=/" in cookie
    assert "samesite=lax" in cookie.lower()
    assert db.exec(select(func.count()).select_from(WebSession)).one() == 1


@pytest.mark.parametrize("page", PAGES)
def test_a_wrong_password_shows_the_form_again_and_starts_nothing(client, db, page) -> None:
    user = make_user(db, password=PASSWORD)

    answer = client.post(
        f"{page}/login",
        data={"email": user.email, "password": "wrong horse battery", "user_code": "BCDF-GHJK"},
        follow_redirects=False,
    )

    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-store"
    assert "set-cookie" not in answer.headers
    assert BAD_LOGIN in answer.text
    assert f"action={page}/login" in answer.text and "value='BCDF-GHJK'" in answer.text
    assert db.exec(select(func.count()).select_from(WebSession)).one() == 0
