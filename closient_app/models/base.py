"""Column helpers shared by every table: short-id keys, aware timestamps, string enums."""

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from closient_app.clock import utcnow
from closient_app.ids import SHORT_ID_LENGTH, new_short_id


def id_field() -> Any:
    return Field(default_factory=new_short_id, primary_key=True, max_length=SHORT_ID_LENGTH)


def fk_field(
    target: str, *, nullable: bool = False, index: bool = True, ondelete: str = "CASCADE"
) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column_args=[sa.ForeignKey(target, ondelete=ondelete)],
        max_length=SHORT_ID_LENGTH,
        nullable=nullable,
        index=index,
    )


def timestamp_field(*, nullable: bool = False, now_default: bool = True) -> Any:
    """A `timestamptz` column; defaults to now unless told otherwise."""
    kwargs: dict[str, Any] = {"sa_type": sa.DateTime(timezone=True), "nullable": nullable}
    if now_default:
        kwargs["default_factory"] = utcnow
    else:
        kwargs["default"] = None
    return Field(**kwargs)


def enum_field(enum_cls: type[StrEnum], default: StrEnum | None = None, **kwargs: Any) -> Any:
    """Store a StrEnum as VARCHAR (no native PG enum types: migrations stay simple)."""
    length = max(len(member.value) for member in enum_cls)
    return Field(
        default=default if default is not None else ...,
        sa_type=sa.Enum(
            enum_cls,
            native_enum=False,
            length=max(length, 16),
            values_callable=lambda members: [m.value for m in members],
            validate_strings=True,
        ),
        **kwargs,
    )


def touch(row: Any) -> None:
    """Set `updated` to now before an ORM write."""
    row.updated = utcnow()


__all__ = ["enum_field", "fk_field", "id_field", "timestamp_field", "touch"]
