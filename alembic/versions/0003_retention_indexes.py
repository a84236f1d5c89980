"""retention indexes: the purge finds old finished receipts and forwards by index

Built CONCURRENTLY (outside the migration's transaction): webhook_receipt may already be large
where it grew without a purge, and a plain CREATE INDEX would block the webhook receiver's
inserts while it builds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_webhook_receipt_finished", "webhook_receipt", "received_at", "status <> 'queued'"),
    (
        "ix_forward_delivery_finished",
        "forward_delivery",
        "created",
        "status IN ('DELIVERED', 'DEAD_LETTER')",
    ),
)


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, column, where in INDEXES:
            op.create_index(
                name,
                table,
                [column],
                unique=False,
                postgresql_where=sa.text(where),
                postgresql_concurrently=True,
            )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, _, _ in INDEXES:
            op.drop_index(name, table_name=table, postgresql_concurrently=True)
