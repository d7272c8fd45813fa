"""Alembic environment: bilat runs migrations on the connection it opened."""

from __future__ import annotations

from alembic import context

from bilat.store.tables import Base, is_modelled

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  include_name=is_modelled, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
