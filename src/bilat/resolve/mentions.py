"""Event candidates -> mentions with canonical people, countries, dates and money.

``resolve_candidates`` reads one annotated article's candidates in order. People resolve
across the article (``people.ArticleEntities``); countries come from names, demonyms,
compounds, organisations, places and dialogues; dates resolve against the publication
date (``dates``); amounts normalise to ISO 4217 (``money``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace

from ..annotate.article import AnnotatedArticle
from ..codebook import is_generic_agreement, load_codebook
from ..extraction import Candidate, Name, in_other_clause
from ..knowledge import load_knowledge
from ..records import Entity, Location, Mention, SourceRef
from .dates import find_dates
from .money import find_amounts
from .people import ArticleEntities

QUANTITY_NOUNS = {"jets", "aircraft", "fighters", "helicopters", "drones", "ships", "vessels",
                  "submarines", "frigates", "destroyers", "corvettes", "units", "guns",
                  "howitzers", "tanks", "missiles", "systems", "launchers", "engines",
                  "planes", "vehicles", "radars", "rifles", "batteries", "boats"}
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20}
CURRENCY_SIGNS = {"$", "€", "£", "₹"}
SCALE_WORDS = {"billion", "million", "crore", "lakh", "bn", "m"}
# Between a count and its noun stand only modifiers ("24 MH-60R multi-role helicopters").
COUNT_BREAKERS = {"ADP", "VERB", "AUX", "SCONJ", "CCONJ", "PRON", "DET"}
SYMMETRIC = {"MEETING", "CALL", "EXERCISE", "AGREEMENT"}
DYAD_CUES = {"bilateral", "counterpart", "counterparts", "both", "two"}
# "the two sides signed ...": the parties are the ones the article has been talking about.
BOTH_SIDES = re.compile(r"\b(?:the\s+two|both)\s+(?:sides|countries|nations|ministers|leaders|"
                        r"governments|navies|armies|delegations|defence\s+ministers|"
                        r"militaries|forces|secretaries|had|have|also|last|were|met|spoke)\b"
                        r"|\bthe\s+(?:pair|ministers|leaders|sides)\b", re.I)
# Words a deal is referred back by: "the procurement", "a separate contract".
DEAL_REFERENCES = {"procurement", "deal", "contract", "purchase", "order", "acquisition",
                   "sale", "package", "bill", "aid", "assistance"}


def resolve_candidates(annotated: AnnotatedArticle,
                       candidates: Iterable[Candidate]) -> Iterator[Mention]:
    entities = ArticleEntities(annotated)
    article = annotated.article
    dyad = _main_dyad(annotated, entities)
    previous: list[Mention] = []
    for candidate in candidates:
        mention = _resolve(candidate, entities, article.date, dyad, previous,
                           article.id, article.url)
        if mention is None:
            continue
        for part in _bilateral_calls(mention):
            previous.append(part)
            yield part


def _bilateral_calls(mention: Mention) -> list[Mention]:
    """'X spoke with A and, separately, with B': a call is between two sides, so one per pair."""
    caller = {e.country for e in mention.actor if e.country}
    called = {e.country for e in mention.recipient if e.country} - caller
    if mention.type != "CALL" or len(caller) != 1 or len(called) < 2:
        return [mention]
    return [replace(mention, recipient=tuple(e for e in mention.recipient if e.country == c),
                    countries=tuple(sorted(caller | {c}))) for c in sorted(called)]


def _main_dyad(annotated: AnnotatedArticle, entities: ArticleEntities) -> tuple[str, ...]:
    """The country pair the article is about: its most frequent compound ("India-Italy")."""
    kb = load_knowledge()
    pairs: Counter[tuple[str, ...]] = Counter()
    for sentence in annotated.sentences:
        tokens = list(sentence.span)
        for a, dash, b in zip(tokens, tokens[1:], tokens[2:], strict=False):
            if dash.text in ("-", "–", "—"):
                first = kb.country(a.text) or kb.prefix(a.text)
                second = kb.country(b.text)
                if first and second and first != second:
                    pairs[tuple(sorted((first, second)))] += 1
    return pairs.most_common(1)[0][0] if pairs else ()


def _entity_for(name: Name, candidate: Candidate, entities: ArticleEntities) -> Entity | None:
    sentence = candidate.sentence
    person = entities.person_at(sentence, name.start)
    if person is not None:  # a name, a role or a place-named surname ("Austin") met before
        return person.entity()
    if name.label in ("PERSON", "ROLE"):
        return None
    if name.label == "PRONOUN":
        person = entities.pronoun(sentence, name.start)
        return person.entity() if person else None
    if name.label == "ORG":
        return entities.organisation(name.key or name.text)
    if name.label in ("COUNTRY", "DEMONYM", "PREFIX", "PLACE", "GPE", "NORP", "LOC", "FAC"):
        code = entities.country_of_name(name.label, name.key, name.text)
        if code is None:
            return None
        return Entity(name=load_knowledge().country_name(code), kind="country", country=code)
    return None


def _resolve(candidate: Candidate, entities: ArticleEntities, reference: str | None,
             dyad: tuple[str, ...], previous: list[Mention], doc_id: str,
             url: str | None) -> Mention | None:
    kb = load_knowledge()
    codebook = load_codebook()
    spec = codebook.types[candidate.type]
    sides: dict[str, list[Entity]] = {"subject": [], "object": []}
    location: Location | None = None
    destination: Location | None = None
    forum: str | None = candidate.forum
    platform: str | None = None
    group_members: list[str] = []
    for name in candidate.names:
        if name.label == "DIALOGUE":
            dialogue = kb.dialogue(name.key or name.text)
            if dialogue is not None:
                forum = dialogue.name
                group_members.extend(dialogue.countries)
            continue
        if name.label == "PLATFORM":
            known = kb.platform(name.key or name.text)
            platform = platform or (known.name if known is not None else name.text)
            continue
        if name.label == "GROUP":
            # "the G7 meeting", "Quad leaders met": the group takes part; "as part of the
            # G20 group", "a four-nation EU visit" do not make every member a party.
            group = kb.group(name.key or name.text)
            near = abs(name.start - candidate.trigger_start) <= 2 or name.side == "subject"
            if group is not None and near and candidate.type != "VISIT":
                group_members.extend(group.members)
            continue
        entity = _entity_for(name, candidate, entities)
        if entity is None or (entity.kind == "organization" and entity.country is None):
            continue
        if name.side == "location":
            if location is None:
                location = Location(name=_place_name(name), country=entity.country)
            continue
        if name.side == "topic":
            continue
        if candidate.type == "VISIT" and entity.kind == "country" and name.side == "object":
            destination = destination or Location(name=_place_name(name), country=entity.country)
        if entity not in sides[name.side]:
            sides[name.side].append(entity)
    visitors = {e.country for e in sides["subject"]}
    if destination is not None and destination.country in visitors:
        destination = None  # a visit is to somewhere else than the visitor's country
    if candidate.type == "VISIT" and destination is None and location is not None and \
            location.country not in visitors:
        destination = location
    if candidate.type == "VISIT":
        location = destination

    countries = {e.country for side in sides.values() for e in side
                 if e.country and not e.country.startswith("?")}
    if location and location.country and candidate.type == "VISIT":
        countries.add(location.country)
    countries.update(group_members)
    cues = candidate.cues
    if len(countries) == 1 and dyad and next(iter(countries)) in dyad and (
            cues & DYAD_CUES or forum or any(e.country == "?counterpart"
                                            for s in sides.values() for e in s)
            or candidate.type in ("VISIT", "MEETING", "AGREEMENT")):
        countries.update(dyad)
    if len(countries) == 1 and candidate.type in ("DEAL", "AID") and \
            candidate.cues & DEAL_REFERENCES:
        # "the CCS cleared the procurement": the deal the article is about
        (only,) = countries
        earlier = next((m for m in reversed(previous) if m.type == candidate.type and
                        only in m.countries and len(m.countries) >= 2), None)
        if earlier is not None:
            countries.update(earlier.countries)
    if len(countries) < 2 and BOTH_SIDES.search(candidate.sentence.text):
        recent = next((m for m in reversed(previous) if len(m.countries) >= 2 and
                       countries <= set(m.countries)), None)
        countries.update(recent.countries if recent else dyad)
        if recent is not None and not sides["subject"] and not sides["object"]:
            # "the two ministers signed": the people of the talks just reported
            sides["subject"].extend(recent.actor)
            sides["object"].extend(recent.recipient)
    _settle_counterparts(sides, countries)
    if candidate.type == "DEAL" and len(countries) == 1 and platform:
        maker = kb.platform(platform)
        if maker is not None and maker.country and maker.country not in countries:
            countries.add(maker.country)

    if candidate.type in ("DEAL", "AID") and not _official(sides, candidate, platform):
        return None  # airlines ordering planes, banks buying banks: not between countries
    sentence = candidate.sentence
    if candidate.type == "AGREEMENT" and is_generic_agreement(candidate.agreement) and any(
            m.type == "DEAL" and set(m.countries) == countries for m in previous):
        # "The inter-governmental agreement was signed ...": the deal just reported
        candidate = replace(candidate, type="DEAL", status="signed", agreement=None)
        spec = codebook.types["DEAL"]
    if candidate.type == "VISIT" and candidate.planned and _on_the_trip(actor_people(sides),
                                                                       countries, previous):
        candidate = replace(candidate, planned=False)  # "is also scheduled to visit HAL"
    future = candidate.planned
    date, end_date, stated = _date(candidate, reference, future, previous, countries)
    if location is None and not stated and candidate.type != "CALL":
        occasion = _occasion(previous, countries)
        location = occasion.location if occasion is not None else None  # "during the visit"
    amount = _amount(candidate)
    actor, recipient = _split_sides(candidate.type, sides, destination)
    if not actor and not recipient and len(countries) >= 2:
        # "the 13th meeting of the India-UK Economic and Financial Dialogue": the states
        first, *rest = sorted(countries)
        actor = [Entity(name=kb.country_name(first), kind="country", country=first)]
        recipient = [Entity(name=kb.country_name(c), kind="country", country=c) for c in rest]
    buyer, seller = _deal_parties(candidate, actor, recipient, countries, platform)
    status = "planned" if candidate.planned else candidate.status
    if candidate.type == "DEAL" and candidate.planned:
        status = "negotiating" if "negotiat" in sentence.text else "announced"
    mode = candidate.mode or spec.default_mode
    if candidate.type == "MEETING" and len(countries) > 2:
        mode = "multilateral"
    context = _context(candidate, spec.context, platform)
    confidence = _confidence(candidate, actor, recipient, date, countries)
    return Mention(
        type=candidate.type, mode=mode, context=context, status=status,
        planned=candidate.planned,
        source=SourceRef(document=doc_id, url=url, sentence=sentence.text,
                         start=sentence.start, end=sentence.end),
        actor=tuple(actor), recipient=tuple(recipient), countries=tuple(sorted(countries)),
        location=location, date=date, end_date=end_date, date_stated=stated, amount=amount,
        quantity=_quantity(candidate) if candidate.type in ("DEAL", "AID") else None,
        platform=platform if candidate.type in ("DEAL", "AID", "EXERCISE") else None,
        agreement=candidate.agreement, forum=forum, distinct=candidate.distinct,
        buyer=buyer, seller=seller,
        confidence=confidence,
    )


OFFICIAL_KINDS = {"government", "military", "agency", "igo"}


def _official(sides: dict[str, list[Entity]], candidate: Candidate, platform: str | None) -> bool:
    """Does a state take part: a country, an official, a ministry, a military - or arms?"""
    kb = load_knowledge()
    for entity in sides["subject"] + sides["object"]:
        if entity.kind in ("country", "person"):
            return True
        org = kb.organisation(entity.name)
        if org is not None and org.kind in OFFICIAL_KINDS:
            return True
    military = set(load_codebook().contexts["military"])
    armed = any(w in military or w.rstrip("s") in military for w in candidate.cues)
    return candidate.type == "DEAL" and bool(platform or armed)


def actor_people(sides: dict[str, list[Entity]]) -> set[str]:
    return {e.name for e in sides["subject"] if e.kind == "person"}


def _on_the_trip(visitors: set[str], countries: set[str], previous: list[Mention]) -> bool:
    """Is a planned visit a stop on a trip the article already reports as under way?"""
    return bool(visitors) and any(
        m.type == "VISIT" and not m.planned and set(m.countries) == countries and
        visitors & {e.name for e in m.actor} for m in previous)


def _place_name(name: Name) -> str:
    text = name.text
    for article in ("the ", "The "):
        if text.startswith(article):
            text = text[len(article):]
    return text


def _settle_counterparts(sides: dict[str, list[Entity]], countries: set[str]) -> None:
    """'his UK counterpart' has a country; a bare 'counterpart' is from the other side."""
    for side in sides.values():
        for index, entity in enumerate(side):
            if entity.country == "?counterpart":
                others = [e.country for s in sides.values() for e in s
                          if e.country and not e.country.startswith("?")]
                left = sorted(countries - set(others[:1]))
                side[index] = Entity(name=entity.name, kind=entity.kind, role=entity.role,
                                     organization=entity.organization,
                                     country=left[0] if len(left) == 1 else None)


def _split_sides(event_type: str, sides: dict[str, list[Entity]],
                 destination: Location | None) -> tuple[list[Entity], list[Entity]]:
    actor = _prefer_people(sides["subject"])
    recipient = _prefer_people(sides["object"])
    if event_type == "VISIT" and destination is not None and destination.country:
        host = [e for e in recipient if e.country == destination.country]
        if not host:
            recipient = [Entity(name=load_knowledge().country_name(destination.country),
                                kind="country", country=destination.country)] + recipient
    if not actor and recipient:
        # "X and Y met", "talks between X and Y": split the one list by country
        guests = [e for e in recipient if destination is None or
                  e.country != destination.country]
        first = (guests or recipient)[0].country
        actor = [e for e in recipient if e.country == first]
        recipient = [e for e in recipient if e.country != first]
    elif actor and not recipient or (actor and recipient and event_type in SYMMETRIC and
                                     {e.country for e in actor} == {e.country for e in recipient}):
        everyone = actor + [e for e in recipient if e not in actor]
        first = everyone[0].country
        actor = [e for e in everyone if e.country == first]
        recipient = [e for e in everyone if e.country != first]
    # One country on both sides means the split went wrong: keep each country on one side.
    actor_countries = {e.country for e in actor}
    recipient = [e for e in recipient if e.country not in actor_countries or e.country is None]
    return actor, recipient


def _prefer_people(entities: list[Entity]) -> list[Entity]:
    """People stand for their country; a country entity stays only if no one represents it."""
    people = [e for e in entities if e.kind != "country"]
    represented = {e.country for e in people}
    return people + [e for e in entities if e.kind == "country" and e.country not in represented]


def _deal_parties(candidate: Candidate, actor: list[Entity], recipient: list[Entity],
                  countries: set[str], platform: str | None) -> tuple[str | None, str | None]:
    if candidate.type not in ("DEAL", "AID") or len(countries) != 2:
        return None, None
    subject = next((e.country for e in actor if e.country), None)
    if subject is None:
        return None, None
    other = next(iter(countries - {subject}), None)
    if candidate.type == "AID":
        return other, subject  # the donor gives to the other
    if platform:
        maker = load_knowledge().platform(platform)
        if maker is not None and maker.country in countries:
            return next(iter(countries - {maker.country})), maker.country
    if candidate.direction == "sell":
        return other, subject
    if candidate.direction == "buy":
        return subject, other
    return None, None


def _date(candidate: Candidate, reference: str | None, future: bool,
          previous: list[Mention], countries: set[str]) -> tuple[str | None, str | None, bool]:
    sentence = candidate.sentence
    doc = sentence.span.doc
    head = doc[candidate.trigger_start]
    mentions = [m for m in find_dates(sentence.text, reference, future=future) if m.date]
    offset = sentence.start - sentence.paragraph_start  # sentence start inside its Doc
    in_clause = []
    for mention in mentions:
        span = doc.char_span(offset + mention.start, offset + mention.end,
                             alignment_mode="expand")
        if span is None or not in_other_clause(span.root, head):
            in_clause.append(mention)
    mentions = in_clause
    if mentions:
        trigger_char = head.idx - offset
        best = min(mentions, key=lambda m: abs(m.start - trigger_char))
        return best.date, best.end_date, True
    occasion = _occasion(previous, countries)
    if occasion is not None:
        return occasion.date, occasion.end_date, False
    return None, None, False


def _occasion(previous: list[Mention], countries: set[str]) -> Mention | None:
    """The latest earlier report that dated the occasion this sentence goes on about."""
    for mention in reversed(previous):
        if mention.date_stated and set(mention.countries) == countries:
            return mention
    return None


def _amount(candidate: Candidate):
    if candidate.type not in ("DEAL", "AID"):
        return None
    found = find_amounts(candidate.sentence.text)
    if not found:
        return None
    trigger_char = candidate.sentence.span.doc[candidate.trigger_start].idx - \
        candidate.sentence.span.start_char
    return min(found, key=lambda m: abs(m.start - trigger_char)).amount


def _quantity(candidate: Candidate) -> int | None:
    """The number that counts the platforms: "24 MH-60R helicopters", "six Rafale jets".

    Only modifiers may stand between the number and its noun, so the year of "in February
    2020 for 24 MH-60R helicopters" is no count; nor is a number in a date or an amount.
    """
    sent = candidate.sentence.span
    for token in sent:
        if not (token.like_num or token.lower_ in NUMBER_WORDS) or token.ent_type_ == "DATE":
            continue
        if any(t.text in CURRENCY_SIGNS for t in sent.doc[max(sent.start, token.i - 1):token.i]):
            continue
        following = sent.doc[token.i + 1: min(token.i + 7, sent.end)]
        if not following or following[0].lower_ in SCALE_WORDS:
            continue
        noun = next((t for t in following if t.lower_ in QUANTITY_NOUNS), None)
        if noun is None or any(t.pos_ in COUNT_BREAKERS or t.like_num
                               for t in sent.doc[token.i + 1:noun.i]):
            continue
        value = NUMBER_WORDS.get(token.lower_)
        if value is None:
            try:
                value = int(token.text.replace(",", ""))
            except ValueError:
                continue
        if 0 < value < 100000:
            return value
    return None


def _context(candidate: Candidate, default: str, platform: str | None) -> str:
    words = candidate.cues
    text = candidate.sentence.text.lower()
    contexts = load_codebook().contexts
    if candidate.type in ("DEAL", "AID"):
        if platform or words & set(contexts["military"]):
            return "military"
        if candidate.type == "AID" and "humanitarian" in words:
            return "humanitarian"
        return "economic" if words & set(contexts["economic"]) else default
    for context in ("economic", "security", "military"):
        if any(word in text for word in contexts[context] if " " in word) or \
                words & set(contexts[context]):
            if context == "economic" and words & set(contexts["military"]) and \
                    not words & {"economic", "financial", "trade"}:
                continue
            return context
    return default


def _confidence(candidate: Candidate, actor: list[Entity], recipient: list[Entity],
                date: str | None, countries: set[str]) -> float:
    score = 0.55
    score += 0.1 if any(e.kind == "person" for e in actor + recipient) else 0
    score += 0.1 if actor and recipient else 0
    score += 0.05 if date else 0
    score += 0.05 if len(candidate.triggers) > 1 else 0
    score += 0.05 if len(countries) == 2 else 0
    return round(min(score, 0.95), 2)
