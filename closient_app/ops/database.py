"""Create the database and its extensions, then migrate it to head."""

from __future__ import annotations

from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy.engine import make_url

from closient_app.config import PROJECT_ROOT


def libpq_dsn(sqlalchemy_url: str, *, database: str | None = None) -> str:
    url = make_url(sqlalchemy_url)
    if database is not None:
        url = url.set(database=database)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_database(sqlalchemy_url: str) -> None:
    """CREATE DATABASE when missing, then the extensions (postgis needs a superuser)."""
    name = make_url(sqlalchemy_url).database
    with psycopg.connect(libpq_dsn(sqlalchemy_url, database="postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            print(f"Creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(libpq_dsn(sqlalchemy_url), autocommit=True) as conn:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except psycopg.errors.InsufficientPrivilege as exc:
            raise SystemExit(
                f"Cannot create the postgis extension in {name}: {exc}. "
                "Ask a superuser to run CREATE EXTENSION postgis there."
            ) from exc


def drop_database(sqlalchemy_url: str) -> None:
    name = make_url(sqlalchemy_url).database
    with psycopg.connect(libpq_dsn(sqlalchemy_url, database="postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def alembic_config(sqlalchemy_url: str) -> Config:
    config = Config(str(Path(PROJECT_ROOT) / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["database_url"] = sqlalchemy_url
    return config


def migrate_to_head(sqlalchemy_url: str) -> None:
    command.upgrade(alembic_config(sqlalchemy_url), "head")
