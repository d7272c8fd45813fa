"""The pipeline: bilat's stages composed, streaming.

1. ingest   — files, directories, stdin, HTML, JSONL -> ``Document`` (``bilat.ingest``)
2. clean    — boilerplate, date line, dateline, normalisation -> ``Article`` (``bilat.clean``)
3. annotate — spaCy + bilat's gazetteer and trigger components (``bilat.annotate``)
4. extract  — sentences -> event candidates by the codebook (``bilat.extraction``)
5. resolve  — people, organisations, countries, dates, money -> ``Mention`` (``bilat.resolve``)
6. merge    — the mentions of one event -> one ``Event`` (``bilat.merge``)

Each stage is a plain function over typed records; this module only wires them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from .annotate import load_nlp
from .annotate.article import AnnotatedArticle, annotate_articles
from .clean import clean
from .extraction import extract_candidates
from .ingest import read_inputs
from .merge import merge_mentions
from .records import Article, Document, Event, Problem
from .resolve.mentions import resolve_candidates


@dataclass(frozen=True)
class Result:
    """The events of one article."""

    article: Article
    events: list[Event] = field(default_factory=list)


def events_of(annotated: AnnotatedArticle) -> list[Event]:
    candidates = list(extract_candidates(annotated))
    if not candidates:
        return []
    events = merge_mentions(resolve_candidates(annotated, candidates))
    return sorted(events, key=lambda e: e.sources[0].start)


def process_articles(articles: Iterable[Article], *, batch_size: int = 64) -> Iterator[Result]:
    nlp = load_nlp()
    for annotated in annotate_articles(articles, nlp, batch_size=batch_size):
        yield Result(article=annotated.article, events=events_of(annotated))


def process_documents(documents: Iterable[Document], *,
                      batch_size: int = 64) -> Iterator[Result]:
    return process_articles((clean(d) for d in documents), batch_size=batch_size)


def process_paths(paths: Sequence[str], *, stdin: TextIO | None = None, batch_size: int = 64,
                  on_problem=None) -> Iterator[Result]:
    """Events from files, directories and '-' (stdin); bad inputs go to ``on_problem``."""

    def documents() -> Iterator[Document]:
        for item in read_inputs(paths, stdin=stdin):
            if isinstance(item, Problem):
                if on_problem is not None:
                    on_problem(item)
                continue
            yield item

    return process_documents(documents(), batch_size=batch_size)


def extract(text: str, *, date: str | None = None, url: str | None = None,
            doc_id: str | None = None, title: str | None = None) -> list[Event]:
    """Every event one article reports.

    >>> events = extract("New Delhi, Feb 6 (PTI): ...", date="2025-02-06")
    """
    document = Document(id=doc_id or "-", text=text, date=date, url=url, title=title)
    return next(iter(process_documents([document]))).events


def extract_many(documents: Iterable[Document | dict], *,
                 batch_size: int = 64) -> Iterator[Result]:
    """The batch form of ``extract``: documents as records or ``{id, text, ...}`` dicts."""

    def as_documents() -> Iterator[Document]:
        for number, item in enumerate(documents):
            if isinstance(item, Document):
                yield item
            else:
                yield Document(id=str(item.get("id", number)), text=item["text"],
                               title=item.get("title"), date=item.get("date"),
                               url=item.get("url"), outlet=item.get("outlet"), format="json")

    return process_documents(as_documents(), batch_size=batch_size)
