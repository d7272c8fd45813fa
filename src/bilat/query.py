"""The read API shared by the CLI, the REST API and the pages (``bilat serve``).

Plain functions over a ``Store``: filters in, event records (dicts) out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .codebook import EVENT_TYPES
from .errors import BilatError
from .knowledge import load_knowledge
from .store import EventFilter, Store

__all__ = ["EventFilter", "amounts_by_currency", "dyads", "entities", "entity", "event",
           "event_detail", "events", "headline", "make_filter", "network", "search", "timeline",
           "totals"]

# 2024, 2024-06 or 2024-06-15
DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


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
    for label, value in (("since", since), ("until", until)):
        if value and not DATE.fullmatch(value):
            raise BilatError("B406", f"{label} {value!r}: give a date as 2024, 2024-06 or "
                                     "2024-06-15")
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


# --- for the REST API and the pages ----------------------------------------------------------

def totals(store: Store, where: EventFilter) -> dict[str, Any]:
    """Events by type and by month (an undated event by the month it was first reported)."""
    by_type: Counter[str] = Counter()
    by_month: list[dict[str, Any]] = []
    undated = 0
    for row in store.event_counts(where):
        by_type[row["type"]] += row["events"]
        if row["month"] and len(row["month"]) == 7:
            by_month.append(row)
        else:
            undated += row["events"]
    return {"events": sum(by_type.values()), "undated": undated,
            "by_type": [{"type": t, "events": by_type[t]} for t in EVENT_TYPES if by_type[t]],
            "by_month": sorted(by_month, key=lambda r: (r["month"], r["type"]))}


def network(store: Store, where: EventFilter) -> dict[str, Any]:
    """Countries as nodes and country pairs as edges weighted by their number of events."""
    names = load_knowledge()
    edges: dict[str, dict[str, Any]] = {}
    for row in store.dyad_counts(replace(where, limit=None, offset=0)):
        edge = edges.setdefault(row["dyad"], {"dyad": row["dyad"], "events": 0, "types": {}})
        edge["events"] += row["events"]
        edge["types"][row["type"]] = edge["types"].get(row["type"], 0) + row["events"]
    degree: Counter[str] = Counter()
    for edge in edges.values():
        for code in edge["dyad"].split("-"):
            degree[code] += edge["events"]
    return {"nodes": [{"code": c, "name": names.country_name(c) or c, "events": n}
                      for c, n in sorted(degree.items())],
            "edges": sorted(edges.values(), key=lambda e: (-e["events"], e["dyad"]))}


def headline(event: dict[str, Any]) -> str:
    """An event in a line: 'France → India: 26 × Rafale M' for a deal or aid (from the
    seller or donor), else who with whom and what: 'Rajnath Singh – Lloyd Austin'."""
    what = event.get("agreement") or event.get("platform")
    seller, buyer = event.get("seller"), event.get("buyer")
    if event.get("type") in ("DEAL", "AID") and seller and buyer:
        names = load_knowledge()
        flow = f"{names.country_name(seller) or seller} → {names.country_name(buyer) or buyer}"
        thing = f"{event['quantity']} × {what}" if what and event.get("quantity") else what
        return f"{flow}: {thing}" if thing else flow
    sides = [", ".join(e["name"] for e in event.get(side) or []) for side in ("actor",
                                                                            "recipient")]
    who = " – ".join(s for s in sides if s)
    return f"{who}: {what}" if what and who else who or what or ""


def amounts_by_currency(found: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sum of the events' amounts per currency, largest first (no conversion)."""
    sums: dict[str, float] = {}
    counts: Counter[str] = Counter()
    for item in found:
        amount = item.get("amount")
        if amount:
            sums[amount["currency"]] = sums.get(amount["currency"], 0.0) + amount["value"]
            counts[amount["currency"]] += 1
    return [{"currency": c, "value": v, "events": counts[c]}
            for c, v in sorted(sums.items(), key=lambda cv: (-counts[cv[0]], cv[0]))]


def event_detail(store: Store, event_id: str) -> dict[str, Any]:
    """``event`` plus, for each report, its article's title and each source sentence in its
    paragraph: ``{"before", "sentence", "after"}``."""
    found = store.get_event(event_id, with_text=True)
    if found is None:
        raise BilatError("B403", f"no event {event_id!r} in the store")
    for report in found["reports"]:
        text = report.pop("text")
        report["passages"] = [_passage(text, source) for source in report["sources"]]
    return found


def _passage(text: str, source: dict[str, Any]) -> dict[str, str]:
    start, end = source["start"], source["end"]
    if text[start:end] != source["sentence"]:
        return {"before": "", "sentence": source["sentence"], "after": ""}
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return {"before": text[first:start], "sentence": text[start:end],
            "after": text[end:last if last >= 0 else len(text)]}


def search(store: Store, text: str, *, limit: int = 20) -> dict[str, Any]:
    """Free text over events (names and sentences), entities and articles."""
    words = re.findall(r"[^\W_]+", text.lower())
    if not words:
        return {"events": [], "entities": [], "articles": []}
    return {"events": store.find_events(make_filter(text=text, limit=limit)),
            "entities": store.find_entities(text, None, limit),
            "articles": _articles_with(store, words, limit)}


def _articles_with(store: Store, words: list[str], limit: int) -> list[dict[str, Any]]:
    found = store.find_articles(" ".join(words), limit)
    for article in found:
        article["snippet"] = _snippet(article.pop("text"), words[0])
    return found


def _snippet(text: str, word: str, *, width: int = 90) -> dict[str, str]:
    """Where ``word`` first occurs, with some words either side (the text's start if only the
    title holds it)."""
    at = text.lower().find(word)
    if at < 0:
        return {"before": "", "match": "", "after": text[:2 * width].rsplit(" ", 1)[0]}
    low = text.rfind(" ", 0, max(0, at - width)) + 1
    high = text.find(" ", at + len(word) + width)
    return {"before": ("…" if low > 0 else "") + text[low:at],
            "match": text[at:at + len(word)],
            "after": text[at + len(word):high if high >= 0 else len(text)] +
            ("…" if high >= 0 else "")}
