"""search_session (expires_at) index: the retention purge finds expired sessions without a scan

Every search writes a session row (hundreds a second at peak), so without it each purge batch
would read the table from the start. Built CONCURRENTLY: the search keeps inserting meanwhile.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_search_session_expires_at",
            "search_session",
            ["expires_at"],
            unique=False,
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_search_session_expires_at",
            table_name="search_session",
            postgresql_concurrently=True,
        )
