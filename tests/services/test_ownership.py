"""Rows an organization owns: another organization's row is simply not found, and listings come
oldest first with the id breaking ties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from closient_app.errors import NotFound
from closient_app.ids import new_short_id
from closient_app.models import Location, LocationStatus
from closient_app.services.ownership import find_owned, get_owned, owned_query, owned_rows
from tests.api.auth_support import cheap_password_hashing  # noqa: F401  (a fixture)
from tests.factories import make_location, make_org

T0 = datetime(2031, 5, 6, 9, 0, tzinfo=UTC)


def _created_at(db, store: Location, when: datetime) -> Location:
    store.created = when
    db.add(store)
    db.commit()
    return store


def test_get_owned_returns_the_organizations_row(db) -> None:
    org = make_org(db)
    store = make_location(db, org)

    found = get_owned(db, Location, store.id, org.id, missing_message="unused")

    assert found is store
    assert find_owned(db, Location, store.id, org.id) is store


@pytest.mark.parametrize("whose", ["another organization's", "missing"])
def test_get_owned_answers_another_organizations_row_as_a_missing_one(db, whose) -> None:
    mine, theirs = make_org(db), make_org(db, name="Rival")
    row_id = make_location(db, theirs).id if whose != "missing" else new_short_id()

    with pytest.raises(NotFound) as refused:
        get_owned(
            db,
            Location,
            row_id,
            mine.id,
            missing_message="No such store in this organization.",
            details=[{"field": "physical_store_id", "message": "unknown store"}],
            next_step="List your stores.",
        )

    assert refused.value.status == 404
    assert refused.value.message == "No such store in this organization."
    assert refused.value.details == [{"field": "physical_store_id", "message": "unknown store"}]
    assert refused.value.next_step == "List your stores."
    assert find_owned(db, Location, row_id, mine.id) is None


def test_owned_rows_come_oldest_first_with_the_id_breaking_ties(db) -> None:
    org = make_org(db)
    late = _created_at(db, make_location(db, org, name="late"), T0 + timedelta(hours=1))
    ties = [_created_at(db, make_location(db, org, name=f"tie {i}"), T0) for i in range(3)]
    make_location(db, make_org(db, name="Rival"), name="theirs")

    rows = owned_rows(db, Location, org.id)

    assert [r.id for r in rows] == [*sorted(t.id for t in ties), late.id]


def test_extra_filters_narrow_the_listing(db) -> None:
    org = make_org(db)
    draft = make_location(db, org, name="draft", published=False)
    make_location(db, org, name="published")

    drafts = db.exec(owned_query(Location, org.id, Location.status == LocationStatus.DRAFT)).all()

    assert [r.id for r in drafts] == [draft.id]
