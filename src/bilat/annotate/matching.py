"""A spaCy Matcher that skips the patterns a Doc cannot match, before matching."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.attrs import LEMMA, LOWER, NORM, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

# Token attributes a pattern's anchor may be: a pattern key -> spaCy's attribute id.
WORD_ATTRIBUTES = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "NORM": NORM, "LEMMA": LEMMA}

Anchor = tuple[int, frozenset[int]]  # an attribute id, and the hashes of its words


class AnchoredMatcher:
    """Matches as one ``Matcher`` with the same patterns would, faster.

    spaCy's Matcher tries every pattern at every token, and set predicates ("IN") are
    Python calls: a pattern that cannot match still costs. Here a pattern with a required
    token that names its words (``{"LEMMA": "visit"}``, ``{"LOWER": {"IN": [...]}}``) goes
    to a Matcher for those words, run only on Docs that hold one of them; the other
    patterns share one Matcher that always runs.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.unanchored = Matcher(vocab)
        self.anchored: dict[Anchor, Matcher] = {}
        self.patterns: dict[str, list[list[dict[str, Any]]]] = {}

    def add(self, key: str, patterns: Iterable[list[dict[str, Any]]]) -> None:
        for pattern in patterns:
            self.patterns.setdefault(key, []).append(pattern)
            anchor = _anchor(pattern, self.vocab)
            if anchor is None:
                matcher = self.unanchored
            else:
                matcher = self.anchored.setdefault(anchor, Matcher(self.vocab))
            matcher.add(key, [pattern])

    def get(self, key: str) -> tuple[None, list[list[dict[str, Any]]]]:
        """The patterns added under ``key``, as ``Matcher.get`` gives them (no callbacks)."""
        return None, self.patterns[key]

    def __call__(self, doc: Doc, **options: Any) -> list:
        present: dict[int, dict[int, int]] = {}
        matches = list(self.unanchored(doc, **options)) if len(self.unanchored) else []
        for (attribute, words), matcher in self.anchored.items():
            if attribute not in present:
                present[attribute] = doc.count_by(attribute)
            if not present[attribute].keys().isdisjoint(words):
                matches.extend(matcher(doc, **options))
        return matches


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
