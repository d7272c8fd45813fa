"""The migrated schema and the table models agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bilat.store import Store
from bilat.store.tables import Base


def test_migrations_create_exactly_the_modelled_schema(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'schema.db'}")
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
