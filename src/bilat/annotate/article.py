"""Run the spaCy pipeline over articles, keeping offsets into the cleaned text.

``annotate_articles`` parses every paragraph; ``annotate_selected`` parses only the
sentences the prefilter keeps (each as its own Doc) and gives the rest of a relevant
article as context: tokens and known names, enough to resolve people and the article's
country pair, never a source of events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..measure import RunStats, stage
from ..prefilter import Prefilter
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
                      batch_size: int = 64) -> Iterator[AnnotatedArticle]:
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
                      batch_size: int = 64, *, stats: RunStats | None = None
                      ) -> Iterator[AnnotatedArticle]:
    """Annotate what can report an event; irrelevant articles come back without sentences.

    The articles given are planned together and their sentences parsed in shared
    ``nlp.pipe`` batches: give them in chunks (the pipeline does) to keep memory flat.
    """
    articles = list(articles)
    with stage(stats, "prefilter"):
        plans = [prefilter.select(a.text, paragraphs(a.text)) for a in articles]
    if stats is not None:
        for plan in plans:
            stats.count("relevant_articles", plan.relevant)
            stats.count("parsed_sentences", len(plan.parse))
            stats.count("parsed_words", sum(len(text.split()) for _, text in plan.parse))
            stats.count("context_sentences", len(plan.context))
    with stage(stats, "annotate"):
        parsed = iter(nlp.pipe([text for plan in plans for _, text in plan.parse],
                               batch_size=batch_size))
        gazetteer = nlp.get_pipe("bilat_gazetteer")
        annotated = []
        for article, plan in zip(articles, plans, strict=True):
            sentences = [_context(gazetteer, nlp.make_doc(text), start)
                         for start, text in plan.context]
            for offset, _ in plan.parse:
                sentences.extend(_sentences(next(parsed), offset))
            annotated.append(_numbered(article, sentences))
    yield from annotated


def _context(gazetteer: Callable[[Doc], Doc], doc: Doc, start: int) -> Sentence:
    """A sentence kept for its names only: one span, known names marked, no triggers."""
    doc[0].is_sent_start = True
    for token in doc[1:]:
        token.is_sent_start = False
    gazetteer(doc)
    doc.spans[TRIGGER_SPANS] = []
    return Sentence(index=0, span=doc[:], start=start, text=doc.text, paragraph_start=start,
                    parsed=False)
