"""Who the UI thinks is signed in, and what they may do: always from the session cookie."""

from __future__ import annotations

import pytest

from closient_app.models import Membership, Role
from closient_app.services import sessions
from closient_app.state.session import NotAllowed, SessionState
from tests.factories import make_org, make_user
from tests.ui.browser_state import cookie_for, redirect_path, state_in_tab


def test_a_signed_out_tab_is_sent_to_log_in_and_back(db) -> None:
    state = state_in_tab(SessionState, path="/onboarding?step=5")

    event = state.require_organization()

    assert redirect_path(event) == "/login?next=%2Fonboarding%3Fstep%3D5"
    assert state.signed_in is False


def test_a_forged_cookie_is_a_signed_out_tab(db) -> None:
    state = state_in_tab(SessionState, cookie="closient_session=made-up.signature")

    assert redirect_path(state.require_account()).startswith("/login")


def test_a_new_user_without_an_organization_is_sent_to_create_one(db) -> None:
    user = make_user(db)
    state = state_in_tab(SessionState, cookie=cookie_for(db, user))

    event = state.require_organization()

    assert redirect_path(event) == "/organizations/create"
    assert state.user_email == user.email


def test_the_first_organization_is_active_and_the_role_comes_from_the_membership(db) -> None:
    owner = make_user(db)
    first = make_org(db, name="First", owner=owner)
    make_org(db, name="Second", owner=owner)
    state = state_in_tab(SessionState, cookie=cookie_for(db, owner))

    assert state.require_organization() is None
    assert state.active_organization_id == first.id
    assert [o.name for o in state.organizations] == ["First", "Second"]
    assert state.role == "OWNER" and state.can_manage and state.read_only_reason == ""


def test_switching_to_an_organization_you_are_not_in_is_ignored(db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    stranger_org = make_org(db, name="Not yours")
    state = state_in_tab(SessionState, cookie=cookie_for(db, owner))
    state.require_organization()

    assert state.switch_organization(stranger_org.id) is None
    assert state.active_organization_id == org.id


def test_a_viewer_reads_but_may_not_write(db) -> None:
    org = make_org(db)
    viewer = make_user(db)
    db.add(Membership(organization_id=org.id, user_id=viewer.id, role=Role.VIEWER))
    db.commit()
    state = state_in_tab(SessionState, cookie=cookie_for(db, viewer))
    state.require_organization()

    assert state.can_manage is False
    assert "Viewer" in state.read_only_reason
    assert state._access(manage=False).role == Role.VIEWER
    with pytest.raises(NotAllowed, match="Owner or a Manager"):
        state._access()


def test_a_revoked_session_stops_writes_at_once(db) -> None:
    owner = make_user(db)
    make_org(db, owner=owner)
    cookie = cookie_for(db, owner)
    state = state_in_tab(SessionState, cookie=cookie)
    state.require_organization()

    sessions.end_session(session=db, cookie_value=cookie.split("=", 1)[1])
    db.commit()

    with pytest.raises(NotAllowed, match="session has ended"):
        state._access()
