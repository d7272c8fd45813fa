"""The migrated schema and the table models agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bilat.store import Store
from bilat.store.tables import Base, is_modelled


def test_migrations_create_exactly_the_modelled_schema(store_url):
    store = Store(store_url)
    with store.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"include_name": is_modelled}),
            Base.metadata)
    assert differences == []
