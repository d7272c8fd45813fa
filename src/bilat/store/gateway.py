"""The gateway: migrations, ingest with cross-source merging, and the reads ``query`` uses."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Engine,
    column,
    create_engine,
    event,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session, aliased

from ..records import Result
from .tables import (
    ARTICLE_TEXT,
    EVENT_TEXT,
    ArticleRow,
    DyadCountRow,
    EntityKeyRow,
    EntityRow,
    EventCountryRow,
    EventEntityRow,
    EventLinkRow,
    EventRow,
    FullText,
    MentionRow,
)
from .writes import Writer

INGEST_BATCH = 64  # articles per transaction when ingesting a stream...
INGEST_SECONDS = 2.0  # ...or fewer, so that a slow stream's articles are not held back


@dataclass
class IngestReport:
    articles: int = 0
    known: int = 0  # the same URL or text was stored before: nothing changed
    near_duplicates: int = 0
    events_new: int = 0
    events_merged: int = 0
    event_ids: list[str] = field(default_factory=list)

    def absorb(self, other: IngestReport) -> None:
        """Add another report's counts and event ids to this one's."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class EventFilter:
    """What ``Store.find_events`` selects; every field narrows the selection."""

    dyad: tuple[str, str] | None = None
    countries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    person: str | None = None
    org: str | None = None
    entity: str | None = None  # a registry id: the events this entity took part in
    since: str | None = None
    until: str | None = None
    text: str | None = None
    limit: int | None = None
    offset: int = 0
    ascending: bool = False


def _when() -> Any:
    return EventRow.sort_date


def _has_country(code: str) -> Any:
    return EventRow.id.in_(select(EventCountryRow.event_id)
                           .where(EventCountryRow.country == code))


def _named(name: str, kind: str | None) -> Any:
    """The ids of the entities whose name or an alias holds ``name``."""
    words = " ".join(re.findall(r"[^\W_]+", name.lower()))
    named = select(EntityRow.id).where(or_(
        func.lower(EntityRow.name).like(f"%{name.lower()}%"),
        EntityRow.id.in_(select(EntityKeyRow.entity_id)
                         .where(EntityKeyRow.key.like(f"{kind or ''}%|%{words}%")))))
    return named.where(EntityRow.kind == kind) if kind else named


FEW = 5000  # ids a query may carry as values: sortable at once, far below SQLite's 32,766


def _has_entity(session: Session, kind: str, name: str) -> Any:
    # A name held by few events is looked up first and those events sorted: with subqueries,
    # PostgreSQL guessed thousands of matching people and scanned every event. A name held
    # by many goes by subquery, so the date index finds the newest of them at once (and no
    # query carries more values than a database accepts).
    named = _named(name, kind)
    linked = select(EventEntityRow.event_id).where(EventEntityRow.entity_id.in_(named))
    ids = session.scalars(named.limit(FEW + 1)).all()
    if len(ids) <= FEW:
        linked = select(EventEntityRow.event_id).where(EventEntityRow.entity_id.in_(ids))
        events = session.scalars(linked.distinct().limit(FEW + 1)).all()
        if len(events) <= FEW:
            return EventRow.id.in_(events)
    return EventRow.id.in_(linked)


def _words(text_query: str) -> list[str]:
    return re.findall(r"[^\W_]+", text_query.lower())


def _has_words(search: FullText, words: list[str], dialect: str) -> Any:
    """Rows whose searched columns hold every word, each as a word prefix."""
    if dialect == "postgresql":
        wanted = " & ".join(f"{word}:*" for word in words)
        return literal_column(search.vector).op("@@")(
            func.to_tsquery(literal_column("'simple'"), wanted))
    matching: Any = select(column("rowid")).select_from(table(search.fts)).where(
        text(f"{search.fts} MATCH :words").bindparams(
            words=" ".join(f'"{word}"*' for word in words)))
    return literal_column(f"{search.table}.rowid").in_(matching)


def _filtered(session: Session, query: Any, where: EventFilter) -> Any:
    dialect = session.get_bind().dialect.name
    for code in (*(where.dyad or ()), *where.countries):
        query = query.where(_has_country(code))
    if where.types:
        query = query.where(EventRow.type.in_(where.types))
    if where.person:
        query = query.where(_has_entity(session, "person", where.person))
    if where.org:
        query = query.where(_has_entity(session, "organization", where.org))
    if where.entity:
        query = query.where(EventRow.id.in_(select(EventEntityRow.event_id)
                                            .where(EventEntityRow.entity_id == where.entity)))
    if where.since:
        query = query.where(_when() >= where.since)
    if where.until:
        # "2024" and "2024-06" include the whole year or month
        query = query.where(_when() <= where.until + "-99"[: 10 - len(where.until)]
                            if len(where.until) < 10 else _when() <= where.until)
    if where.text and _words(where.text):
        query = query.where(_has_words(EVENT_TEXT, _words(where.text), dialect))
    return query



class Store:
    """Open (and migrate) a database; write results into it; read events back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._migrate()

    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location",
                               str(resources.files("bilat") / "store" / "migrations"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    # --- writes -----------------------------------------------------------------------
    def ingest(self, results: Iterable[Result], report: IngestReport | None = None, *,
               batch: int = INGEST_BATCH, seconds: float = INGEST_SECONDS) -> IngestReport:
        """Store each article and fold its events in.

        Articles are written ``batch`` at a time, one transaction each; a batch closes
        early when an article arrives ``seconds`` after its first. (A transaction per
        article made storing a fifth slower.) If an article fails, its batch is stored
        again one article a transaction: those before it are kept, and its error goes on."""
        report = report or IngestReport()
        pending: list[Result] = []
        since = 0.0
        try:
            for result in results:
                if not pending:
                    since = time.monotonic()
                pending.append(result)
                if len(pending) >= batch or time.monotonic() - since >= seconds:
                    full, pending = pending, []
                    self._ingest_batch(full, report)
        finally:  # also when ``results`` breaks off: what came before it is stored
            self._ingest_batch(pending, report)
        return report

    def _ingest_batch(self, results: list[Result], report: IngestReport) -> None:
        if not results:
            return
        stored = IngestReport()
        try:
            self._write(results, stored)
        except Exception:
            for result in results:
                self.ingest_result(result, report)
            return
        report.absorb(stored)

    def ingest_result(self, result: Result, report: IngestReport | None = None) -> IngestReport:
        """Store one article and fold its events in, in one transaction."""
        report = report or IngestReport()
        self._write([result], report)
        return report

    def _write(self, results: list[Result], report: IngestReport) -> None:
        with self.engine.begin() as connection:
            writer = Writer(connection)
            for result in results:
                writer.store_article(result, report)
            writer.finish()

    # --- reads (for bilat.query and bilat.evaluation) ----------------------------------------
    def count_events(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(EventRow)) or 0

    def mention_records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(event id, article-level record) for every report of every stored event."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(MentionRow.event_id, MentionRow.record).order_by(MentionRow.id))
            yield from ((event_id, record) for event_id, record in rows)

    def find_events(self, where: EventFilter) -> list[dict[str, Any]]:
        codes = [*(where.dyad or ()), *where.countries]
        if codes:
            # Walk the first country's events in date order from its index; the others
            # are checked by primary key.
            anchor = aliased(EventCountryRow)
            query = select(EventRow.record).join(anchor, anchor.event_id == EventRow.id) \
                .where(anchor.country == codes[0])
            for code in codes[1:]:
                other = aliased(EventCountryRow)
                query = query.join(other, (other.event_id == anchor.event_id) &
                                   (other.country == code))
            if where.types:
                query = query.where(anchor.type.in_(where.types))
            when = anchor.sort_date
            rest = replace(where, dyad=None, countries=(), types=())
        else:
            query, when, rest = select(EventRow.record), EventRow.sort_date, where
        # undated events last, whichever way the list runs
        order = when.asc() if where.ascending else when.desc()
        query = query.order_by(order.nulls_last(), EventRow.id).offset(where.offset)
        if where.limit is not None:
            query = query.limit(where.limit)
        with Session(self.engine) as session:
            return list(session.scalars(_filtered(session, query, rest)))

    def get_event(self, event_id: str, *, with_text: bool = False) -> dict[str, Any] | None:
        """One event with each article's report of it (``with_text``: and the article's
        cleaned text, which the sources' offsets point into)."""
        with Session(self.engine) as session:
            row = session.get(EventRow, event_id)
            if row is None:
                return None
            record = dict(row.record)
            record["reports"] = [
                {"document": m.record["document"], "article": a.doc_id, "title": a.title,
                 "url": a.url, "outlet": a.outlet, "published": a.published,
                 "near_duplicate_of": a.duplicate_of, "sources": m.record["sources"],
                 **({"text": a.text} if with_text else {})}
                for m, a in session.execute(
                    select(MentionRow, ArticleRow).join(ArticleRow, ArticleRow.id ==
                                                        MentionRow.article_id)
                    .where(MentionRow.event_id == event_id).order_by(MentionRow.id))]
            record["linked"] = _linked(session, event_id)
            return record

    def event_counts(self, where: EventFilter) -> list[dict[str, Any]]:
        """Selected events per type and month (an undated one by when it was reported)."""
        month = func.substr(_when(), 1, 7)
        query = select(EventRow.type, month, func.count()).group_by(EventRow.type, month) \
            .order_by(month, EventRow.type)
        with Session(self.engine) as session:
            query = _filtered(session, query, replace(where, limit=None, offset=0))
            return [{"type": t, "month": m, "events": n} for t, m, n in session.execute(query)]

    def find_articles(self, text_query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Stored articles whose title or text holds every word (as word prefixes), newest
        first, each with the events it reported ({id, type, countries, date})."""
        words = _words(text_query)
        if not words:
            return []
        query = (select(ArticleRow).where(_has_words(ARTICLE_TEXT, words,
                                                     self.engine.dialect.name))
                 .order_by(ArticleRow.published.desc().nulls_last(), ArticleRow.id)
                 .limit(limit))
        with Session(self.engine) as session:
            rows = session.scalars(query).all()
            reported: dict[int, list[dict[str, Any]]] = {}
            for article_id, event_id, kind, countries, when in session.execute(
                    select(MentionRow.article_id, EventRow.id, EventRow.type,
                           EventRow.countries, EventRow.sort_date).distinct()
                    .join(EventRow, EventRow.id == MentionRow.event_id)
                    .where(MentionRow.article_id.in_([r.id for r in rows]))
                    .order_by(MentionRow.article_id, EventRow.sort_date, EventRow.id)):
                reported.setdefault(article_id, []).append(
                    {"id": event_id, "type": kind, "countries": countries.split(","),
                     "date": when})
            return [{"id": r.id, "document": r.doc_id, "title": r.title, "outlet": r.outlet,
                     "published": r.published, "url": r.url,
                     "near_duplicate_of": r.duplicate_of, "text": r.text,
                     "events": reported.get(r.id, [])} for r in rows]

    def get_entity(self, entity_id: str) -> dict[str, Any] | None:
        """A registry entry: its names, roles with tenures, and how many events it is in."""
        with Session(self.engine) as session:
            row = session.get(EntityRow, entity_id)
            if row is None:
                return None
            count = session.scalar(select(func.count(func.distinct(EventEntityRow.event_id)))
                                   .where(EventEntityRow.entity_id == entity_id))
            mine, theirs = aliased(EventEntityRow), aliased(EventEntityRow)
            met = func.count(func.distinct(theirs.event_id))
            counterparts = session.execute(
                select(EntityRow, met).join(theirs, theirs.entity_id == EntityRow.id)
                .join(mine, (mine.event_id == theirs.event_id) & (mine.side != theirs.side))
                .where(mine.entity_id == entity_id, theirs.entity_id != entity_id)
                .group_by(EntityRow.id).order_by(met.desc(), EntityRow.id).limit(20)).all()
            return {"id": row.id, "kind": row.kind, "name": row.name, "country": row.country,
                    "aliases": list(row.aliases), "roles": list(row.roles), "events": count,
                    "counterparts": [{"id": other.id, "kind": other.kind, "name": other.name,
                                      "country": other.country, "events": n}
                                     for other, n in counterparts]}

    def find_entities(self, name: str, kind: str | None = None,
                      limit: int = 20) -> list[dict[str, Any]]:
        """Registry entries whose name or an alias holds ``name``, the busiest first."""
        with Session(self.engine) as session:
            busiest = (select(EventEntityRow.entity_id, func.count().label("events"))
                       .where(EventEntityRow.entity_id.in_(_named(name, kind)))
                       .group_by(EventEntityRow.entity_id)
                       .order_by(func.count().desc(), EventEntityRow.entity_id).limit(limit))
            ids = session.execute(busiest).all()
            rows = {row.id: row for row in session.scalars(
                select(EntityRow).where(EntityRow.id.in_([i for i, _ in ids])))}
            return [{"id": i, "kind": rows[i].kind, "name": rows[i].name,
                     "country": rows[i].country, "aliases": list(rows[i].aliases),
                     "events": n} for i, n in ids]


    def dyad_counts(self, where: EventFilter) -> list[dict[str, Any]]:
        """Event counts per country pair, type and year."""
        yearly = all(v is None or len(v) == 4 for v in (where.since, where.until))
        if yearly and where == EventFilter(since=where.since, until=where.until,
                                           types=where.types):
            return _counted_dyads(self, where)  # the kept totals answer at once
        first, second = EventCountryRow, EventCountryRow.__table__.alias("other")
        year = func.substr(_when(), 1, 4)
        query = (select(first.country, second.c.country, EventRow.type, year, func.count())
                 .join(EventRow, EventRow.id == first.event_id)
                 .join(second, (second.c.event_id == first.event_id) &
                       (second.c.country > first.country))
                 .group_by(first.country, second.c.country, EventRow.type, year)
                 .order_by(func.count().desc(), first.country, second.c.country, EventRow.type))
        with Session(self.engine) as session:
            return [{"dyad": f"{a}-{b}", "type": t, "year": y, "events": n}
                    for a, b, t, y, n in session.execute(_filtered(session, query, where))]


def _counted_dyads(store: Store, where: EventFilter) -> list[dict[str, Any]]:
    kept = DyadCountRow
    query = select(kept.country_a, kept.country_b, kept.type, kept.year, kept.events) \
        .where(kept.events > 0)
    if where.since:
        query = query.where(kept.year >= where.since, kept.year != "")
    if where.until:
        query = query.where(kept.year <= where.until, kept.year != "")
    if where.types:
        query = query.where(kept.type.in_(where.types))
    query = query.order_by(kept.events.desc(), kept.country_a, kept.country_b, kept.type,
                           kept.year)
    with Session(store.engine) as session:
        return [{"dyad": f"{a}-{b}", "type": t, "year": y or None, "events": n}
                for a, b, t, y, n in session.execute(query)]


def _linked(session: Session, event_id: str) -> list[dict[str, Any]]:
    """The events linked to one: the visit it was held during, or those held during it."""
    found = []
    for mine, theirs, relation in ((EventLinkRow.event_id, EventLinkRow.linked_id, "during"),
                                   (EventLinkRow.linked_id, EventLinkRow.event_id, "includes")):
        for other in session.scalars(select(EventRow).join(EventLinkRow, theirs == EventRow.id)
                                     .where(mine == event_id).order_by(EventRow.sort_date,
                                                                       EventRow.id)):
            found.append({"id": other.id, "type": other.type, "date": other.date,
                          "relation": relation})
    return found


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()

