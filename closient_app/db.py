"""The engine and sessions. One pool per process, warm and without server-side prepares.

`prepare_threshold=None`: psycopg would otherwise prepare a statement after 5 runs and PostgreSQL
would switch the KNN search to a generic plan that is 3-10x slower (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine
from sqlmodel import Session, create_engine

from closient_app.config import get_settings


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"prepare_threshold": None},
    )


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return make_engine(settings.effective_database_url, pool_size=settings.db_pool_size)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any exception."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request."""
    with session_scope() as session:
        yield session
