"""What retailers asked us for from the wizard: a POS we do not support yet, or plain help.

Both are stored (not e-mailed) so the team can count demand per POS and answer every request.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from closient_app.models.base import enum_field, fk_field, id_field, timestamp_field


class RequestedPos(StrEnum):
    SQUARE = "square"
    CLOVER = "clover"
    LIGHTSPEED = "lightspeed"


class PosInterestRequest(SQLModel, table=True):
    """'Tell us when it's ready': one per organization, user and POS (asking twice is a no-op)."""

    __tablename__ = "pos_interest_request"
    __table_args__ = (sa.UniqueConstraint("organization_id", "user_id", "provider"),)

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    user_id: str = fk_field("app_user.id")
    provider: RequestedPos = enum_field(RequestedPos)
    contact_email: str = Field(max_length=320)
    created: datetime = timestamp_field()


class SupportRequest(SQLModel, table=True):
    """A retailer whose POS is not listed tells us which one they use and how to reach them."""

    __tablename__ = "support_request"

    id: str = id_field()
    organization_id: str = fk_field("organization.id")
    user_id: str = fk_field("app_user.id")
    pos_name: str = Field(max_length=120)
    contact_email: str = Field(max_length=320)
    message: str = Field(default="", sa_type=sa.Text)
    created: datetime = timestamp_field()
