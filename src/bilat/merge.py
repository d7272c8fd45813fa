"""Merge: one event across its mentions, within an article and across sources.

Within an article (``merge_mentions``), the same meeting in the lede and again in paragraph
five is one event with two sources; two agreements signed together stay two events;
mentions that name fewer than two countries are not events of bilat's scope and are
dropped. Across articles (``same_real_event``, ``combine``), the store folds one outlet's
report into the event another outlet reported, keeping who said what.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date as date_type
from datetime import timedelta
from typing import Any

from .codebook import STATUS_ORDER, is_generic_agreement, load_codebook
from .knowledge import load_knowledge
from .records import Entity, Event, Mention, stable_id

NAME_FILLER = {"the", "of", "on", "for", "a", "an", "and", "to", "in", "with", "between"}
FORUM_FILLER = {"the", "of", "and", "meeting", "th", "st", "nd", "rd", "annual", "edition",
                "fifth", "fourth", "third", "second", "first", "ministerial"}


def merge_mentions(mentions: Iterable[Mention]) -> list[Event]:
    groups: list[list[Mention]] = []
    for mention in mentions:
        if len(mention.countries) < 2:
            continue
        for group in groups:
            if all(_same_event(mention, other) for other in group):
                group.append(mention)
                break
        else:
            groups.append([mention])
    return [_event(group) for group in groups]


def _same_event(a: Mention, b: Mention) -> bool:
    if a.type != b.type or a.countries != b.countries:
        return False
    if not _dates_compatible(a, b):
        return False
    if a.planned != b.planned:
        return False  # "will visit" and "visited" are two visits
    if a.distinct != b.distinct:
        return False  # "a separate meeting", "had last spoken in February"
    if a.type == "AGREEMENT":
        return is_generic_agreement(a.agreement) or is_generic_agreement(b.agreement) or \
            _names_match(a.agreement or "", b.agreement or "")
    if a.type == "AID" and a.amount and b.amount and a.amount != b.amount:
        return False
    if a.type == "DEAL":
        if a.platform and b.platform and a.platform != b.platform:
            return False
        stages = {a.status, b.status}
        if "approved" in stages and stages & {"signed", "delivered"}:
            return False  # an approval and the signing it led to are two steps
        if a.amount and b.amount and a.amount != b.amount:
            return False
        return True
    if a.type == "MEETING":
        if a.forum and b.forum:
            return _forums_match(a.forum, b.forum)
        if a.forum or b.forum:
            plain, named = (b, a) if a.forum else (a, b)
            return not _people(named) or _people(plain) <= _people(named)
        return _people_compatible(a, b)
    if a.type == "VISIT":
        visitors_a = {e.country for e in a.actor}
        visitors_b = {e.country for e in b.actor}
        if visitors_a and visitors_b and not visitors_a & visitors_b:
            return False
    return _people_compatible(a, b)


def _forums_match(a: str, b: str) -> bool:
    """'India-US 2+2 Ministerial Dialogue' and '2+2 ministerial dialogue' are one forum."""
    def words(name: str) -> set[str]:
        kb = load_knowledge()
        return {w for w in re.split(r"[^a-z0-9+]+", name.lower()) if w and w not in
                FORUM_FILLER and not kb.country(w) and not kb.country(w.upper())}
    wa, wb = words(a), words(b)
    return _names_match(a, b) or (bool(wa) and bool(wb) and (wa <= wb or wb <= wa))


def _names_match(a: str, b: str) -> bool:
    """'Letter of Arrangement for the X Partnership' and '... on the X Partnership' match."""
    a, b = a.lower(), b.lower()
    if a == b or a in b or b in a:
        return True
    words_a = {w for w in re.findall(r"[a-z0-9]+", a) if w not in NAME_FILLER}
    words_b = {w for w in re.findall(r"[a-z0-9]+", b) if w not in NAME_FILLER}
    return bool(words_a) and bool(words_b) and (words_a <= words_b or words_b <= words_a)


def _people(mention: Mention) -> set[str]:
    return {e.name for e in mention.actor + mention.recipient if e.kind == "person"}


def _people_compatible(a: Mention, b: Mention) -> bool:
    pa, pb = _people(a), _people(b)
    return not pa or not pb or pa <= pb or pb <= pa


def _dates_compatible(a: Mention, b: Mention) -> bool:
    if not a.date or not b.date:
        return True
    a_start, a_end = a.date, a.end_date or a.date
    b_start, b_end = b.date, b.end_date or b.date
    size = min(len(a_start), len(b_start))
    return a_start[:size] <= b_end[:size] and b_start[:size] <= a_end[:size]


def _event(group: list[Mention]) -> Event:
    codebook = load_codebook()
    first = group[0]
    spec = codebook.types[first.type]
    dated = [m for m in group if m.date]
    best_date = max(dated, key=lambda m: (m.date_stated, len(m.date or ""), m.end_date is not
                                          None)) if dated else None
    status = _status(group)
    mode = next((m.mode for m in group if m.mode and m.mode != spec.default_mode),
                first.mode)
    context = next((m.context for m in group if m.context != spec.context), first.context)
    sources = tuple(m.source for m in group)
    actor = _union(m.actor for m in group)
    recipient = [e for e in _union(m.recipient for m in group)
                 if e.name not in {a.name for a in actor}]
    # a country stays listed only where none of its people or organisations is
    present = {e.country for e in actor + recipient if e.kind != "country"}
    actor = [e for e in actor if e.kind != "country" or e.country not in present]
    recipient = [e for e in recipient if e.kind != "country" or e.country not in present]
    event = Event(
        type=first.type,
        event=spec.event,
        mode=mode,
        context=context,
        cameo=_cameo(first.type, mode, status, context),
        status=status,
        date=best_date.date if best_date else None,
        end_date=best_date.end_date if best_date else None,
        actor=tuple(actor),
        recipient=tuple(recipient),
        countries=first.countries,
        location=next((m.location for m in group if m.location), None),
        amount=next((m.amount for m in group if m.amount), None),
        quantity=next((m.quantity for m in group if m.quantity), None),
        platform=next((m.platform for m in group if m.platform), None),
        agreement=next((m.agreement for m in group if m.agreement), None) or
        next((m.forum for m in group if m.forum), None) if first.type == "AGREEMENT" else
        next((m.agreement for m in group if m.agreement), None),
        sources=sources,
        confidence=round(min(0.99, max(m.confidence for m in group) + 0.03 * (len(group) - 1)),
                         2),
        buyer=next((m.buyer for m in group if m.buyer), None),
        seller=next((m.seller for m in group if m.seller), None),
        extra={"forum": next((m.forum for m in group if m.forum), None),
               "distinct": any(m.distinct for m in group)},
    )
    return _with_id(event)


def _with_id(event: Event) -> Event:
    first = event.sources[0]
    identity = stable_id(first.document, event.type, event.countries, first.start,
                         event.agreement)
    return Event(**{**event.__dict__, "id": identity})


def _union(lists: Iterable[tuple[Entity, ...]]) -> list[Entity]:
    merged: dict[str, Entity] = {}
    for entities in lists:
        for entity in entities:
            known = merged.get(entity.name)
            if known is None or (known.role is None and entity.role):
                merged[entity.name] = entity
    return list(merged.values())


def _status(group: list[Mention]) -> str | None:
    statuses = [m.status for m in group if m.status]
    if not statuses:
        return None
    if all(s == "planned" for s in statuses):
        return "planned"
    done = [s for s in statuses if s != "planned"]
    return max(done, key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else -1)


def _cameo(event_type: str, mode: str | None, status: str | None, context: str) -> str:
    table = load_codebook().types[event_type].cameo
    for key in (mode, status, context):
        if key and key in table:
            return table[key]
    return next(iter(table.values()))


# --- across articles -------------------------------------------------------------------
# The store folds each article's events into the events it already holds. These functions
# work on event records (dicts, as stored), so the store needs no pipeline objects.

MERGED_FIELDS = ("date", "end_date", "status", "location", "amount", "quantity", "platform",
                 "agreement", "buyer", "seller", "mode", "context", "cameo", "forum")


def _day(value: str) -> date_type | None:
    try:
        return date_type.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _within_window(a: dict[str, Any], b: dict[str, Any], days: int = 3) -> bool:
    """Dates a few days apart (a month or a year apart at those precisions) can be one event."""
    if not a.get("date") or not b.get("date"):
        return True
    a_start, a_end = a["date"], a.get("end_date") or a["date"]
    b_start, b_end = b["date"], b.get("end_date") or b["date"]
    days_a = (_day(a_start), _day(a_end))
    days_b = (_day(b_start), _day(b_end))
    if None not in days_a and None not in days_b:
        slack = timedelta(days=days)
        return days_a[0] - slack <= days_b[1] and days_b[0] - slack <= days_a[1]  # type: ignore[operator]
    size = min(len(a_start), len(b_start))
    if size == 4:
        return a_start[:4] == b_start[:4]
    months_a = int(a_start[:4]) * 12 + int(a_start[5:7])
    months_b = int(b_start[:4]) * 12 + int(b_start[5:7])
    return abs(months_a - months_b) <= 1


def _record_people(record: dict[str, Any]) -> set[str]:
    return {e["name"] for e in record.get("actor", []) + record.get("recipient", [])
            if e.get("kind") == "person"}


def _people_by_country(record: dict[str, Any]) -> dict[str, set[str]]:
    people: dict[str, set[str]] = {}
    for entity in record.get("actor", []) + record.get("recipient", []):
        if entity.get("kind") == "person" and entity.get("country"):
            people.setdefault(entity["country"], set()).add(entity["name"])
    return people


def match_score(a: dict[str, Any], b: dict[str, Any]) -> tuple[int, int]:
    """How well two reports of one event agree: shared people, then closeness in time."""
    shared = len(_record_people(a) & _record_people(b))
    days = 99
    if a.get("date") and b.get("date") and len(a["date"]) == len(b["date"]) == 10:
        day_a, day_b = _day(a["date"]), _day(b["date"])
        if day_a and day_b:
            days = abs((day_a - day_b).days)
    return shared, -days


def same_real_event(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Do two reports (from different articles) describe one real-world event?"""
    if a["type"] != b["type"] or list(a["countries"]) != list(b["countries"]):
        return False
    if (a.get("status") == "planned") != (b.get("status") == "planned"):
        return False
    if not _within_window(a, b):
        return False
    if bool(a.get("distinct")) != bool(b.get("distinct")):
        return False  # "a separate meeting" is not the dialogue around it
    if a.get("forum") and b.get("forum") and not _forums_match(a["forum"], b["forum"]):
        return False
    statuses = {a.get("status"), b.get("status")}
    if a["type"] == "DEAL" and "approved" in statuses and statuses & {"signed", "delivered"}:
        return False  # an approval and the signing it led to are two steps
    people_a, people_b = _record_people(a), _record_people(b)
    if people_a and people_b and not people_a & people_b:
        return False  # the same week, the same pair, other people: another meeting
    by_country_a, by_country_b = _people_by_country(a), _people_by_country(b)
    if any(by_country_a[c] and by_country_b.get(c) and not by_country_a[c] & by_country_b[c]
           for c in by_country_a):
        return False  # Singh met Shapps, Singh met Sunak: two meetings
    if not (a.get("date") and b.get("date")) and not (people_a & people_b) and \
            not _same_named_thing(a, b):
        return False  # undated: only shared participants or one named deal or pact tie them
    loc_a = (a.get("location") or {}).get("country")
    loc_b = (b.get("location") or {}).get("country")
    if loc_a and loc_b and loc_a != loc_b:
        return False
    if a["type"] == "AGREEMENT" and not (
            is_generic_agreement(a.get("agreement")) or is_generic_agreement(b.get("agreement"))
            or _names_match(a.get("agreement") or "", b.get("agreement") or "")):
        return False
    if a["type"] == "DEAL" and (a.get("platform") or b.get("platform")):
        if a.get("platform") and b.get("platform"):
            if a["platform"] != b["platform"]:
                return False
        elif not people_a & people_b and (a.get("amount") is None or
                                          a.get("amount") != b.get("amount")):
            return False  # one names the drones, the other an engine deal: two deals
    if a["type"] == "VISIT":
        visitors_a = {e.get("country") for e in a.get("actor", [])} - {None}
        visitors_b = {e.get("country") for e in b.get("actor", [])} - {None}
        if visitors_a and visitors_b and not visitors_a & visitors_b:
            return False
    return True


def _same_named_thing(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same platform bought at the same stage, or the same named agreement."""
    if a["type"] == "DEAL":
        return bool(a.get("platform")) and a.get("platform") == b.get("platform") and \
            a.get("status") == b.get("status")
    if a["type"] == "AGREEMENT":
        return not is_generic_agreement(a.get("agreement")) and \
            not is_generic_agreement(b.get("agreement")) and \
            _names_match(a["agreement"], b["agreement"])
    return False


def combine(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One record from an event's reports, keeping who said what and where they disagree.

    Each report is an article-level event record with a ``document`` key. The chosen value
    of a field is the one most reports give (the most precise date among them); every value
    given stays listed under ``provenance``, and fields with more than one value under
    ``disagreements``.
    """
    first = reports[0]
    merged: dict[str, Any] = {k: v for k, v in first.items() if k != "document"}
    provenance: dict[str, list[dict[str, Any]]] = {}
    disagreements: dict[str, list[Any]] = {}
    for name in MERGED_FIELDS:
        given = [(r.get(name), r["document"]) for r in reports if r.get(name) is not None]
        if not given:
            merged[name] = None
            continue
        by_value: dict[str, tuple[Any, list[str]]] = {}
        for value, document in given:
            key = json.dumps(value, sort_keys=True)
            by_value.setdefault(key, (value, []))[1].append(document)
        ranked = sorted(by_value.values(),
                        key=lambda vd: (len(vd[1]), len(str(vd[0])) if name == "date" else 0),
                        reverse=True)
        merged[name] = ranked[0][0]
        provenance[name] = [{"value": v, "documents": sorted(set(d))} for v, d in ranked]
        if len(ranked) > 1 and name not in ("cameo", "mode", "context"):
            disagreements[name] = [v for v, _ in ranked]
    if merged.get("date") and merged.get("end_date") and merged["end_date"] < merged["date"]:
        merged["end_date"] = None
    actor = _union_dicts(r.get("actor", []) for r in reports)
    actor_names = {e["name"] for e in actor}
    recipient = [e for e in _union_dicts(r.get("recipient", []) for r in reports)
                 if e["name"] not in actor_names]
    present = {e.get("country") for e in actor + recipient if e.get("kind") != "country"}
    merged["actor"] = _represented(actor, present)
    merged["recipient"] = _represented(recipient, present)
    merged["sources"] = [s for r in reports for s in r.get("sources", [])]
    merged["confidence"] = round(min(0.99, max(r.get("confidence", 0.5) for r in reports)
                                     + 0.02 * (len(reports) - 1)), 2)
    merged["provenance"] = provenance
    merged["disagreements"] = disagreements
    return merged


def _represented(entities: list[dict[str, Any]], present: set[str | None]) -> list[dict[str, Any]]:
    """A country stays listed only if none of its people or organisations is."""
    return [e for e in entities if e.get("kind") != "country" or e.get("country") not in present]


def _union_dicts(lists: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for entities in lists:
        for entity in entities:
            known = merged.get(entity["name"])
            if known is None or (not known.get("role") and entity.get("role")):
                merged[entity["name"]] = entity
    return list(merged.values())


def candidate_window(value: str | None) -> tuple[str, str, str] | None:
    """The dates an event on ``value`` can be matched against across sources: (low, high,
    its year). Wider than ``same_real_event``'s window, to pre-select candidates by index."""
    if not value:
        return None
    year = value[:4]
    if len(value) == 4:
        return f"{year}-01-01", f"{year}-12-31", year
    if len(value) == 7:
        first = date_type.fromisoformat(f"{value}-01")
        return (first - timedelta(days=32)).isoformat(), \
            (first + timedelta(days=63)).isoformat(), year
    day = date_type.fromisoformat(value)
    return (day - timedelta(days=40)).isoformat(), (day + timedelta(days=40)).isoformat(), year
