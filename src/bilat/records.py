"""The typed records that flow forward through bilat's stages.

ingest -> ``Document`` -> clean -> ``Article`` -> annotate/extract/resolve -> ``Event``.
Records are frozen: a stage builds new ones rather than mutating what it was given.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Document:
    """One input document as read, before cleaning."""

    id: str
    text: str
    format: str = "text"  # "text" (txt/md), "html" or "json"
    title: str | None = None
    date: str | None = None  # publication date as given by metadata, ISO 8601 if known
    url: str | None = None
    outlet: str | None = None
    path: str | None = None  # file the document came from, for error messages


@dataclass(frozen=True)
class Problem:
    """A bad input that was skipped; the run goes on."""

    code: str  # catalogue code, e.g. "B104"
    message: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{self.code}: {where}: {self.message}"


@dataclass(frozen=True)
class Article:
    """A cleaned document: main text only, with its metadata.

    ``text`` holds the body without headline, date line, dateline or boilerplate; the
    offsets of every source sentence point into it.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # publication date, ISO 8601 at the precision known
    url: str | None = None
    outlet: str | None = None
    dateline: str | None = None  # place named in the dateline ("Rome [Italy]" -> "Rome")


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str  # "person", "organization" or "country"
    role: str | None = None
    organization: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None = None


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str  # ISO 4217


@dataclass(frozen=True)
class SourceRef:
    document: str
    sentence: str
    start: int
    end: int
    url: str | None = None


@dataclass(frozen=True)
class Mention:
    """One event as one sentence reports it, with its arguments resolved.

    ``merge`` folds the mentions of one event into an ``Event``.
    """

    type: str
    mode: str | None
    context: str
    status: str | None
    planned: bool
    source: SourceRef
    actor: tuple[Entity, ...]
    recipient: tuple[Entity, ...]
    countries: tuple[str, ...]
    location: Location | None = None
    date: str | None = None
    end_date: str | None = None
    date_stated: bool = False  # the sentence itself gives the date (not inherited)
    amount: Amount | None = None
    quantity: int | None = None
    platform: str | None = None
    agreement: str | None = None
    forum: str | None = None  # the dialogue, committee or roundtable that met
    distinct: bool = False  # the text sets it apart ("a separate meeting")
    buyer: str | None = None
    seller: str | None = None
    confidence: float = 0.5


@dataclass(frozen=True)
class Event:
    """One event, with every sentence that reports it."""

    type: str
    event: str
    mode: str | None
    context: str
    cameo: str
    status: str | None
    date: str | None
    end_date: str | None
    actor: tuple[Entity, ...]
    recipient: tuple[Entity, ...]
    countries: tuple[str, ...]
    location: Location | None
    amount: Amount | None
    quantity: int | None
    platform: str | None
    agreement: str | None
    sources: tuple[SourceRef, ...]
    confidence: float
    buyer: str | None = None  # DEAL: the buying country (ISO3)
    seller: str | None = None  # DEAL: the selling country (ISO3)
    id: str = ""
    schema_version: str = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON values: ``dataclasses.asdict`` without ``extra``, its tuples
        as lists, ``id`` and ``schema_version`` first."""
        return {name: _plain(getattr(self, name)) for name in _event_keys()}


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@functools.cache
def _event_keys() -> tuple[str, ...]:
    first = ("id", "schema_version")
    return first + tuple(name for name in _field_names(Event) if name not in (*first, "extra"))


def _plain(value: Any) -> Any:
    """What ``asdict`` makes of a record's value, tuples as lists, without the deep copy
    it makes of every value (printing events spent most of its time there)."""
    kind: type = type(value)
    if hasattr(kind, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def stable_id(*parts: object) -> str:
    """A short id that depends only on its parts, so the same input gives the same id."""
    blob = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return "ev_" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Result:
    """The events of one article."""

    article: Article
    events: list[Event] = field(default_factory=list)
