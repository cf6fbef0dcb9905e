"""Alembic environment: online migrations against the configured database."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from interview_core.db.base import Base
from interview_core.db.models import import_all_models

import_all_models()
config = context.config


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
