"""The engines, sessions and driver connections. Two pools per process, warm and without
server-side prepares: the ORM's (pre-pinged) and the per-request hot path's (no pre-ping).

`prepare_threshold=None`: psycopg would otherwise prepare a statement after 5 runs and PostgreSQL
would switch the KNN search to a generic plan that is 3-10x slower (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache

import psycopg
from sqlalchemy import Engine, TextClause
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, create_engine

from closient_app.config import get_settings


def make_engine(url: str, *, pool_size: int = 10, pre_ping: bool = True) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=pre_ping,
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


@lru_cache
def hot_path_engine() -> Engine:
    """The pool of the per-request hot path (search): no pre-ping, which is a round trip per
    checkout. After a database restart the first statement on a dead connection fails, the
    pool is emptied (`driver_connection`), and the next request gets a fresh connection."""
    settings = get_settings()
    return make_engine(
        settings.effective_database_url, pool_size=settings.db_pool_size, pre_ping=False
    )


@contextmanager
def driver_connection(engine: Engine | None = None) -> Iterator[psycopg.Connection]:
    """A pooled psycopg connection with no transaction open (of the hot-path pool unless
    another engine is given), for per-request code that skips the ORM: one statement, or a
    pipeline (psycopg's pipeline mode: several statements per round trip)."""
    engine = engine or hot_path_engine()
    pooled = engine.raw_connection()
    try:
        yield pooled.driver_connection
    except psycopg.OperationalError:
        if pooled.driver_connection.broken:
            pooled.invalidate()  # never back into the pool
            # After a server restart every pooled connection is dead: drop them all at once,
            # so one request fails, not one per pooled connection.
            engine.dispose()
        raise
    finally:
        pooled.close()


@cache
def psycopg_sql(statement: TextClause) -> str:
    """A prebuilt `text()` statement in psycopg's own placeholder style (`%(name)s`), compiled
    once, for code that talks to psycopg directly."""
    return str(statement.compile(dialect=postgresql.psycopg.dialect()))


def session_driver_connection(session: Session) -> psycopg.Connection:
    """The psycopg connection under a session's current transaction."""
    return session.connection().connection.driver_connection
