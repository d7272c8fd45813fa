"""The store's tables (SQLAlchemy 2). Rows stay inside ``store``; the rest of bilat sees dicts.

Migrations in ``migrations/versions`` create and change these tables; a test checks that the
migrated schema and these models agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


@dataclass(frozen=True)
class FullText:
    """Full-text search over some of a table's columns, in each database's own way: a GIN
    index on a tsvector expression in PostgreSQL, an FTS5 table in SQLite. The migration
    creates them; no model can describe them."""

    table: str
    columns: tuple[str, ...]

    @property
    def vector(self) -> str:
        joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in self.columns)
        return f"to_tsvector('simple', {joined})"

    @property
    def index(self) -> str:
        return f"ix_{self.table}_search"

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    @property
    def fts_tables(self) -> tuple[str, ...]:  # the FTS5 table and the tables it keeps
        return (self.fts, *(f"{self.fts}_{part}"
                            for part in ("data", "idx", "content", "docsize", "config")))


EVENT_TEXT = FullText("events", ("search_text",))  # names and sentences
ARTICLE_TEXT = FullText("articles", ("title", "text"))
FULL_TEXT = (EVENT_TEXT, ARTICLE_TEXT)

# Newest first with the undated last is DESC NULLS LAST, which PostgreSQL cannot read from an
# ascending index (it would sort all of a country's events): these serve that order there.
# SQLite reads it from the ascending indexes below.
NEWEST_FIRST_INDEXES = {
    "ix_event_countries_country_date_desc": ("event_countries", ("country",)),
    "ix_event_countries_country_type_date_desc": ("event_countries", ("country", "type")),
    "ix_events_sort_date_desc": ("events", ()),
    "ix_events_type_sort_date_desc": ("events", ("type",)),
}


def is_modelled(name: str | None, kind: str, _parents: object) -> bool:
    """For Alembic's comparisons: everything but the full-text search and the newest-first
    indexes of PostgreSQL has a model."""
    return not (name in NEWEST_FIRST_INDEXES or
                any(name == search.index or name in search.fts_tables for search in FULL_TEXT))


class Base(DeclarativeBase):
    pass


def table_of(model: type[Base]) -> Table:
    """A model's table, for the plain statements of the ingest."""
    return Base.metadata.tables[model.__tablename__]


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(200))
    published: Mapped[str | None] = mapped_column(String(10), index=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    signature: Mapped[list[int]] = mapped_column(JSON)  # MinHash, for near-duplicates
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)


class ArticleBandRow(Base):
    """Locality-sensitive hashing bands of an article's MinHash signature."""

    __tablename__ = "article_bands"

    band: Mapped[str] = mapped_column(String(24), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(19), primary_key=True)
    type: Mapped[str] = mapped_column(String(12))
    countries: Mapped[str] = mapped_column(String(200))  # "IND,USA": the sorted set
    date: Mapped[str | None] = mapped_column(String(10))
    end_date: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str | None] = mapped_column(String(12))
    cameo: Mapped[str] = mapped_column(String(4))
    amount_value: Mapped[float | None] = mapped_column(Float)
    amount_currency: Mapped[str | None] = mapped_column(String(3))
    platform: Mapped[str | None] = mapped_column(String(200))
    confidence: Mapped[float] = mapped_column(Float)
    num_sources: Mapped[int] = mapped_column(Integer)
    num_articles: Mapped[int] = mapped_column(Integer)
    first_reported: Mapped[str | None] = mapped_column(String(10))
    sort_date: Mapped[str | None] = mapped_column(String(10))  # date, else first reported
    search_text: Mapped[str] = mapped_column(Text)  # names and sentences, lower case
    record: Mapped[dict[str, Any]] = mapped_column(JSON)  # the merged event record
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_events_type_countries", "type", "countries"),
        Index("ix_events_date", "date"),
        Index("ix_events_sort_date", "sort_date"),
        Index("ix_events_type_sort_date", "type", "sort_date"),
    )


class EventCountryRow(Base):
    __tablename__ = "event_countries"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    # copies of the event's type and sort date, so a country's events come in date order
    # straight from an index
    type: Mapped[str] = mapped_column(String(12))
    sort_date: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        Index("ix_event_countries_country_date", "country", "sort_date"),
        Index("ix_event_countries_country_type_date", "country", "type", "sort_date"),
    )


class MentionRow(Base):
    """One article's report of an event: its sentences and the values it gave."""

    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)  # the article-level event record


class EntityRow(Base):
    """A person, organisation or country of the registry: the stable id events link to."""

    __tablename__ = "entities"

    id: Mapped[str] = mapped_column(String(19), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(300), index=True)  # the fullest name seen
    country: Mapped[str | None] = mapped_column(String(3))
    aliases: Mapped[list[str]] = mapped_column(JSON)  # other names it was reported under
    # [{role, since, until, source}]: tenures from the knowledge files, else the first and
    # last dates a role was reported
    roles: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class EntityKeyRow(Base):
    """How a name reaches its entity: "person|IND|singh" (a surname) or a full alias."""

    __tablename__ = "entity_keys"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)


class EventEntityRow(Base):
    __tablename__ = "event_entities"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True,
                                           index=True)
    side: Mapped[str] = mapped_column(String(10), primary_key=True)


class EventLinkRow(Base):
    """Two events that belong together: the meetings held during a visit."""

    __tablename__ = "event_links"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    linked_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True,
                                           index=True)
    relation: Mapped[str] = mapped_column(String(12))  # "during": event_id during linked_id


class DyadCountRow(Base):
    """Events per country pair, type and year, kept up to date at ingest for ``dyads``."""

    __tablename__ = "dyad_counts"

    country_a: Mapped[str] = mapped_column(String(3), primary_key=True)
    country_b: Mapped[str] = mapped_column(String(3), primary_key=True)
    type: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[str] = mapped_column(String(4), primary_key=True)  # "" when undated
    events: Mapped[int] = mapped_column(Integer)
