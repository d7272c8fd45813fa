"""A spaCy Matcher that skips the patterns a Doc cannot match, before matching."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, NORM, ORTH, POS, TAG
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

# Token attributes a pattern's anchor may be: a pattern key -> spaCy's attribute id.
WORD_ATTRIBUTES = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "NORM": NORM, "LEMMA": LEMMA}
# What a one-token pattern may test to be looked up rather than matched (see below).
LOOKUP_ATTRIBUTES = {**WORD_ATTRIBUTES, "TAG": TAG, "POS": POS, "DEP": DEP,
                     "IS_SPACE": IS_SPACE}

Anchor = tuple[int, frozenset[int]]  # an attribute id, and the hashes of its words
# A one-token pattern as tests on a Doc's attribute array: (column, values, accepted or
# refused). An unset attribute reads 0, the hash of "", as the Matcher reads it.
Lookup = tuple[tuple[int, frozenset[int], bool], ...]
# The token keys whose REGEX a screen searches for in the Doc's token texts, lower-cased or not.
SCREENED = {"LOWER": True, "TEXT": False, "ORTH": False}
# Distinct tokens (as the attributes read) whose lookups are remembered; past it the memo
# starts again, so a long stream of new words holds no more than this.
ROW_MEMO_CAPACITY = 100_000


class AnchoredMatcher:
    """Matches as one ``Matcher`` with the same patterns would, faster.

    spaCy's Matcher tries every pattern at every token, and set predicates ("IN",
    "REGEX") are Python calls: a pattern that cannot match still costs. Here

    - a one-token pattern that only asks for given values or refuses them
      (``{"TAG": "NNS"}``, ``{"LOWER": "whom", "TAG": "WP"}``,
      ``{"DEP": {"NOT_IN": ["det", ""]}}``) is looked up: each token's attributes, read for
      the whole Doc at once, index the patterns it may satisfy;
    - a pattern with a required token that names its words (``{"LEMMA": "visit"}``,
      ``{"LOWER": {"IN": [...]}}``) goes to a Matcher for those words, run only on Docs
      that hold one of them;
    - a pattern with a required token that is a regex (``{"LOWER": {"REGEX":
      "^co-?chair"}}``) goes to a Matcher run only on Docs in whose token texts the regex
      finds something;
    - the other patterns share one Matcher that always runs.

    Like a Matcher, it gives each (key, start, end) once.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.unanchored = Matcher(vocab)
        self.anchored: dict[Anchor, Matcher] = {}
        # attribute -> a word's hash -> the anchored matchers that need it
        self.by_word: dict[int, dict[int, list[Matcher]]] = {}
        self.screened: list[tuple[re.Pattern[str], bool, Matcher]] = []
        self.patterns: dict[str, list[list[dict[str, Any]]]] = {}
        # the attributes read for the whole Doc at once: the columns of its attribute array
        self.columns: list[int | str] = []
        # the first test's column -> a value it accepts -> (key, the pattern's other tests);
        # patterns whose tests all refuse values wait in ``refusing``
        self.lookups: dict[int, dict[int, list[tuple[int, Lookup]]]] = {}
        self.refusing: list[tuple[int, Lookup]] = []
        # a token's attribute values -> the keys of the lookups they satisfy: news repeats
        # its tokens, and testing each pattern's values costs more than one dict read
        self.row_keys: dict[tuple[int, ...], tuple[int, ...]] = {}

    def add(self, key: str, patterns: Iterable[list[dict[str, Any]]]) -> None:
        self.row_keys.clear()  # what a token satisfies may change
        for pattern in patterns:
            self.patterns.setdefault(key, []).append(pattern)
            lookup = self._lookup(pattern)
            if lookup is not None:
                match_id = self.vocab.strings.add(key)
                (column, values, accepted), *others = lookup
                if not accepted:
                    self.refusing.append((match_id, lookup))
                for value in values if accepted else ():
                    self.lookups.setdefault(column, {}).setdefault(value, []).append(
                        (match_id, tuple(others)))
                continue
            anchor = _anchor(pattern, self.vocab)
            screen = _screen(pattern) if anchor is None else None
            if anchor is not None:
                if anchor not in self.anchored:
                    self.anchored[anchor] = Matcher(self.vocab)
                    attribute, words = anchor
                    self._column(attribute)
                    for word in words:
                        self.by_word.setdefault(attribute, {}).setdefault(word, []).append(
                            self.anchored[anchor])
                matcher = self.anchored[anchor]
            elif screen is not None:
                matcher = Matcher(self.vocab)
                self.screened.append((*screen, matcher))
                self._column(ORTH)
            else:
                matcher = self.unanchored
            matcher.add(key, [pattern])

    def get(self, key: str) -> tuple[None, list[list[dict[str, Any]]]]:
        """The patterns added under ``key``, as ``Matcher.get`` gives them (no callbacks)."""
        return None, self.patterns[key]

    def __call__(self, doc: Doc, **options: Any) -> list:
        matches = list(self.unanchored(doc, **options)) if len(self.unanchored) else []
        rows: list[list[Any]] = doc.to_array(self.columns).reshape(
            len(doc), len(self.columns)).tolist() if self.columns and len(doc) else []
        wanted: dict[Matcher, None] = {}
        for attribute, index in self.by_word.items():
            column = self.columns.index(attribute)
            for word in index.keys() & {row[column] for row in rows}:
                wanted.update(dict.fromkeys(index[word]))
        if self.screened:
            # the tokens' texts, one a line: a regex that finds a token's text finds it
            # here, and building it from the strings costs far less than Doc.text's tokens
            column = self.columns.index(ORTH)
            written = "\n".join([self.vocab.strings[row[column]] for row in rows])
            lower = written.lower()
            for pattern, lowered, matcher in self.screened:
                if pattern.search(lower if lowered else written):
                    wanted[matcher] = None
        for matcher in wanted:
            matches.extend(matcher(doc, **options))
        if self.lookups or self.refusing:
            for i, row in enumerate(rows):
                values = tuple(row)
                keys = self.row_keys.get(values)
                if keys is None:
                    if len(self.row_keys) >= ROW_MEMO_CAPACITY:
                        self.row_keys.clear()
                    keys = self.row_keys[values] = self._row_lookups(row)
                matches.extend((key, i, i + 1) for key in keys)
        return list(dict.fromkeys(matches))

    def _row_lookups(self, row: list[Any]) -> tuple[int, ...]:
        """The keys of the one-token lookups a token of these attribute values satisfies."""
        keys = []
        for column, table in self.lookups.items():
            for key, others in table.get(row[column]) or ():
                if all((row[c] in values) == accepted for c, values, accepted in others):
                    keys.append(key)
        for key, tests in self.refusing:
            if all((row[c] in values) == accepted for c, values, accepted in tests):
                keys.append(key)
        return tuple(keys)

    def _column(self, attribute: int) -> int:
        if attribute not in self.columns:
            self.columns.append(attribute)
        return self.columns.index(attribute)

    def _lookup(self, pattern: list[dict[str, Any]]) -> Lookup | None:
        """A one-token pattern of given or refused values as column tests, if it is one.

        Tests that accept values come first (they index), word tests first among them.
        """
        if len(pattern) != 1 or not pattern[0] or \
                not set(pattern[0]) <= LOOKUP_ATTRIBUTES.keys():
            return None
        tests = []
        for name, value in pattern[0].items():
            if name == "IS_SPACE":
                if not isinstance(value, bool):
                    return None
                values, accepted = frozenset([int(value)]), True
            elif isinstance(value, str):
                values, accepted = frozenset([self.vocab.strings.add(value)]), True
            elif isinstance(value, dict) and len(value) == 1 and set(value) <= {"IN", "NOT_IN"} \
                    and all(isinstance(v, str) for v in next(iter(value.values()))):
                values = frozenset(self.vocab.strings.add(v) for v in next(iter(value.values())))
                accepted = "IN" in value
            else:
                return None
            tests.append((LOOKUP_ATTRIBUTES[name], values, accepted, name))
        tests.sort(key=lambda test: (not test[2], test[3] not in WORD_ATTRIBUTES))
        return tuple((self._column(attribute), values, accepted)
                     for attribute, values, accepted, _ in tests)


def _anchor(pattern: list[dict[str, Any]], vocab: Vocab) -> Anchor | None:
    """The words one of the pattern's required tokens must be, if the pattern says."""
    for token in pattern:
        if token.get("OP") not in (None, "1", "+"):
            continue  # optional, or a token that must *not* be these words
        for key, attribute in WORD_ATTRIBUTES.items():
            value = token.get(key)
            if isinstance(value, str):
                return attribute, frozenset([vocab.strings.add(value)])
            if isinstance(value, dict) and set(value) == {"IN"}:
                return attribute, frozenset(vocab.strings.add(word) for word in value["IN"])
    return None


def _screen(pattern: list[dict[str, Any]]) -> tuple[re.Pattern[str], bool] | None:
    """A search over the Doc's token texts (lower-cased, or not) that must find something
    for a required token's REGEX to match one of its tokens: the regex, unanchored."""
    for token in pattern:
        if token.get("OP") not in (None, "1", "+"):
            continue
        for key, lowered in SCREENED.items():
            value = token.get(key)
            if not (isinstance(value, dict) and set(value) == {"REGEX"}):
                continue
            regex = str(value["REGEX"])
            if any(sign in regex for sign in ("(?", "\\b", "\\B", "\\$")):
                return None  # lookarounds and word edges read the token's own edges
            return re.compile(regex.removeprefix("^").removesuffix("$")), lowered
    return None
