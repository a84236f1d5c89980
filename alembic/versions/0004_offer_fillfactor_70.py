"""in_store_offer fillfactor 80 -> 70: room on every page for a whole re-sync's HOT updates

A re-sync updates every offer of a shop, and a shop's offers sit together on the same pages
(inserted by one first sync). At fillfactor 80 only some of a page's rows found room for their
new version on the page: 48-68% of updates were HOT and the first re-sync pass ran at
32,000-39,000 offers/s; at 70, 82-90% and 47,000-50,000 offers/s (docs/benchmarks.md).

New pages get the setting at once; existing pages keep their fill until the table is
rewritten (`VACUUM FULL in_store_offer` in a maintenance window, or pg_repack online).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE in_store_offer SET (fillfactor = 70)")


def downgrade() -> None:
    op.execute("ALTER TABLE in_store_offer SET (fillfactor = 80)")
