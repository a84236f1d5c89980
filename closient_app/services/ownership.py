"""Rows an organization owns: one row only if it is theirs, and all of theirs oldest first.

Another organization's row answers exactly as a missing one does, so nothing reveals that it
exists. Every model passed here has `organization_id`, `created` and `id` columns.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from closient_app.errors import NotFound

Row = TypeVar("Row", bound=SQLModel)


def find_owned(session: Session, model: type[Row], row_id: str, organization_id: str) -> Row | None:
    """The row, if it exists and belongs to the organization; otherwise None."""
    row = session.get(model, row_id)
    if row is None or row.organization_id != organization_id:
        return None
    return row


def get_owned(
    session: Session,
    model: type[Row],
    row_id: str,
    organization_id: str,
    *,
    missing_message: str,
    details: list[dict[str, str]] | None = None,
    next_step: str | None = None,
) -> Row:
    """The row, if it belongs to the organization; otherwise NotFound with the caller's words."""
    row = find_owned(session, model, row_id, organization_id)
    if row is None:
        raise NotFound(missing_message, details=details, next_step=next_step)
    return row


def owned_query(model: type[Row], organization_id: str, *filters: Any) -> SelectOfScalar[Row]:
    """The organization's rows (narrowed by `filters`) by (created, id): a statement to page."""
    return (
        select(model)
        .where(model.organization_id == organization_id, *filters)
        .order_by(model.created, model.id)
    )


def owned_rows(
    session: Session, model: type[Row], organization_id: str, *filters: Any
) -> list[Row]:
    """All of `owned_query`'s rows."""
    return list(session.exec(owned_query(model, organization_id, *filters)).all())
