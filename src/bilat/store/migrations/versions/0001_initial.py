"""The first schema: articles, events with their mentions, countries and entities.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from bilat.store.tables import FULL_TEXT, NEWEST_FIRST_INDEXES, FullText

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(500), nullable=False),
        sa.Column("url", sa.String(2000), unique=True),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.String(200)),
        sa.Column("published", sa.String(10), index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("signature", sa.JSON, nullable=False),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("articles.id"), index=True),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "article_bands",
        sa.Column("band", sa.String(24), primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(19), primary_key=True),
        sa.Column("type", sa.String(12), nullable=False),
        sa.Column("countries", sa.String(200), nullable=False),
        sa.Column("date", sa.String(10)),
        sa.Column("end_date", sa.String(10)),
        sa.Column("status", sa.String(12)),
        sa.Column("cameo", sa.String(4), nullable=False),
        sa.Column("amount_value", sa.Float),
        sa.Column("amount_currency", sa.String(3)),
        sa.Column("platform", sa.String(200)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("num_sources", sa.Integer, nullable=False),
        sa.Column("num_articles", sa.Integer, nullable=False),
        sa.Column("first_reported", sa.String(10)),
        sa.Column("sort_date", sa.String(10)),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_events_type_countries", "events", ["type", "countries"])
    op.create_index("ix_events_date", "events", ["date"])
    op.create_index("ix_events_sort_date", "events", ["sort_date"])
    op.create_index("ix_events_type_sort_date", "events", ["type", "sort_date"])
    op.create_table(
        "event_countries",
        sa.Column("event_id", sa.String(19), sa.ForeignKey("events.id"), primary_key=True),
        sa.Column("country", sa.String(3), primary_key=True),
        sa.Column("type", sa.String(12), nullable=False),
        sa.Column("sort_date", sa.String(10)),
    )
    op.create_index("ix_event_countries_country_date", "event_countries",
                    ["country", "sort_date"])
    op.create_index("ix_event_countries_country_type_date", "event_countries",
                    ["country", "type", "sort_date"])
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(19), sa.ForeignKey("events.id"), nullable=False,
                  index=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False,
                  index=True),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.String(19), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("name", sa.String(300), nullable=False, index=True),
        sa.Column("country", sa.String(3)),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
    )
    op.create_table(
        "entity_keys",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("entity_id", sa.String(19), sa.ForeignKey("entities.id"), primary_key=True),
    )
    op.create_table(
        "event_entities",
        sa.Column("event_id", sa.String(19), sa.ForeignKey("events.id"), primary_key=True),
        sa.Column("entity_id", sa.String(19), sa.ForeignKey("entities.id"), primary_key=True,
                  index=True),
        sa.Column("side", sa.String(10), primary_key=True),
    )
    op.create_table(
        "event_links",
        sa.Column("event_id", sa.String(19), sa.ForeignKey("events.id"), primary_key=True),
        sa.Column("linked_id", sa.String(19), sa.ForeignKey("events.id"), primary_key=True,
                  index=True),
        sa.Column("relation", sa.String(12), nullable=False),
    )
    op.create_table(
        "dyad_counts",
        sa.Column("country_a", sa.String(3), primary_key=True),
        sa.Column("country_b", sa.String(3), primary_key=True),
        sa.Column("type", sa.String(12), primary_key=True),
        sa.Column("year", sa.String(4), primary_key=True),
        sa.Column("events", sa.Integer, nullable=False),
    )


    for search in FULL_TEXT:
        _create_full_text(search)
    if op.get_context().dialect.name == "postgresql":
        for name, (table, columns) in NEWEST_FIRST_INDEXES.items():
            op.create_index(name, table, [*columns, sa.text("sort_date DESC NULLS LAST")])


def _create_full_text(search: FullText) -> None:
    if op.get_context().dialect.name == "postgresql":
        op.create_index(search.index, search.table, [sa.text(search.vector)],
                        postgresql_using="gin")
        return
    # an external-content FTS5 table, kept in step with its table by triggers
    columns = ", ".join(search.columns)
    new = ", ".join(f"new.{column}" for column in search.columns)
    old = ", ".join(f"old.{column}" for column in search.columns)
    table, fts = search.table, search.fts
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{table}', "
               "content_rowid='rowid')")
    add = f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.rowid, {new});"
    remove = f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.rowid, {old});"
    op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END")
    op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END")
    op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table} BEGIN "
               f"{remove} {add} END")


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for search in FULL_TEXT:
            op.execute(f"DROP TABLE {search.fts}")  # its triggers go with the table
    for table in ("dyad_counts", "event_links", "event_entities", "entity_keys", "entities",
                  "mentions", "event_countries", "events", "article_bands", "articles"):
        op.drop_table(table)
