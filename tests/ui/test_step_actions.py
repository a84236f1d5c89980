"""What the wizard's buttons do, and that only an Owner or Manager can make them do it."""

from __future__ import annotations

from closient_app.geo.points import coordinates_of
from closient_app.models import (
    GeocodeSource,
    Location,
    LocationStatus,
    Membership,
    OnboardingProgress,
    PosInterestRequest,
    Role,
    SupportRequest,
)
from closient_app.pages.onboarding.pos import PosStepState
from closient_app.state.locations import LocationsState
from tests.factories import make_location, make_org, make_user
from tests.ui.browser_state import cookie_for, redirect_path, state_in_tab


def _member(db, org, role: Role):
    user = make_user(db)
    db.add(Membership(organization_id=org.id, user_id=user.id, role=role))
    db.commit()
    return user


def _tab(db, state_cls, user, path="/onboarding"):
    tab = state_in_tab(state_cls, cookie=cookie_for(db, user), path=path)
    tab.require_organization()
    return tab


def test_an_owner_picks_shopify_and_moves_on(db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    tab = _tab(db, PosStepState, owner)

    event = tab.choose_shopify()

    assert redirect_path(event) == "/onboarding?step=2"
    db.expire_all()
    assert db.get(OnboardingProgress, org.id).pos_choice == "shopify"


def test_a_viewer_cannot_pick_a_pos(db) -> None:
    org = make_org(db)
    tab = _tab(db, PosStepState, _member(db, org, Role.VIEWER))

    assert tab.choose_shopify() is None

    assert "Owner or a Manager" in tab.error
    assert db.get(OnboardingProgress, org.id) is None


def test_asking_for_a_coming_soon_pos_is_stored_once(db) -> None:
    owner = make_user(db)
    make_org(db, owner=owner)
    tab = _tab(db, PosStepState, owner)

    tab.notify_me("square")
    tab.notify_me("square")

    assert tab.requested == ["square"]
    assert owner.email in tab.notice
    assert len(db.exec(PosInterestRequest.__table__.select()).all()) == 1


def test_a_support_request_names_each_problem_and_is_stored_when_complete(db) -> None:
    owner = make_user(db)
    make_org(db, owner=owner)
    tab = _tab(db, PosStepState, owner)

    tab.send_support_request({"pos_name": "", "contact_email": "nope", "message": ""})
    assert tab.other_email_error and not tab.other_sent

    tab.send_support_request(
        {"pos_name": "Toast", "contact_email": "me@store.test", "message": "Two stores"}
    )
    assert tab.other_sent
    stored = db.exec(SupportRequest.__table__.select()).one()
    assert stored.pos_name == "Toast" and stored.contact_email == "me@store.test"


def _pos_draft(db, org) -> Location:
    store = make_location(db, org, name="Uptown", published=False)
    store.geocode_source = GeocodeSource.POS
    db.add(store)
    db.commit()
    return store


def test_moving_the_pin_saves_a_manual_pin_and_publish_confirms_it(db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    store = _pos_draft(db, org)
    tab = _tab(db, LocationsState, owner, path="/dashboard/locations")
    tab.load_locations()
    assert tab.selected_id == store.id

    tab.pin_moved(44.9801, -93.2702)
    tab.publish()

    db.expire_all()
    saved = db.get(Location, store.id)
    assert coordinates_of(saved.geog) == (44.9801, -93.2702)
    assert saved.geocode_source == GeocodeSource.MANUAL
    assert saved.status == LocationStatus.PUBLISHED
    assert "Uptown is published" in tab.notice


def test_a_viewer_cannot_publish_or_move_a_pin(db) -> None:
    org = make_org(db)
    store = _pos_draft(db, org)
    tab = _tab(db, LocationsState, _member(db, org, Role.VIEWER), path="/dashboard/locations")
    tab.load_locations()

    tab.publish()
    assert "Owner or a Manager" in tab.error
    tab.pin_moved(45.0, -93.0)

    db.expire_all()
    unchanged = db.get(Location, store.id)
    assert unchanged.status == LocationStatus.DRAFT
    assert unchanged.geocode_source == GeocodeSource.POS


def test_a_multi_store_retailer_is_told_which_stores_are_unpublished(db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    make_location(db, org, name="Downtown", published=True)
    make_location(db, org, name="Uptown", published=False)
    make_location(db, org, name="Lakeside", published=False)
    tab = _tab(db, LocationsState, owner, path="/dashboard/locations")

    tab.load_locations()

    assert tab.needs_nudge and tab.published_count == 1
    assert tab.unpublished_names == "Uptown, Lakeside"


def test_another_organization_s_store_cannot_be_published(db) -> None:
    owner = make_user(db)
    make_org(db, owner=owner)
    theirs = make_location(db, make_org(db, name="Theirs"), published=False)
    tab = _tab(db, LocationsState, owner, path="/dashboard/locations")
    tab.selected_id = theirs.id

    tab.publish()

    assert "not in your organization" in tab.error
    db.expire_all()
    assert db.get(Location, theirs.id).status == LocationStatus.DRAFT
