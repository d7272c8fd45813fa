"""People, organisations and countries named in one article, resolved across it.

``ArticleEntities`` reads an annotated article once, in order, and keeps a register of the
people it names: a full name met first ("Defence Secretary Rajesh Kumar Singh") makes an
entry; later short forms ("Singh", "Minister Singh", "Secretary Blinken"), misspellings
("Richard Marels") and pronouns resolve to it. Roles and countries come from the text
around a name first ("Australian Deputy Prime Minister and Defence Minister Richard
Marles", "his UK counterpart, David Williams"), then from the officeholders data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from ..annotate import GAZETTEER_SPANS
from ..annotate.article import AnnotatedArticle, Sentence
from ..knowledge import KnowledgeBase, Officeholder, load_knowledge
from ..records import Entity
from ..titles import load_titles, role_mentions

SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# An acronym in brackets right after a name: "Bharat Electronics Limited (BEL)".
ACRONYM = re.compile(r"((?:[A-Z][\w&.'-]*\s+(?:(?:of|for|and|the|&)\s+)*){1,10})"
                     r"\(([A-Z][A-Za-z&-]{1,9})\)")
NOT_NAMES = {"MoU", "MoUs", "Defence", "Defense", "Ministry", "Secretary", "Minister"}


@dataclass
class Person:
    name: str
    role: str | None = None
    organization: str | None = None
    country: str | None = None
    from_kb: bool = False
    written_roles: list[str] = field(default_factory=list)  # titles as the text gives them

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    def entity(self) -> Entity:
        aliases = load_titles().role_aliases
        role = self.written_roles[0] if self.written_roles else self.role
        return Entity(name=self.name, kind="person",
                      role=aliases.get(role, role) if role is not None else None,
                      organization=self.organization, country=self.country)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True if a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]]
                and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


class ArticleEntities:
    """The people, organisations and countries of one article, resolved in reading order."""

    def __init__(self, annotated: AnnotatedArticle, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or load_knowledge()
        self.titles = load_titles()
        self.date = annotated.article.date
        self.people: list[Person] = []
        self.by_token: dict[tuple[int, int], Person] = {}  # (sentence index, token i)
        self.last_subject: dict[int, Person] = {}  # sentence index -> last subject person
        # (sentence index, token i) of people who are a subject: "Defence Minister Gen
        # Nakatani" starts at a compound, its last word is the subject
        self.subjects: set[tuple[int, int]] = set()
        self.acronyms = self._acronyms(annotated.article.text)
        self.dyad = None  # the article's main country pair, set below
        for sentence in annotated.sentences:
            self._read(sentence)

    # --- organisations ----------------------------------------------------------------
    def _acronyms(self, text: str) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for match in ACRONYM.finditer(text):
            long_form = match.group(1).strip()
            long_form = re.sub(r"^(?:the|The|an?|An?)\s+", "", long_form)
            acronym = match.group(2)
            initials = "".join(w[0] for w in long_form.split() if w[0].isupper())
            if acronym[0] != long_form[0] and acronym[0].upper() not in initials:
                continue
            pairs[acronym] = long_form
            pairs[long_form] = acronym
        return pairs

    def organisation(self, text: str) -> Entity | None:
        text = re.sub(r"^(?:the|The)\s+", "", text.strip())
        org = self.kb.organisation(text)
        other = self.acronyms.get(text)
        if org is None and other:
            org = self.kb.organisation(other)
        if org is not None:
            return Entity(name=org.name, kind="organization", country=org.country)
        long_form = text if len(text.split()) > 1 else other
        country = self._country_inside(long_form) if long_form else None
        if long_form is None and country is None:
            return None
        return Entity(name=long_form or text, kind="organization", country=country)

    def _country_inside(self, name: str) -> str | None:
        for word in re.findall(r"[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?", name):
            for candidate in (word, word.split()[0]):
                code = self.kb.demonym(candidate) or self.kb.country(candidate)
                if code:
                    return code
        return None

    # --- countries ----------------------------------------------------------------------
    def country_of_name(self, label: str, key: str | None, text: str) -> str | None:
        if label in ("COUNTRY", "DEMONYM", "PREFIX") and key:
            return key
        if label == "PLACE":
            place = self.kb.place(key or text)
            return place.country if place else None
        if label in ("GPE", "LOC", "FAC"):
            code = self.kb.country(text)
            if code:
                return code
            place = self.kb.place(re.sub(r"^the\s+", "", text, flags=re.I))
            return place.country if place else None
        if label == "NORP":
            return self.kb.demonym(text)
        return None

    # --- people -------------------------------------------------------------------------
    def person_at(self, sentence: Sentence, start: int) -> Person | None:
        return self.by_token.get((sentence.index, start))

    def pronoun(self, sentence: Sentence, token_i: int) -> Person | None:
        """The person a he/she/his/her refers to: the latest subject before it."""
        best = None
        for (index, i), person in self.by_token.items():
            if index == sentence.index and i < token_i and (index, i) in self.subjects:
                best = person
        if best is not None:
            return best
        for index in range(sentence.index - 1, -1, -1):
            if index in self.last_subject:
                return self.last_subject[index]
        return None

    def _read(self, sentence: Sentence) -> None:
        taken = {i for s in sentence.span.doc.spans[GAZETTEER_SPANS] for i in range(s.start, s.end)
                 if s.label_ not in ("PLACE", "COUNTRY", "DEMONYM")}
        for start, end, role in role_mentions(sentence.span, taken):
            person = self._by_role(sentence.span.doc[start:end], role)
            if person is not None:
                self.by_token[(sentence.index, start)] = person
                if sentence.span.doc[end - 1].dep_ in SUBJECT_DEPS:
                    self.last_subject[sentence.index] = person
                    self.subjects.add((sentence.index, start))
        for start, end in self._person_spans(sentence):
            span = sentence.span.doc[start:end]
            person = self._resolve_person(span, sentence)
            if person is None:
                continue
            self.by_token[(sentence.index, start)] = person
            if span.root.dep_ in SUBJECT_DEPS or any(
                    t.dep_ in SUBJECT_DEPS for t in span):
                self.last_subject[sentence.index] = person
                self.subjects.add((sentence.index, start))
        if sentence.index not in self.last_subject:
            for token in sentence.span:
                if token.dep_ in SUBJECT_DEPS and token.lower_ in ("he", "she"):
                    referent = self.pronoun(sentence, token.i)
                    if referent is not None:
                        self.last_subject[sentence.index] = referent
                    break

    def _person_spans(self, sentence: Sentence) -> list[tuple[int, int]]:
        sent = sentence.span
        doc = sent.doc
        spans: list[tuple[int, int]] = []
        taken: set[int] = set()
        for span in doc.spans[GAZETTEER_SPANS]:
            if sent.start <= span.start < sent.end:
                taken.update(range(span.start, span.end))
                if span.label_ == "PERSON" or (
                        len(span) == 1 and any(p.surname == span.text for p in self.people)):
                    spans.append((span.start, span.end))  # "Austin", met before in full
        for ent in sent.ents:
            if ent.label_ != "PERSON" or taken.intersection(range(ent.start, ent.end)):
                continue
            start, end = self._widen(ent, taken)
            if start < end and doc[start:end].text not in NOT_NAMES:
                spans.append((start, end))
                taken.update(range(start, end))
        # A surname met before, whatever the tagger took it for ("Singh" as a place).
        surnames = {p.surname for p in self.people}
        for token in sent:
            if token.i not in taken and token.text in surnames and token.is_title and \
                    not self.kb.country(token.text):
                spans.append((token.i, token.i + 1))
                taken.add(token.i)
        # A title followed by a capitalised word the tagger missed: "Secretary Blinken".
        for token in sent:
            if token.i in taken or not token.is_title or token.pos_ != "PROPN":
                continue
            prev = doc[token.i - 1] if token.i > sent.start else None
            nxt = doc[token.i + 1] if token.i + 1 < sent.end else None
            if prev is not None and (prev.text in self.titles.words or
                                     prev.text in self.titles.honorifics) and (
                    nxt is None or not nxt.is_title) and token.text not in self.titles.words \
                    and not self.kb.country(token.text) and not self.kb.demonym(token.text):
                if self._known_surname(token.text):
                    spans.append((token.i, token.i + 1))
                    taken.add(token.i)
        return sorted(spans)

    def _widen(self, ent: Span, taken: set[int]) -> tuple[int, int]:
        """Extend a PERSON span over capitalised name tokens the tagger left out."""
        doc = ent.doc
        start, end = ent.start, ent.end
        while start > ent.sent.start and doc[start - 1].pos_ == "PROPN" and \
                doc[start - 1].is_title and doc[start - 1].text not in self.titles.words \
                and doc[start - 1].text not in self.titles.honorifics \
                and start - 1 not in taken and not self.kb.demonym(doc[start - 1].text) \
                and not self.kb.country(doc[start - 1].text):
            start -= 1
        while end < ent.sent.end and doc[end].pos_ == "PROPN" and doc[end].is_title and \
                doc[end].text not in self.titles.words and end not in taken:
            end += 1
        # Drop leading titles the tagger put inside ("Secretary Blinken", "Mr. Austin").
        while start < end and (doc[start].text in self.titles.words or
                               doc[start].text in self.titles.honorifics):
            start += 1
        return start, end

    def _by_role(self, span: Span, role: str) -> Person | None:
        """The person a bare role stands for: the latest one met with that role."""
        _, country = self._title_before(span[-1:]) if len(span) else (None, None)
        before = span.doc[span.start - 1] if span.start > span.sent.start else None
        if before is not None and before.text in ("'s", "’s") and span.start - 2 >= 0:
            country = self.kb.country(span.doc[span.start - 2].text)
        elif before is not None:
            country = country or self.kb.demonym(before.text) or self.kb.country(before.text)
        for person in reversed(self.people):
            if span.text in person.written_roles and country in (None, person.country):
                return person  # the same title as written before ("Raksha Mantri")
        for person in reversed(self.people):
            roles = [*person.written_roles, *([person.role] if person.role else [])]
            if any(_role_fits(role, r) for r in roles) and (
                    country is None or person.country in (None, country)):
                return person
        if country and self.date:
            holders = self.kb.holders_of(role, country, self.date)
            if len({h.name for h in holders}) == 1:
                return self._by_full_name(holders[0].name)
        return None

    def _known_surname(self, surname: str) -> bool:
        return any(p.surname == surname for p in self.people) or bool(
            self.kb.officeholders_with_surname(surname))

    def _resolve_person(self, span: Span, sentence: Sentence) -> Person | None:
        text = re.sub(r"\s+", " ", span.text).strip(" ,")
        text = re.sub(r"'s$|’s$", "", text)
        if not text or not text[0].isupper() or any(q in text for q in "'\"‘“”") or \
                text.split()[0] in self.titles.ship_prefixes:
            return None
        role, role_country = self._title_before(span)
        if role is None:
            role, after_country = self._title_after(span)
            role_country = role_country or after_country
        counterpart = self._is_counterpart(span)
        words = text.split()
        if len(words) == 1:
            person = self._by_surname(words[0], role)
        else:
            person = self._by_full_name(text)
        if person is None:
            return None
        if role and role not in person.written_roles:
            person.written_roles.append(role)
        if role and person.role is None:
            person.role = role
        if role_country and person.country is None:
            person.country = role_country
        if counterpart and person.country is None:
            person.country = "?counterpart"
        return person

    def _by_full_name(self, text: str) -> Person | None:
        for person in self.people:
            if person.name == text:
                return person
        holders = self.kb.officeholders_named(text)
        if holders:
            holder = self._current(holders)
            for person in self.people:
                if person.name == holder.name:
                    return person
            person = Person(name=holder.name, role=holder.role,
                            organization=holder.organization, country=holder.country,
                            from_kb=True)
            self.people.append(person)
            return person
        first, last = text.split()[0], text.split()[-1]
        for person in self.people:
            parts = person.name.split()
            if parts[0] == first and parts[-1] == last:
                return person  # a dropped or added middle name or initial
            if edit_distance_at_most_one(person.name, text) and len(text) >= 8:
                return person  # a misspelling of a name already met
            if parts[-1] == last and len(parts) >= 2 and edit_distance_at_most_one(
                    parts[0], first):
                return person
            if parts[0] == first and edit_distance_at_most_one(parts[-1], last) and \
                    len(last) >= 5:
                return person
        # Officeholders spelt slightly differently from the data ("Richard Marels").
        for holder in self.kb.officeholders_with_surname(last) or []:
            if holder.name.split()[0] == first:
                return self._by_full_name(holder.name)
        person = Person(name=text)
        self.people.append(person)
        return person

    def _by_surname(self, surname: str, role: str | None) -> Person | None:
        matches = [p for p in self.people if p.surname == surname]
        if not matches and len(surname) >= 5:
            matches = [p for p in self.people if edit_distance_at_most_one(p.surname, surname)]
        if len(matches) > 1 and role:
            fitting = [p for p in matches if any(
                _role_fits(role, r) for r in [*p.written_roles, *([p.role] if p.role else [])])]
            if fitting:
                matches = fitting
        if matches:
            return matches[-1] if len(matches) > 1 and not role else matches[0]
        holders = self.kb.officeholders_with_surname(surname)
        if holders:
            current = [h for h in holders if _in_office(h, self.date)] if self.date else holders
            if role:
                current = [h for h in current if _role_fits(role, h.role) or
                           _role_fits(role, getattr(h, "title", None) or "")] or []
            names = {h.name for h in current}
            if len(names) == 1:
                return self._by_full_name(next(iter(names)))
        return None

    def _current(self, holders: list[Officeholder]) -> Officeholder:
        if self.date:
            for holder in holders:
                if _in_office(holder, self.date):
                    return holder
        return holders[-1]

    def _title_before(self, span: Span) -> tuple[str | None, str | None]:
        doc = span.doc
        i = span.start - 1
        words: list[Token] = []
        country = None
        while i >= span.sent.start:
            token = doc[i]
            if token.text in self.titles.honorifics and not words:
                i -= 1  # "Raksha Mantri Shri Rajnath Singh"
                continue
            if token.text in self.titles.words or (
                    token.lower_ in self.titles.joiners and words):
                words.insert(0, token)
                i -= 1
                continue
            if token.text == "-" and words:
                i -= 1
                continue
            break
        while words and words[0].lower_ in self.titles.joiners:
            words.pop(0)
        # The country right before the title: "Australian", "Italy's", "US", "UK".
        j = words[0].i - 1 if words else span.start - 1
        if j >= span.sent.start:
            token = doc[j]
            if token.text in ("'s", "’s") and j - 1 >= span.sent.start:
                country = self.kb.country(doc[j - 1].text)
            else:
                country = self.kb.demonym(token.text) or self.kb.country(token.text)
            if country is None and token.text == "," and j - 1 >= span.sent.start:
                # "his Italian counterpart, Secretary General of Defence Luisa Riccardi"
                k = j - 1
                if doc[k].lower_ in self.titles.counterpart and k - 1 >= span.sent.start:
                    country = self.kb.demonym(doc[k - 1].text) or self.kb.country(
                        doc[k - 1].text)
        role = " ".join(t.text for t in words) if words else None
        if role and not any(t.text in self.titles.heads for t in words):
            role = None
        return role, country

    def _title_after(self, span: Span) -> tuple[str | None, str | None]:
        doc = span.doc
        i = span.end
        if i >= span.sent.end or doc[i].text != ",":
            return None, None
        i += 1
        country = None
        words: list[Token] = []
        while i < span.sent.end:
            token = doc[i]
            if token.lower_ == "the" and not words:
                i += 1
                continue
            if country is None and not words and (self.kb.demonym(token.text) or
                                                  self.kb.country(token.text)):
                country = self.kb.demonym(token.text) or self.kb.country(token.text)
                i += 1
                if i < span.sent.end and doc[i].text in ("'s", "’s"):
                    i += 1
                continue
            if token.text in self.titles.words or (token.lower_ in self.titles.joiners
                                                    and words):
                words.append(token)
                i += 1
                continue
            break
        while words and words[-1].lower_ in self.titles.joiners:
            words.pop()
        role = " ".join(t.text for t in words) if words else None
        if role and not any(t.text in self.titles.heads for t in words):
            return None, country if words else None
        return role, country

    def _is_counterpart(self, span: Span) -> bool:
        doc = span.doc
        window = doc[max(span.sent.start, span.start - 10): span.start]
        return any(t.lower_ in self.titles.counterpart for t in window)


def _role_fits(written: str, known: str) -> bool:
    """Does a role as written ("Defence Secretary", "Minister") fit a known role?"""
    aliases = load_titles().role_aliases
    written, known = aliases.get(written, written), aliases.get(known, known)
    written_words = set(written.lower().replace("defense", "defence").split())
    known_words = set(known.lower().replace("defense", "defence").split())
    heads = {w.lower() for w in load_titles().heads}
    written_heads = written_words & heads
    return bool(written_heads) and written_heads <= known_words


def _in_office(holder: object, date: str) -> bool:
    start = getattr(holder, "start", None) or "0000"
    end = getattr(holder, "end", None) or "9999"
    return start[: len(date)] <= date <= end[: len(date)] or (
        start <= date and (end >= date))
