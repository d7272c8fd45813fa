"""Merge: the mentions of one event in one article become one ``Event``.

The same meeting in the lede and again in paragraph five is one event with two sources;
two agreements signed together stay two events. Mentions that name fewer than two
countries are not events of bilat's scope and are dropped here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .codebook import load_codebook
from .knowledge import load_knowledge
from .records import Entity, Event, Mention, stable_id
from .resolve.mentions import is_generic_agreement

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
    a, b = a.lower(), b.lower()
    return a == b or a in b or b in a


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
        extra={"forum": next((m.forum for m in group if m.forum), None)},
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


STATUS_ORDER = ["planned", "announced", "negotiating", "approved", "signed", "delivered"]


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
