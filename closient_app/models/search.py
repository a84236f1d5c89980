"""A shopper's (or agent's) search, kept for 30 minutes of refinement."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from closient_app.models.base import id_field, timestamp_field


class SearchSession(SQLModel, table=True):
    __tablename__ = "search_session"
    # The retention purge finds expired sessions by index; ~4 us more per search INSERT.
    __table_args__ = (sa.Index("ix_search_session_expires_at", "expires_at"),)

    id: str = id_field()
    query: str = Field(max_length=500)
    latitude: float
    longitude: float
    radius_km: float
    in_stock: bool = True
    caller: str = Field(default="", max_length=120, description="API key id or client IP")
    created: datetime = timestamp_field()
    expires_at: datetime = timestamp_field(now_default=False)
