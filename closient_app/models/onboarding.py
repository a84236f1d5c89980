"""The little the wizard must remember that no other table knows: which POS was picked, and
which step the person last stood on. Everything else about progress is derived from the data."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from closient_app.ids import SHORT_ID_LENGTH
from closient_app.models.base import timestamp_field


class OnboardingProgress(SQLModel, table=True):
    __tablename__ = "onboarding_progress"

    organization_id: str = Field(
        sa_column_args=[sa.ForeignKey("organization.id", ondelete="CASCADE")],
        primary_key=True,
        max_length=SHORT_ID_LENGTH,
    )
    pos_choice: str | None = Field(default=None, max_length=32, description="shopify, other, ...")
    current_step: int = Field(default=1, ge=1, le=6)
    updated: datetime = timestamp_field()
