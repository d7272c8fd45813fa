"""Run the spaCy pipeline over articles, paragraph by paragraph, keeping offsets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..records import Article


@dataclass(frozen=True)
class Sentence:
    index: int
    span: Span
    start: int  # offset of the sentence in the article's cleaned text
    text: str
    paragraph_start: int  # offset of the sentence's paragraph (its spaCy Doc)

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
    sentences: list[Sentence] = []
    for offset, doc in docs:
        for sent in doc.sents:
            text = sent.text.strip()
            if not text:
                continue
            start = offset + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            sentences.append(Sentence(index=len(sentences), span=sent, start=start, text=text,
                                      paragraph_start=offset))
    return AnnotatedArticle(article=article, sentences=tuple(sentences))
