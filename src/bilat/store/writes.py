"""Writing an ingest transaction: each article, and each of its events folded into the event
it reports (``merge.same_real_event``) or stored as a new one.

Plain SQL statements on one connection rather than the ORM's unit of work: a py-spy profile of
storing on-topic articles put two thirds of the time in the ORM's flushes and its bookkeeping
of each row (3,374 events of 1,000 synthetic articles took 32 s to store). Every write goes
out at once, so each read in the transaction sees all that came before it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import numpy
from sqlalchemy import Connection, bindparam, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..merge import candidate_window, combine, match_score, same_real_event
from ..records import Result
from .registry import Registry
from .tables import (
    ArticleBandRow,
    ArticleRow,
    DyadCountRow,
    EventCountryRow,
    EventEntityRow,
    EventLinkRow,
    EventRow,
    MentionRow,
    table_of,
)

if TYPE_CHECKING:
    from .gateway import IngestReport

ARTICLES, BANDS, EVENTS = table_of(ArticleRow), table_of(ArticleBandRow), table_of(EventRow)
EVENT_COUNTRIES, EVENT_ENTITIES = table_of(EventCountryRow), table_of(EventEntityRow)
MENTIONS, LINKS, DYADS = table_of(MentionRow), table_of(EventLinkRow), table_of(DyadCountRow)

SHINGLE = 5
PERMUTATIONS = 64
BANDS_PER_SIGNATURE = 16
NEAR_DUPLICATE = 0.7  # estimated Jaccard of word 5-grams: one wire story, lightly edited
# One random 64-bit mask per permutation: min over (hash XOR mask) is a MinHash.
_MASKS = numpy.array([int.from_bytes(hashlib.blake2b(f"mask{i}".encode(), digest_size=8)
                                     .digest(), "big") for i in range(PERMUTATIONS)],
                     dtype=numpy.uint64)
# The statements, built once: SQLAlchemy then compiles each once, and a call only binds values.
_KNOWN = select(ARTICLES.c.id).where(ARTICLES.c.content_hash == bindparam("content_hash"))
_KNOWN_OR_URL = select(ARTICLES.c.id).where(or_(
    ARTICLES.c.content_hash == bindparam("content_hash"), ARTICLES.c.url == bindparam("url")))
_NEW_ARTICLE = insert(ARTICLES).returning(ARTICLES.c.id)
_SHARING_A_BAND = select(BANDS.c.article_id).where(
    BANDS.c.band.in_(bindparam("bands", expanding=True))).distinct()
_SIGNATURES = select(ARTICLES.c.id, ARTICLES.c.duplicate_of, ARTICLES.c.signature).where(
    ARTICLES.c.id.in_(bindparam("ids", expanding=True)))
_SAME_KIND = select(EVENTS).where(EVENTS.c.type == bindparam("kind"),
                                  EVENTS.c.countries == bindparam("countries")) \
    .order_by(EVENTS.c.id)
_SAME_KIND_NEAR = _SAME_KIND.where(or_(EVENTS.c.date.is_(None),
                                       EVENTS.c.date == bindparam("year"),
                                       EVENTS.c.date.between(bindparam("low"),
                                                             bindparam("high"))))
_CHANGE_EVENT = update(EVENTS).where(EVENTS.c.id == bindparam("event"))  # SET from the values
_MOVE_EVENT = update(EVENT_COUNTRIES).where(EVENT_COUNTRIES.c.event_id == bindparam("event")) \
    .values(sort_date=bindparam("new_sort_date"))
_UNLINK_ENTITIES = delete(EVENT_ENTITIES).where(EVENT_ENTITIES.c.event_id == bindparam("event"))
_REPORTS = select(MENTIONS.c.record, ARTICLES.c.id, ARTICLES.c.duplicate_of,
                  ARTICLES.c.published) \
    .join(ARTICLES, ARTICLES.c.id == MENTIONS.c.article_id) \
    .where(MENTIONS.c.event_id == bindparam("event")).order_by(MENTIONS.c.id)
_UNLINK_VISITS = delete(LINKS).where(or_(LINKS.c.event_id == bindparam("event"),
                                         LINKS.c.linked_id == bindparam("event")))
_NEARBY = select(EVENTS).join(EVENT_COUNTRIES, EVENT_COUNTRIES.c.event_id == EVENTS.c.id) \
    .where(EVENT_COUNTRIES.c.country == bindparam("anchor"),
           EVENT_COUNTRIES.c.type.in_(bindparam("types", expanding=True)),
           EVENT_COUNTRIES.c.sort_date.between(bindparam("low"), bindparam("high")),
           EVENTS.c.id != bindparam("event")).order_by(EVENTS.c.id)

VISIT_DAYS = 4  # how long a visit with no end date given may have lasted
DURING_VISIT: tuple[str, ...] = ("MEETING", "AGREEMENT")


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _signature(text: str) -> list[int]:
    words = re.findall(r"\w+", text.lower())
    grams = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    hashes = numpy.array([int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(),
                                         "big") for g in grams], dtype=numpy.uint64)
    # JSON keeps integers exactly only up to 2**53 in many readers: store the top 52 bits
    signature = (hashes[None, :] ^ _MASKS[:, None]).min(axis=1) >> numpy.uint64(12)
    return [int(value) for value in signature]


def _bands(signature: list[int]) -> list[str]:
    rows = PERMUTATIONS // BANDS_PER_SIGNATURE
    return [f"{i:02d}" + hashlib.blake2b(repr(signature[i * rows:(i + 1) * rows]).encode(),
                                         digest_size=8).hexdigest()
            for i in range(BANDS_PER_SIGNATURE)]


def _similarity(a: list[int], b: list[int]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


@dataclass(frozen=True)
class _StoredArticle:
    id: int
    doc_id: str
    published: str | None
    duplicate_of: int | None


@dataclass(frozen=True)
class _Reported:
    """One mention of an event, with the article that reports it."""

    record: dict[str, Any]
    article_id: int
    duplicate_of: int | None
    published: str | None


@dataclass
class _Event:
    """An ``events`` row while a report is folded into it."""

    id: str
    type: str
    countries: str
    num_sources: int = 0
    num_articles: int = 0
    date: str | None = None
    end_date: str | None = None
    status: str | None = None
    cameo: str = ""
    amount_value: float | None = None
    amount_currency: str | None = None
    platform: str | None = None
    confidence: float = 0.0
    first_reported: str | None = None
    sort_date: str | None = None
    search_text: str = ""
    record: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    def columns(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class Writer:
    """One transaction's writes; ``finish`` before it commits."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._registry = Registry(connection)
        # changes to the kept counts, written by ``finish``: nothing in an ingest reads them
        self._dyads: dict[tuple[str, str, str, str], int] = {}

    def store_article(self, result: Result, report: IngestReport) -> None:
        article, execute = result.article, self._connection.execute
        content_hash = hashlib.sha256(_normalised(article.text).encode()).hexdigest()
        known = execute(_KNOWN_OR_URL, {"content_hash": content_hash, "url": article.url}) \
            if article.url else execute(_KNOWN, {"content_hash": content_hash})
        if known.first() is not None:
            report.known += 1
            return
        signature = _signature(article.text)
        bands = _bands(signature)
        original = self._near_duplicate(signature, bands)
        article_id = execute(_NEW_ARTICLE, {
            "doc_id": article.id, "url": article.url, "title": article.title,
            "outlet": article.outlet, "published": article.date, "text": article.text,
            "content_hash": content_hash, "signature": signature, "duplicate_of": original,
            "ingested_at": datetime.now(timezone.utc)}).scalar_one()
        stored = _StoredArticle(article_id, article.id, article.date, original)
        execute(insert(BANDS), [{"band": band, "article_id": stored.id} for band in bands])
        report.articles += 1
        report.near_duplicates += original is not None
        # forum and 'separate' travel with the stored report to guide later merges
        records = [{**found.to_dict(), "forum": found.extra.get("forum"),
                    "distinct": bool(found.extra.get("distinct"))} for found in result.events]
        self._registry.read_ahead(entity for record in records
                                  for entity in (*record["actor"], *record["recipient"]))
        taken: set[str] = set()
        for record in records:
            self.fold(stored, record, taken, report)

    def finish(self) -> None:
        """Write the changes to the kept dyad counts, in one statement."""
        if not self._dyads:
            return
        dialect = self._connection.dialect.name
        upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DYADS)
        upsert = upsert.on_conflict_do_update(
            index_elements=[DYADS.c.country_a, DYADS.c.country_b, DYADS.c.type, DYADS.c.year],
            set_={"events": DYADS.c.events + upsert.excluded.events})
        self._connection.execute(upsert, [
            {"country_a": first, "country_b": second, "type": kind, "year": year,
             "events": delta} for (first, second, kind, year), delta in self._dyads.items()])
        self._dyads.clear()

    def _near_duplicate(self, signature: list[int], bands: list[str]) -> int | None:
        execute = self._connection.execute
        candidates = execute(_SHARING_A_BAND, {"bands": bands}).scalars().all()
        if not candidates:
            return None
        stored = {row.id: row for row in execute(_SIGNATURES, {"ids": candidates})}
        best, best_score = None, NEAR_DUPLICATE
        for candidate in candidates:
            other = stored.get(candidate)
            if other is None:
                continue
            score = _similarity(signature, other.signature)
            if score >= best_score:
                best, best_score = other.duplicate_of or other.id, score
        return best

    def fold(self, article: _StoredArticle, record: dict[str, Any], taken: set[str],
             report: IngestReport) -> None:
        """Merge one reported event into the event it reports, or store it as a new one.

        ``taken``: the events this article's earlier reports went to; the extractor kept
        them apart, so they stay apart in the store."""
        execute = self._connection.execute
        record = {**record, "document": record["sources"][0]["document"],
                  "article_published": article.published}
        countries = ",".join(record["countries"])
        window = candidate_window(record.get("date"))
        same_kind = {"kind": record["type"], "countries": countries}
        rows = execute(_SAME_KIND, same_kind) if window is None else execute(
            _SAME_KIND_NEAR, {**same_kind, "low": window[0], "high": window[1], "year": window[2]})
        candidates = [_Event(**row._mapping) for row in rows
                      if row.id not in taken and same_real_event(row.record, record)]
        match = max(candidates, key=lambda event: match_score(event.record, record),
                    default=None)
        mention = {"article_id": article.id, "record": record}
        if match is None:
            event = _Event(id=record["id"], type=record["type"], countries=countries)
            links = self._refresh(event, [_Reported(record, article.id, article.duplicate_of,
                                                    article.published)])
            execute(insert(EVENTS), event.columns())
            execute(insert(EVENT_COUNTRIES), [
                {"event_id": event.id, "country": country, "type": event.type,
                 "sort_date": event.sort_date} for country in record["countries"]])
            execute(insert(MENTIONS), {"event_id": event.id, **mention})
            report.events_new += 1
        else:
            event = match
            execute(insert(MENTIONS), {"event_id": event.id, **mention})
            links = self._refresh(event, self._reported(event.id))
            changed = event.columns()
            del changed["id"]
            execute(_CHANGE_EVENT, {"event": event.id, **changed})
            execute(_MOVE_EVENT, {"event": event.id, "new_sort_date": event.sort_date})
            execute(_UNLINK_ENTITIES, {"event": event.id})
            report.events_merged += 1
        if links:
            execute(insert(EVENT_ENTITIES), links)
        self._link_visit(event, new=match is None)
        taken.add(event.id)
        report.event_ids.append(event.id)

    def _reported(self, event_id: str) -> list[_Reported]:
        return [_Reported(*found)
                for found in self._connection.execute(_REPORTS, {"event": event_id})]

    def _refresh(self, event: _Event, mentions: list[_Reported]) -> list[dict[str, Any]]:
        """Set an event's merged record and counts from all its mentions; give the links
        from it to its participants' registry entries."""
        first_refresh = event.num_sources == 0
        merged = combine([m.record for m in mentions])
        merged["id"] = event.id
        # when the outlets published it; an article without a date gives none
        reported = [m.published for m in mentions if m.published]
        event.num_sources = len({(s["document"], s["start"]) for s in merged["sources"]})
        event.num_articles = len({m.duplicate_of or m.article_id for m in mentions})
        event.first_reported = min(reported) if reported else None
        merged.update(num_sources=event.num_sources, num_articles=event.num_articles,
                      first_reported=event.first_reported)
        event.date, event.end_date, event.status = \
            merged["date"], merged["end_date"], merged["status"]
        counted_year = None if first_refresh else (event.sort_date or "")[:4]
        event.sort_date = event.date or event.first_reported
        year = (event.sort_date or "")[:4]
        if counted_year != year:  # a new event, or a merge moved it to another year
            if counted_year is not None:
                self._count_dyads(event, counted_year, -1)
            self._count_dyads(event, year, +1)
        event.cameo, event.confidence, event.platform = \
            merged["cameo"], merged["confidence"], merged.get("platform")
        amount = merged.get("amount") or {}
        event.amount_value, event.amount_currency = amount.get("value"), amount.get("currency")
        event.updated_at = datetime.now(timezone.utc)
        links = self._link_entities(event, merged)
        event.record = merged
        event.search_text = _search_text(merged)
        return links

    def _link_entities(self, event: _Event, merged: dict[str, Any]) -> list[dict[str, Any]]:
        """Each participant to its registry entry, named as the registry names it."""
        links = {}
        for side in ("actor", "recipient"):
            resolved: dict[str, dict[str, Any]] = {}
            for entity in merged[side]:
                known = self._registry.resolve(entity, event.sort_date)
                resolved.setdefault(known.id, {**entity, "id": known.id, "name": known.name})
                links[(known.id, side)] = {"event_id": event.id, "entity_id": known.id,
                                           "side": side}
            merged[side] = list(resolved.values())
        return list(links.values())

    def _count_dyads(self, event: _Event, year: str, delta: int) -> None:
        countries = event.countries.split(",")
        for index, first in enumerate(countries):
            for second in countries[index + 1:]:
                key = (first, second, event.type, year)
                self._dyads[key] = self._dyads.get(key, 0) + delta

    def _link_visit(self, event: _Event, *, new: bool) -> None:
        """Link a visit and the meetings and signings held during it, whichever came
        first."""
        if event.type != "VISIT" and event.type not in DURING_VISIT:
            return
        execute = self._connection.execute
        if not new:  # a merge may have moved its date
            execute(_UNLINK_VISITS, {"event": event.id})
        if not event.date or len(event.date) != 10:
            return
        day = date.fromisoformat(event.date)
        types: tuple[str, ...]
        if event.type == "VISIT":
            low, high = event.date, (_visit_span(event) or (event.date, event.date))[1]
            types = DURING_VISIT
        else:
            low, high, types = (day - timedelta(days=31)).isoformat(), event.date, ("VISIT",)
        anchor = event.countries.split(",")[0]
        nearby = execute(_NEARBY, {"anchor": anchor, "types": types, "low": low, "high": high,
                                   "event": event.id})
        during = []
        for row in nearby:
            other = _Event(**row._mapping)
            held, visit = (other, event) if event.type == "VISIT" else (event, other)
            if _held_during(held, visit):
                during.append({"event_id": held.id, "linked_id": visit.id,
                               "relation": "during"})
        if during:
            execute(insert(LINKS), during)


def _visit_span(visit: _Event) -> tuple[str, str] | None:
    if not visit.date or len(visit.date) != 10:
        return None
    end = visit.end_date if visit.end_date and len(visit.end_date) == 10 else \
        (date.fromisoformat(visit.date) + timedelta(days=VISIT_DAYS - 1)).isoformat()
    return visit.date, end


def _held_during(held: _Event, visit: _Event) -> bool:
    """A meeting or signing on a day of the visit, between its countries, in the country
    visited (where either says where)."""
    span = _visit_span(visit)
    if span is None or not held.date or len(held.date) != 10 or \
            not span[0] <= held.date <= span[1]:
        return False
    if not set(held.countries.split(",")) <= set(visit.countries.split(",")):
        return False
    where = (held.record.get("location") or {}).get("country")
    visited = (visit.record.get("location") or {}).get("country") or next(
        (e.get("country") for e in visit.record["recipient"] if e.get("country")), None)
    return where is None or visited is None or where == visited


def _search_text(record: dict[str, Any]) -> str:
    parts = [e["name"] for e in record["actor"] + record["recipient"]]
    parts += [record.get("platform") or "", record.get("agreement") or ""]
    parts += [s["sentence"] for s in record["sources"]]
    return " ".join(parts).lower()
