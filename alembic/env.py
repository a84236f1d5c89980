"""Alembic environment: models' metadata plus geoalchemy2's helpers for spatial columns."""

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import pool
from sqlmodel import SQLModel, create_engine

import closient_app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from closient_app.config import get_settings

# Tables PostGIS owns; autogenerate must not propose dropping them.
FOREIGN_TABLES = {"spatial_ref_sys", "geography_columns", "geometry_columns"}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def run_migrations_online() -> None:
    url = context.config.attributes.get("database_url") or get_settings().effective_database_url
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            include_object=include_object,
            process_revision_directives=alembic_helpers.writer,
            render_item=alembic_helpers.render_item,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
