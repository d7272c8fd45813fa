"""The read API shared by the CLI (and, later, the REST API and pages).

Plain functions over a ``Store``: filters in, event records (dicts) out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .codebook import EVENT_TYPES
from .errors import BilatError
from .store import EventFilter, Store

__all__ = ["EventFilter", "dyads", "entities", "entity", "event", "events", "make_filter",
           "timeline"]


def make_filter(*, dyad: str | None = None, countries: Sequence[str] = (),
                types: Sequence[str] = (), person: str | None = None, org: str | None = None,
                entity: str | None = None, since: str | None = None,
                until: str | None = None, text: str | None = None,
                limit: int | None = None, offset: int = 0,
                ascending: bool = False) -> EventFilter:
    """An ``EventFilter`` from user input, checked: 'IND-USA', 'MEETING,DEAL', '2023'."""
    pair = None
    if dyad:
        parts = tuple(p.strip().upper() for p in dyad.replace("–", "-").split("-"))
        if len(parts) != 2 or not all(len(p) == 3 for p in parts):
            raise BilatError("B401", f"dyad {dyad!r}: give two ISO3 codes, e.g. IND-USA")
        pair = (parts[0], parts[1])
    wanted = tuple(t.strip().upper() for t in types if t.strip())
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        raise BilatError("B402", f"unknown type {', '.join(unknown)}; choose from "
                                 f"{', '.join(EVENT_TYPES)}")
    return EventFilter(dyad=pair, countries=tuple(c.upper() for c in countries), types=wanted,
                       person=person, org=org, entity=entity, since=since, until=until, text=text,
                       limit=limit, offset=offset, ascending=ascending)


def events(store: Store, where: EventFilter) -> list[dict[str, Any]]:
    return store.find_events(where)


def timeline(store: Store, first: str, second: str, **filters: Any) -> list[dict[str, Any]]:
    """A relationship in order: every event of the pair, oldest first, with its sources."""
    return store.find_events(make_filter(dyad=f"{first}-{second}", ascending=True, **filters))


def dyads(store: Store, where: EventFilter) -> list[dict[str, Any]]:
    return store.dyad_counts(where)


def event(store: Store, event_id: str) -> dict[str, Any]:
    found = store.get_event(event_id)
    if found is None:
        raise BilatError("B403", f"no event {event_id!r} in the store")
    return found


def entity(store: Store, entity_id: str, *, limit: int | None = 100) -> dict[str, Any]:
    """A registry entry with its names, roles and tenures, counterparts and latest events."""
    found = store.get_entity(entity_id)
    if found is None:
        raise BilatError("B405", f"no entity {entity_id!r} in the store")
    found["latest"] = store.find_events(make_filter(entity=entity_id, limit=limit))
    return found


def entities(store: Store, name: str, *, kind: str | None = None,
             limit: int = 20) -> list[dict[str, Any]]:
    """People, organisations and countries whose name or an alias holds ``name``."""
    return store.find_entities(name, kind, limit)
