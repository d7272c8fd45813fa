"""Run the spaCy pipeline over articles, keeping offsets into the cleaned text.

``annotate_articles`` parses every paragraph; ``annotate_selected`` parses only the
sentences the prefilter keeps (each as its own Doc), runs the NER only where it can matter
to an event, and gives the rest of a relevant article as context: tokens and known names,
enough to resolve people and the article's country pair, never a source of events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..measure import RunStats, stage
from ..prefilter import PARSE_BATCH, Prefilter, Selection
from ..records import Article
from .components import TRIGGER_SPANS


@dataclass(frozen=True)
class Sentence:
    index: int
    span: Span
    start: int  # offset of the sentence in the article's cleaned text
    text: str
    paragraph_start: int  # offset of the sentence's paragraph (its spaCy Doc)
    parsed: bool = True  # False: context only (tokens and known names), no events from it

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class AnnotatedArticle:
    article: Article
    sentences: tuple[Sentence, ...]


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each paragraph: blocks separated by blank lines."""
    offset = 0
    for block in text.split("\n\n"):
        stripped = block.strip()
        if stripped:
            yield offset + block.index(stripped), stripped
        offset += len(block) + 2


def annotate_articles(articles: Iterable[Article], nlp: Language,
                      batch_size: int = PARSE_BATCH) -> Iterator[AnnotatedArticle]:
    """Annotate articles lazily; paragraphs of all articles share ``nlp.pipe`` batches."""
    pending: dict[int, tuple[Article, int]] = {}
    collected: dict[int, list[tuple[int, Doc]]] = {}

    def units() -> Iterator[tuple[str, tuple[int, int]]]:
        for number, article in enumerate(articles):
            pieces = list(paragraphs(article.text))
            pending[number] = (article, len(pieces))
            collected[number] = []
            if not pieces:
                yield "", (number, -1)
            for offset, text in pieces:
                yield text, (number, offset)

    next_number = 0
    for doc, (number, offset) in nlp.pipe(units(), as_tuples=True, batch_size=batch_size):
        if offset >= 0:
            collected[number].append((offset, doc))
        while next_number in pending and len(collected[next_number]) == pending[next_number][1]:
            article, _ = pending.pop(next_number)
            yield _assemble(article, collected.pop(next_number))
            next_number += 1


def _assemble(article: Article, docs: list[tuple[int, Doc]]) -> AnnotatedArticle:
    return _numbered(article, [s for offset, doc in docs for s in _sentences(doc, offset)])


def _numbered(article: Article, sentences: list[Sentence]) -> AnnotatedArticle:
    """The article with its sentences in text order, numbered."""
    ordered = sorted(sentences, key=lambda s: s.start)
    return AnnotatedArticle(article=article, sentences=tuple(
        replace(s, index=i) for i, s in enumerate(ordered)))


def _sentences(doc: Doc, offset: int) -> Iterator[Sentence]:
    """The sentences of a Doc whose text starts at ``offset`` in the article."""
    for sent in doc.sents:
        text = sent.text.strip()
        if text:
            start = offset + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            yield Sentence(index=0, span=sent, start=start, text=text, paragraph_start=offset)


def annotate_selected(articles: Iterable[Article], nlp: Language, prefilter: Prefilter,
                      batch_size: int = PARSE_BATCH, *, stats: RunStats | None = None,
                      proposes: Callable[[Span], bool] | None = None
                      ) -> Iterator[AnnotatedArticle]:
    """Annotate what can report an event; irrelevant articles come back without sentences.

    The articles given are planned together and their sentences parsed in shared
    ``nlp.pipe`` batches: give them in chunks (the pipeline does) to keep memory flat.

    With ``proposes`` (``extraction.can_propose``: can a parsed sentence propose an event,
    whatever its entities?), the NER - the dearest component - runs last, and only where
    it can matter to an event: on the sentences that can propose one, on those that give
    in full a name one of them gives, and on every sentence before one of them that says
    "he" or "she". The others keep their parse, with no entities. An article none of whose
    two-country sentences can propose an event comes back without sentences.
    """
    articles = list(articles)
    if "ner" not in nlp.pipe_names:
        proposes = None  # no NER to hold back
    with stage(stats, "prefilter"):
        plans = [prefilter.select(a.text, paragraphs(a.text)) for a in articles]
    with stage(stats, "annotate"):
        docs: list[dict[int, Doc]] = [{} for _ in plans]  # per article: offset -> Doc
        if proposes is None:
            parsed_words = _parse(nlp, plans, docs, batch_size)
            needs = [[True] * len(plan.parse) for plan in plans]
        else:
            parsed_words, needs = _parse_then_entities(nlp, plans, docs, batch_size, prefilter,
                                                       proposes)
        gazetteer = nlp.get_pipe("bilat_gazetteer")
        annotated = []
        for article, plan, article_docs in zip(articles, plans, docs, strict=True):
            sentences = [_context(gazetteer, nlp.make_doc(text), start)
                         for start, text in plan.context]
            for offset, _ in plan.parse:
                sentences.extend(_sentences(article_docs[offset], offset))
            annotated.append(_numbered(article, sentences))
    if stats is not None:
        stats.count("parsed_words", parsed_words)
        for plan, need in zip(plans, needs, strict=True):
            stats.count("relevant_articles", plan.relevant)
            stats.count("parsed_sentences", len(plan.parse))
            stats.count("entity_words", sum(len(text.split()) for (_, text), needed
                                            in zip(plan.parse, need, strict=True) if needed))
            stats.count("context_sentences", len(plan.context))
    yield from annotated


def _parse_then_entities(nlp: Language, plans: list[Selection], docs: list[dict[int, Doc]],
                         batch_size: int, prefilter: Prefilter,
                         proposes: Callable[[Span], bool]) -> tuple[int, list[list[bool]]]:
    """Parse without the NER, the sentences that made each article relevant first; drop the
    articles none of which can report an event; then run the NER where it can matter (see
    annotate_selected). The words parsed, and where the NER ran."""
    parsed_words = _parse(nlp, plans, docs, batch_size, anchors_only=True, entities=False)
    able: list[dict[int, bool]] = [  # per article: offset -> can the sentence report?
        {offset: any(proposes(sent) for sent in docs[i][offset].sents)
         for offset in plan.anchors} for i, plan in enumerate(plans)]
    for i, article_able in enumerate(able):
        if not any(article_able.values()):
            plans[i], docs[i] = Selection(relevant=False), {}
    parsed_words += _parse(nlp, plans, docs, batch_size, entities=False)
    for plan, article_docs, article_able in zip(plans, docs, able, strict=True):
        for offset, _ in plan.parse:
            if offset not in article_able:
                article_able[offset] = any(proposes(sent) for sent in article_docs[offset].sents)
    needs = [_needs_entities(plan, article_docs, article_able, prefilter)
             for plan, article_docs, article_able in zip(plans, docs, able, strict=True)]
    ner: Any = nlp.get_pipe("ner")
    list(ner.pipe([article_docs[offset] for plan, article_docs, need
                   in zip(plans, docs, needs, strict=True)
                   for (offset, _), needed in zip(plan.parse, need, strict=True) if needed],
                  batch_size=batch_size))
    return parsed_words, needs


def _parse(nlp: Language, plans: list[Selection], docs: list[dict[int, Doc]], batch_size: int,
           *, anchors_only: bool = False, entities: bool = True) -> int:
    """Parse the planned sentences not parsed yet (only the anchors, if asked), in shared
    batches, into ``docs``; with or without the NER. The words parsed."""
    todo = [(i, offset, text) for i, plan in enumerate(plans) for offset, text in plan.parse
            if offset not in docs[i] and (not anchors_only or offset in plan.anchors)]
    parsed = nlp.pipe([text for _, _, text in todo], batch_size=batch_size,
                      disable=[] if entities else ["ner"])
    for (i, offset, _), doc in zip(todo, parsed, strict=True):
        docs[i][offset] = doc
    return sum(len(text.split()) for _, _, text in todo)


def _needs_entities(plan: Selection, docs: dict[int, Doc], can_report: dict[int, bool],
                    prefilter: Prefilter) -> list[bool]:
    """Which of an article's parsed sentences the NER must see (see annotate_selected),
    given which can report an event."""
    able = [can_report[offset] for offset, _ in plan.parse]
    # the last word of every name they give: "Viktor Yushchenko" needs the NER where
    # "Ukrainian President Viktor Yushchenko" gives his role, as "Mr Blair" does where
    # "Tony Blair" gives his name
    surnames = {run[-1] for ok, (_, text) in zip(able, plan.parse, strict=True) if ok
                for run in prefilter.name_runs(text)}
    # "He" in one of them may stand for a person only the NER finds in a sentence before
    referring = max((i for i, (ok, (offset, _)) in enumerate(zip(able, plan.parse, strict=True))
                     if ok and any(t.lower_ in prefilter.pronouns for t in docs[offset])),
                    default=-1)
    return [ok or i < referring or prefilter.introduces(text, surnames)
            for i, (ok, (_, text)) in enumerate(zip(able, plan.parse, strict=True))]


def _context(gazetteer: Callable[[Doc], Doc], doc: Doc, start: int) -> Sentence:
    """A sentence kept for its names only: one span, known names marked, no triggers."""
    doc[0].is_sent_start = True
    for token in doc[1:]:
        token.is_sent_start = False
    gazetteer(doc)
    doc.spans[TRIGGER_SPANS] = []
    return Sentence(index=0, span=doc[:], start=start, text=doc.text, paragraph_start=start,
                    parsed=False)
