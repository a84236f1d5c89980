"""Extensions: PostGIS for geography, pg_trgm for autocomplete.

postgis is not a trusted extension: setup creates it as the superuser first; this revision is a
no-op there and documents the dependency for databases prepared by hand.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def downgrade() -> None:
    # Extensions stay: other schemas may use them, and dropping postgis needs a superuser.
    pass
