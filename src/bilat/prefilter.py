"""Prefilter: which articles and sentences can report an event, decided before spaCy runs.

The parse is what costs, and most text cannot report an event. Three signals, read from
the data files and the extractor's own word lists (none are listed here), decide:

- **trigger**: a candidate needs a trigger, so a sentence must hold the words of one of the
  codebook's patterns - each required token, in any form the lemmatizer would reduce to
  the pattern's lemma (the tables come from the spaCy model), in the pattern's order and
  within its gaps - or a named exercise (dialogues);
- **countries**: an event names two countries or more (``merge`` drops the rest), and every
  country bilat finds comes from a name in the knowledge files: a country, demonym, place,
  organisation, platform, dialogue, group, officeholder (or an officeholder's surname) or
  compound prefix ("Indo-");
- **party cue**: a word through which a sentence takes a country from elsewhere in the
  article: a pronoun, a title ("the Prime Minister"), a courtesy title ("Mr Straw"),
  "counterpart", "the two sides".

An article is relevant when one of its sentences holds a trigger and two countries. In a
relevant article a sentence is parsed when it holds a trigger and a country or a party
cue, or when it introduces in full someone a parsed sentence names by surname only; the
sentences that can still tell ``resolve`` something (a known person, a title, a compound
such as "India-US") are kept as context: tokens and known names, no parse. Every test
over-approximates what spaCy matches (words as runs, any case but for the names the
gazetteer matches only as written, every inflection).
``bilat bench`` measures what the prefilter keeps against the gold events and against
what the full pipeline finds.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .cache import cached
from .codebook import load_codebook
from .datafiles import PARSER
from .knowledge import KnowledgeBase, load_knowledge
from .titles import load_titles

MIN_COUNTRIES = 2  # merge.merge_mentions drops a mention naming fewer
# The selected sentences go to spaCy in ``nlp.pipe`` batches of this many: the parser and
# the NER step all a batch's sentences at once, so larger batches give their matrix products
# more rows (over 400 synthetic articles, 256 ran 4-5% faster than spaCy's usual 64).
PARSE_BATCH = 256

_RUN = re.compile(r"[^\W_]+")
_WORD_START = r"(?<![^\W_])"
_SIGNS = re.compile(r"[^\w\s.'’-]")  # signs that carry meaning inside a token: "+", "&"
# Runs may outnumber tokens ("U.S." is one token, two runs): room on top of a pattern's gap.
GAP_SLACK = 4
_COMPOUND = re.compile(r"([^\W_]+)\s?[-–—]\s?([^\W_]+)")  # "India-US", "Indo-Pacific"
# A sentence ends at . ! or ? (maybe closing a quote or bracket) before a capital.
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")

# The rule lemmatizer's tables, for every part of speech at once: suffix rules (old, new)
# and exceptions (lemma -> its irregular forms).
LemmaRules = list[tuple[str, str]]
LemmaExceptions = dict[str, set[str]]


def word_runs(text: str) -> list[str]:
    """The letter-and-digit runs of a text: the units both word tests compare."""
    return _RUN.findall(text)


@dataclass(frozen=True)
class Signal:
    """What the prefilter found in one stretch of text."""

    trigger: bool
    countries: frozenset[str]
    cue: bool

    @property
    def relevant(self) -> bool:
        """Can a sentence like this report an event: a trigger and a party to it?"""
        return self.trigger and (bool(self.countries) or self.cue)


@dataclass
class Selection:
    """What of one article to parse, and what to keep as context: (offset, text) pieces.

    ``anchors`` are the offsets of the parsed sentences that hold a trigger and name two
    countries: those that made the article relevant.
    """

    relevant: bool
    parse: list[tuple[int, str]] = field(default_factory=list)
    context: list[tuple[int, str]] = field(default_factory=list)
    anchors: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Words:
    """A text's runs, joined by spaces (as written and lower case), and its word set."""

    text: str
    written: str
    lower: str
    words: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Words:
        written = " ".join(_RUN.findall(text))
        lower = written.lower()
        return cls(text=text, written=f" {written} ", lower=f" {lower} ",
                   words=frozenset(lower.split()))


@dataclass(frozen=True)
class Prefilter:
    # word -> (trigger, token) pairs it satisfies; tokens of several runs or a regex apart
    word_tokens: dict[str, tuple[tuple[int, int], ...]]
    phrase_tokens: dict[str, tuple[tuple[int, int, str], ...]]  # first run -> (t, k, " a b ")
    regex_tokens: tuple[tuple[int, int, str, re.Pattern[str]], ...]  # (t, k, " prefix", regex)
    token_counts: tuple[int, ...]  # required tokens per trigger
    # per trigger: punctuation its tokens need ("+" of "2 + 2"), and its tokens in order, as
    # a regex over the lower-case runs (" talks with"), where it has several
    trigger_chars: tuple[tuple[str, ...], ...]
    sequences: tuple[re.Pattern[str] | None, ...]
    name_codes: dict[str, frozenset[str]]  # one-run names matched in any case
    name_phrases: dict[str, tuple[tuple[str, bool, frozenset[str]], ...]]  # the others, by a run
    cue_words: frozenset[str]  # compared as written
    cue_lower: frozenset[str]  # compared in lower case
    cue_pattern: re.Pattern[str]
    no_split_before: frozenset[str]  # abbreviations a full stop does not end a sentence after
    not_names: frozenset[str]  # capitalised words that are titles, not parts of names
    pronouns: frozenset[str]  # cues only where a parse finds their referent
    person_phrases: dict[str, tuple[str, ...]]  # word -> known people's names holding it
    # The keys above as sets: set & set walks the smaller side, set & dict the whole dict.
    trigger_words: frozenset[str] = frozenset()
    trigger_phrase_words: frozenset[str] = frozenset()
    name_words: frozenset[str] = frozenset()
    name_phrase_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for field_name, keys in (("trigger_words", self.word_tokens),
                                 ("trigger_phrase_words", self.phrase_tokens),
                                 ("name_words", self.name_codes),
                                 ("name_phrase_words", self.name_phrases)):
            object.__setattr__(self, field_name, frozenset(keys))

    def signal(self, text: str) -> Signal:
        words = _Words.of(text)
        return Signal(trigger=self._trigger(words), countries=self._countries(words),
                      cue=self._cue(text, words))

    def select(self, text: str, paragraphs: Iterable[tuple[int, str]]) -> Selection:
        """The sentences of an article to parse, and those to keep as context (see above).

        ``paragraphs`` are the article's (offset, text) blocks; offsets in the selection
        point into ``text``. Each sentence's words are read once; triggers, the dearer
        test, are first looked for where a sentence names two countries, which decides
        whether the article is relevant at all.
        """
        units = [(offset + start, sentence) for offset, paragraph in paragraphs
                 for start, sentence in self.sentences(paragraph)]
        words = [_Words.of(sentence) for _, sentence in units]
        countries = [self._countries(w) for w in words]
        if not any(len(c) >= MIN_COUNTRIES and self._trigger(w)
                   for c, w in zip(countries, words, strict=True)):
            return Selection(relevant=False)  # most off-topic news leaves here
        signals = [Signal(trigger=True, countries=c, cue=self._cue(u[1], w))
                   if self._trigger(w) else None
                   for u, w, c in zip(units, words, countries, strict=True)]
        relevant = [s is not None and s.relevant for s in signals]
        surnames = set().union(*(self.surnames(unit[1]) for unit, keep
                                 in zip(units, relevant, strict=True) if keep))
        selection = Selection(relevant=True)
        for unit, found, keep in zip(units, countries, relevant, strict=True):
            if keep and len(found) >= MIN_COUNTRIES:
                selection.anchors.add(unit[0])
            if keep or self.introduces(unit[1], surnames):
                selection.parse.append(unit)
            elif found and self.informs(unit[1]):
                selection.context.append(unit)
        return selection

    def informs(self, text: str) -> bool:
        """Can a sentence help resolve people and the country pair without being parsed?

        Yes if it names a known person in full, gives a title or "counterpart" (a role to
        attach), or a compound ("India-US"), for the article's country pair.
        """
        runs = _RUN.findall(text)
        written = f" {' '.join(runs)} "
        return not self.cue_words.isdisjoint(runs) or not self.cue_lower.isdisjoint(
            w.lower() for w in runs if w.lower() not in self.pronouns) or any(
            phrase in written for word in self.person_phrases.keys() & set(runs)
            for phrase in self.person_phrases[word]) or any(
            first.lower() in self.name_codes or first.lower() in self.name_phrase_words
            for first, _ in _COMPOUND.findall(text))

    def sentences(self, text: str) -> Iterator[tuple[int, str]]:
        """(offset, text) of rough sentences; a dotted abbreviation does not end one."""
        start = 0
        for match in _BOUNDARY.finditer(text):
            tail = text[start:match.start()]
            word = tail[max(tail.rfind(" "), tail.rfind(".")) + 1:]  # "S" in "U.S."
            if word in self.no_split_before or (len(word) <= 2 and word[:1].isupper()):
                continue  # "Mr. Austin", "U.S. officials", "Lt. Gen. Singh"
            yield start, text[start:match.end()].rstrip()
            start = match.end()
        if text[start:].strip():
            yield start, text[start:].rstrip()

    def name_runs(self, text: str) -> list[list[str]]:
        """Runs of capitalised words that may name a person: "Tony Blair", "Blair"."""
        return [list(run) for is_name, run in itertools.groupby(_RUN.findall(text),
                                                                key=self._may_name) if is_name]

    def _may_name(self, word: str) -> bool:
        return word[:1].isupper() and word[1:].islower() and word not in self.not_names \
            and word.lower() not in self.name_codes

    def surnames(self, text: str) -> set[str]:
        """Names a sentence gives alone ("Mr Blair", "Dallaglio toured"): they resolve
        against a full name the article gave before."""
        return {run[0] for run in self.name_runs(text) if len(run) == 1}

    def introduces(self, text: str, surnames: set[str]) -> bool:
        """Does ``text`` give one of these ``surnames`` in a full name only NER would find?

        "Tony Blair said ..." before "Mr Blair met ...": that sentence is parsed too, or
        "Mr Blair" would resolve to another Blair in the officeholders ("Rajnath Singh" the
        gazetteer knows without NER).
        """
        written = f" {' '.join(_RUN.findall(text))} "
        return any(len(run) > 1 and run[-1] in surnames and not any(
            phrase in written for phrase in self.person_phrases.get(run[-1], ()))
            for run in self.name_runs(text))

    # --- the three signals -------------------------------------------------------------
    def _trigger(self, words: _Words) -> bool:
        """Are all the words of a trigger there, in its order?"""
        satisfied: set[tuple[int, int]] = set()
        for word in words.words & self.trigger_words:
            satisfied.update(self.word_tokens[word])
        for word in words.words & self.trigger_phrase_words:
            satisfied.update((t, k) for t, k, phrase in self.phrase_tokens[word]
                             if phrase in words.lower)
        counts: dict[int, int] = {}
        for t, _ in satisfied:
            counts[t] = counts.get(t, 0) + 1
        for t, _, prefix, pattern in self.regex_tokens:
            # a regex token is tried last, and only where it is all its trigger still lacks
            if counts.get(t, 0) == self.token_counts[t] - 1 and prefix in words.lower \
                    and pattern.search(words.text.lower()):
                counts[t] = self.token_counts[t]
        return any(n == self.token_counts[t] and self._in_order(t, words)
                   for t, n in counts.items())

    def _in_order(self, trigger: int, words: _Words) -> bool:
        """The trigger's words, all there, also stand in the pattern's order and distance."""
        sequence = self.sequences[trigger]
        return all(char in words.text for char in self.trigger_chars[trigger]) and (
            sequence is None or sequence.search(words.lower) is not None)

    def _countries(self, words: _Words) -> frozenset[str]:
        found: set[str] = set()
        for word in words.words & self.name_words:
            found |= self.name_codes[word]
        for word in words.words & self.name_phrase_words:
            for phrase, exact, codes in self.name_phrases[word]:
                if phrase in (words.written if exact else words.lower):
                    found |= codes
        return frozenset(found)

    def _cue(self, text: str, words: _Words) -> bool:
        return not words.words.isdisjoint(self.cue_lower) or not self.cue_words.isdisjoint(
            words.written.split()) or bool(self.cue_pattern.search(text))


# --------------------------------------------------------------------------- building


def inflections(lemma: str, rules: LemmaRules, exceptions: LemmaExceptions) -> set[str]:
    """Every lower-case form the rule lemmatizer could reduce to ``lemma``."""
    lemma = lemma.lower()
    forms = {lemma} | exceptions.get(lemma, set())
    for old, new in rules:
        if lemma.endswith(new):
            forms.add(lemma[:len(lemma) - len(new)] + old)
    return forms


def _token_forms(token: dict[str, Any], rules: LemmaRules,
                 exceptions: LemmaExceptions) -> set[str] | str | None:
    """The lower-case texts a pattern token accepts, its REGEX, or None: any word."""
    for attr in ("LOWER", "TEXT", "ORTH", "NORM", "LEMMA"):
        value = token.get(attr)
        if isinstance(value, dict) and "REGEX" in value:
            return str(value["REGEX"])
        if isinstance(value, dict) and "IN" in value:
            values = list(value["IN"])
        elif isinstance(value, str):
            values = [value]
        else:
            continue  # NOT_IN and the like accept any word
        forms: set[str] = set()
        for item in values:
            forms |= inflections(item, rules, exceptions) if attr == "LEMMA" else {item.lower()}
        return forms
    return None


def _text_regex(token_regex: str) -> re.Pattern[str]:
    """A token regex ("^co-?chair(ed)?$") as a search over the lower-cased text."""
    pattern = token_regex
    if pattern.startswith("^"):
        pattern = _WORD_START + pattern[1:]
    if pattern.endswith("$"):
        pattern = pattern[:-1] + r"(?![^\W_])"
    return re.compile(pattern)


@dataclass(frozen=True)
class _TriggerTest:
    """What a trigger's pattern needs of a sentence's words (see ``Prefilter._trigger``)."""

    tokens: tuple[set[str] | re.Pattern[str], ...]  # each required token: forms or a regex
    chars: tuple[str, ...]  # punctuation the tokens need
    sequence: re.Pattern[str] | None  # several tokens: their order and gaps, over the runs


def _trigger_test(pattern: list[dict[str, Any]], max_gap: int | None, rules: LemmaRules,
                  exceptions: LemmaExceptions) -> _TriggerTest:
    tokens: list[set[str] | re.Pattern[str]] = []
    chars: list[str] = []
    parts: list[str] = []
    in_order = len(pattern) > 1
    for token in pattern:
        op = token.get("OP")
        forms = _token_forms(token, rules, exceptions)
        if isinstance(forms, str):  # a REGEX: searched in the text, and no order kept
            tokens.append(_text_regex(forms))
            in_order = False
            continue
        words = {form for form in forms if word_runs(form)} if forms is not None else None
        if op == "*":
            parts.append(r"(?: \S+)" + (f"{{0,{max_gap + GAP_SLACK}}}" if max_gap else "*?"))
            continue
        if op == "!" or (forms is not None and not words):
            if op is None and forms is not None and len(forms) == 1:
                chars.append(next(iter(forms)))  # "+" in "2 + 2"
            continue  # punctuation is no run
        if words is None:
            fragment = r" \S+"
        else:
            runs = sorted({" ".join(word_runs(w)) for w in words}, key=len, reverse=True)
            fragment = " (?:" + "|".join(re.escape(r) for r in runs) + ")"
            if op is None:
                if len(pattern) == 1 and all(_SIGNS.search(w) for w in words):
                    # one token with signs inside ("2+2"): its runs ("2 2") say too little
                    tokens.append(re.compile("|".join(re.escape(w) for w in sorted(words))))
                else:
                    tokens.append(words)
        parts.append(f"(?:{fragment})?" if op == "?" else fragment)
    sequence = re.compile("".join(parts) + "(?= )") if in_order and parts else None
    return _TriggerTest(tokens=tuple(tokens), chars=tuple(chars), sequence=sequence)


def _trigger_tests(kb: KnowledgeBase, rules: LemmaRules,
                   exceptions: LemmaExceptions) -> list[_TriggerTest]:
    """For each codebook trigger that can propose an event, what it needs of a sentence."""
    tests: list[_TriggerTest] = []
    for trigger in load_codebook().triggers:
        if trigger.mode_only:
            continue  # "on the sidelines" only sets the mode of a meeting found otherwise
        if trigger.from_gazetteer:  # a named exercise: any of the dialogues' names
            names = {text.lower() for text, label, key in kb.surface_forms()
                     if label == "DIALOGUE" and (d := kb.dialogue(key)) is not None
                     and d.type == trigger.type}
            tests.append(_TriggerTest(tokens=(names,), chars=(), sequence=None))
        elif trigger.pattern is not None:
            tests.append(_trigger_test(trigger.pattern, trigger.max_gap, rules, exceptions))
    return tests


def _name_codes(kb: KnowledgeBase, label: str, key: str) -> set[str]:
    """The countries a gazetteer name can bring to an event (see resolve.mentions)."""
    if label in ("COUNTRY", "DEMONYM", "PREFIX"):
        return {key}
    if label == "PLACE":
        place = kb.place(key)
        return {place.country} if place else set()
    if label == "ORG":
        org = kb.organisation(key)
        return {c for c in (org.country, *org.countries) if c} if org else set()
    if label == "PLATFORM":
        platform = kb.platform(key)
        return {platform.country, *platform.countries} if platform else set()
    if label == "DIALOGUE":
        dialogue = kb.dialogue(key)
        return {*dialogue.countries, *([dialogue.host] if dialogue.host else [])} \
            if dialogue else set()
    if label == "GROUP":
        group = kb.group(key)
        return set(group.members) if group else set()
    if label == "PERSON":
        return {h.country for h in kb.officeholders_named(key) if h.country}
    return set()


def _name_index(kb: KnowledgeBase) -> tuple[dict[str, frozenset[str]],
                                           dict[str, tuple[tuple[str, bool, frozenset[str]], ...]]]:
    """One-run names (any case) -> countries; other names by a run -> (phrase, exact, ...)."""
    single: dict[str, set[str]] = {}
    phrases: dict[tuple[str, bool], set[str]] = {}

    def add(text: str, exact: bool, codes: set[str]) -> None:
        runs = word_runs(text)
        if not runs or not codes:
            return
        if len(runs) == 1 and not exact:
            single.setdefault(runs[0].lower(), set()).update(codes)
            return
        phrase = " ".join(runs)
        phrases.setdefault((f" {phrase if exact else phrase.lower()} ", exact), set()).update(codes)

    for text, label, key in kb.surface_forms(include_prefixes=True):
        if label != "NOT_COUNTRY":
            add(text, kb.matched_as_written(text, label), _name_codes(kb, label, key))
    for holder in kb.officeholders:
        if holder.country and holder.surname:  # "Singh met Austin": surnames resolve too
            add(holder.surname, True, {holder.country})
    by_key: dict[str, list[tuple[str, bool, frozenset[str]]]] = {}
    for (phrase, exact), codes in phrases.items():
        runs = phrase.split()
        if not exact and codes <= set().union(*(single.get(r, set()) for r in runs)):
            continue  # "Republic of Albania": "Albania" alone gives as much
        key = max(runs, key=len).lower()  # any run will do; the longest is the rarest
        by_key.setdefault(key, []).append((phrase, exact, frozenset(codes)))
    return ({w: frozenset(c) for w, c in single.items()},
            {w: tuple(forms) for w, forms in by_key.items()})


def _literal_prefix(regex: str) -> str:
    """The letters a text regex must start with ("co" of "co-?chair"), to test first."""
    match = re.match(re.escape(_WORD_START) + r"([a-z0-9]*)", regex)
    return match.group(1) if match else ""


def build_prefilter(lemma_rules: LemmaRules, lemma_exceptions: LemmaExceptions,
                    kb: KnowledgeBase | None = None) -> Prefilter:
    """The prefilter for a knowledge base, given the spaCy model's lemmatizer tables."""
    from .extraction import PRONOUNS
    from .resolve.mentions import BOTH_SIDES

    kb = kb or load_knowledge()
    titles = load_titles()
    word_tokens: dict[str, list[tuple[int, int]]] = {}
    phrase_tokens: dict[str, list[tuple[int, int, str]]] = {}
    regex: list[tuple[int, int, str, re.Pattern[str]]] = []
    tests = _trigger_tests(kb, lemma_rules, lemma_exceptions)
    for t, test in enumerate(tests):
        for k, forms in enumerate(test.tokens):
            if isinstance(forms, re.Pattern):
                regex.append((t, k, f" {_literal_prefix(forms.pattern)}", forms))
                continue
            for form in forms:
                runs = word_runs(form)
                if len(runs) == 1:
                    word_tokens.setdefault(runs[0], []).append((t, k))
                else:
                    phrase_tokens.setdefault(runs[0], []).append((t, k, f" {' '.join(runs)} "))
    name_codes, name_phrases = _name_index(kb)
    person_phrases: dict[str, list[str]] = {}
    for text, label, _ in kb.surface_forms():
        runs = word_runs(text)
        if label == "PERSON" and len(runs) > 1:
            for run in runs:
                person_phrases.setdefault(run, []).append(f" {' '.join(runs)} ")
    counterpart = {w.lower() for w in titles.counterpart if " " not in w}
    phrases = [re.escape(w) for w in titles.counterpart if " " in w]
    return Prefilter(
        word_tokens={w: tuple(dict.fromkeys(pairs)) for w, pairs in word_tokens.items()},
        phrase_tokens={w: tuple(dict.fromkeys(p)) for w, p in phrase_tokens.items()},
        regex_tokens=tuple(regex), token_counts=tuple(len(t.tokens) for t in tests),
        trigger_chars=tuple(t.chars for t in tests), sequences=tuple(t.sequence for t in tests),
        name_codes=name_codes, name_phrases=name_phrases,
        cue_words=frozenset(titles.heads | {h.rstrip(".") for h in titles.honorifics}),
        cue_lower=frozenset(PRONOUNS | counterpart), pronouns=frozenset(PRONOUNS),
        cue_pattern=re.compile("|".join([BOTH_SIDES.pattern, *phrases]), BOTH_SIDES.flags),
        no_split_before=frozenset(w.rstrip(".") for w in titles.honorifics | titles.words),
        not_names=frozenset(titles.words | titles.heads
                            | {h.rstrip(".") for h in titles.honorifics}),
        person_phrases={w: tuple(p) for w, p in person_phrases.items()})


def lemma_tables(nlp: Any) -> tuple[LemmaRules, LemmaExceptions]:
    """The rule lemmatizer's suffix rules and irregular forms, for every part of speech."""
    rules: LemmaRules = []
    exceptions: LemmaExceptions = {}
    if "lemmatizer" not in nlp.component_names:
        return rules, exceptions
    lookups = nlp.get_pipe("lemmatizer").lookups
    if lookups.has_table("lemma_rules"):  # keyed by hashed POS names: take every POS
        for pos_rules in lookups.get_table("lemma_rules").values():
            rules.extend((old, new) for old, new in pos_rules if (old, new) not in rules)
    if lookups.has_table("lemma_exc"):
        for table in lookups.get_table("lemma_exc").values():
            for form, lemmas in table.items():
                for lemma in lemmas:
                    exceptions.setdefault(lemma, set()).add(form)
    return rules, exceptions


@functools.lru_cache(maxsize=1)
def load_prefilter() -> Prefilter:
    """The prefilter for the bundled data and the installed model's lemma tables, from the
    cache on disk when neither changed."""
    import spacy

    from .annotate import load_nlp

    nlp = load_nlp()
    model = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"
    return cached("prefilter", lambda: build_prefilter(*lemma_tables(nlp)), model,
                  f"spaCy {spacy.__version__}", PARSER)
