"""The wizard's progress comes from the data, survives reloads, and only clamps, never skips."""

from __future__ import annotations

from closient_app.clock import utcnow
from closient_app.models import InventorySource, JobKind, SourceStatus, SyncJob, WebhookEndpoint
from closient_app.services import onboarding
from closient_app.services.crypto import encrypt_secret
from closient_app.state.onboarding import OnboardingState, requested_step, step_views
from tests.factories import make_location, make_offer, make_org, make_product, make_user
from tests.ui.browser_state import cookie_for, state_in_tab


def _connect(db, org, *, endpoints: int = 1, synced: bool = False) -> InventorySource:
    source = InventorySource(
        organization_id=org.id,
        provider="shopify",
        shop_domain=f"s-{org.id.lower()}.myshopify.com",
        status=SourceStatus.CONNECTED,
        connected_at=utcnow(),
    )
    db.add(source)
    db.flush()
    for n in range(endpoints):
        db.add(
            WebhookEndpoint(
                organization_id=org.id,
                source_id=source.id,
                provider="shopify",
                topic_group=f"g{n}",
                secret_encrypted=encrypt_secret("whsec_x"),
            )
        )
    if synced:
        job = SyncJob(organization_id=org.id, source_id=source.id, kind=JobKind.INITIAL_SYNC)
        job.status = "succeeded"
        db.add(job)
    db.commit()
    return source


def status(db, org):
    return onboarding.onboarding_status(session=db, organization_id=org.id)


def test_a_new_organization_starts_at_step_one(db) -> None:
    org = make_org(db)

    progress = status(db, org)

    assert progress.done == (False,) * 6
    assert progress.first_open_step == 1 and progress.step_to_show == 1


def test_picking_shopify_is_remembered_and_moves_to_connect(db) -> None:
    org = make_org(db)
    onboarding.choose_pos(session=db, organization_id=org.id, pos="shopify")
    db.commit()

    progress = status(db, org)

    assert progress.done[0] and progress.step_to_show == 2


def test_back_from_shopify_the_wizard_opens_on_verify(db) -> None:
    org = make_org(db)
    onboarding.choose_pos(session=db, organization_id=org.id, pos="shopify")
    _connect(db, org)

    progress = status(db, org)

    assert progress.done[:3] == (True, True, True)
    assert progress.stored_step == 2 and progress.step_to_show == 3


def test_a_connection_without_endpoints_did_not_land(db) -> None:
    org = make_org(db)
    _connect(db, org, endpoints=0)

    assert status(db, org).done[1:3] == (True, False)


def test_a_remembered_step_beyond_what_is_done_is_clamped(db) -> None:
    org = make_org(db)
    source = _connect(db, org, synced=True)
    onboarding.remember_step(session=db, organization_id=org.id, step=5)
    db.commit()
    source.status = SourceStatus.DISCONNECTED
    db.add(source)
    db.commit()

    progress = status(db, org)

    assert progress.first_open_step == 2
    assert progress.step_to_show == 2


def test_a_fully_onboarded_retailer_is_discoverable(db) -> None:
    org = make_org(db)
    _connect(db, org, synced=True)
    store = make_location(db, org, published=True)
    make_offer(db, org=org, product=make_product(db), location=store)

    progress = status(db, org)

    assert progress.done == (True,) * 6
    assert progress.first_open_step == 6


def test_step_views_mark_done_current_and_todo() -> None:
    views = step_views((True, True, False, False, False, False), viewing=3, first_open=3)

    assert [v.status for v in views] == ["done", "done", "current", "todo", "todo", "todo"]
    assert [v.reachable for v in views] == [True, True, True, False, False, False]
    going_back = step_views((True, True, False, False, False, False), viewing=1, first_open=3)
    assert [v.status for v in going_back][:3] == ["done", "done", "todo"]


def test_only_reachable_steps_can_be_opened_by_url() -> None:
    assert requested_step("2", first_open=3) == 2
    assert requested_step("3", first_open=3) == 3
    assert requested_step("5", first_open=3) is None
    assert requested_step("x", first_open=3) is None
    assert requested_step(None, first_open=3) is None


def test_the_wizard_state_survives_a_reload_from_the_database(db) -> None:
    owner = make_user(db)
    org = make_org(db, owner=owner)
    _connect(db, org, synced=True)
    cookie = cookie_for(db, owner)
    first_tab = state_in_tab(OnboardingState, cookie=cookie, path="/onboarding?step=4")
    first_tab.load()
    assert first_tab.viewing == 4

    reloaded = state_in_tab(OnboardingState, cookie=cookie, path="/onboarding")
    reloaded.load()

    assert reloaded.viewing == 4  # the remembered step, read back from the database
    assert [s.status for s in reloaded.steps][:4] == ["done"] * 4


def test_a_viewer_browsing_steps_does_not_move_the_team_s_progress(db) -> None:
    from closient_app.models import Membership, OnboardingProgress, Role

    org = make_org(db)
    _connect(db, org, synced=True)
    viewer = make_user(db)
    db.add(Membership(organization_id=org.id, user_id=viewer.id, role=Role.VIEWER))
    db.commit()
    tab = state_in_tab(OnboardingState, cookie=cookie_for(db, viewer), path="/onboarding?step=2")

    tab.load()

    assert tab.viewing == 2
    assert db.get(OnboardingProgress, org.id) is None
