"""The pipeline: bilat's stages composed, streaming.

1. ingest    — files, directories, stdin, HTML, JSONL -> ``Document`` (``bilat.ingest``)
2. clean     — boilerplate, date line, dateline, normalisation -> ``Article`` (``bilat.clean``)
3. prefilter — which articles and sentences can report an event (``bilat.prefilter``)
4. annotate  — spaCy + bilat's gazetteer and trigger components (``bilat.annotate``)
5. extract   — sentences -> event candidates by the codebook (``bilat.extraction``)
6. resolve   — people, organisations, countries, dates, money -> ``Mention`` (``bilat.resolve``)
7. merge     — the mentions of one event -> one ``Event`` (``bilat.merge``)

Each stage is a plain function over typed records; this module only wires them together.
Articles go through in chunks; with ``workers`` > 1 each chunk is processed in a worker
process (each loads the model once) and results still come back in input order.
``prefilter=False`` parses everything, as bilat did before the prefilter existed.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from .annotate import load_nlp
from .annotate.article import AnnotatedArticle, annotate_articles, annotate_selected
from .clean import clean
from .extraction import can_propose, extract_candidates
from .ingest import read_inputs
from .measure import RunStats, peak_rss, stage
from .merge import merge_mentions
from .prefilter import PARSE_BATCH, load_prefilter
from .records import Article, Document, Event, Problem, Result
from .resolve.mentions import resolve_candidates

# Articles per chunk. The first chunks are smaller, so that the first events come fast; the
# later ones hold about a PARSE_BATCH of on-topic sentences for each step of
# annotate_selected. Chunks of 128 ran no faster and held 25 MB more in each worker.
CHUNK_SIZES = (1, 4, 16, 64)


def events_of(annotated: AnnotatedArticle, stats: RunStats | None = None) -> list[Event]:
    with stage(stats, "extract"):
        candidates = list(extract_candidates(annotated))
    if not candidates:
        return []
    with stage(stats, "resolve"):
        events = merge_mentions(resolve_candidates(annotated, candidates))
        return sorted(events, key=lambda e: e.sources[0].start)


@dataclass(frozen=True)
class _Settings:
    batch_size: int
    prefilter: bool


@dataclass(frozen=True)
class _ChunkDone:
    """What processing one chunk gives back, from this process or a worker."""

    results: list[Result]
    stats: RunStats


def _process_chunk(items: list[Document] | list[Article], settings: _Settings) -> _ChunkDone:
    nlp = load_nlp()
    prefilter = load_prefilter() if settings.prefilter else None
    stats = RunStats()
    cpu = time.process_time()
    with stats.stage("clean"):
        articles = [clean(i) if isinstance(i, Document) else i for i in items]
    stats.count("articles", len(articles))
    stats.count("words", sum(len(a.text.split()) for a in articles))
    if prefilter is not None:
        annotated = list(annotate_selected(articles, nlp, prefilter, settings.batch_size,
                                           stats=stats, proposes=can_propose))
    else:
        with stats.stage("annotate"):
            annotated = list(annotate_articles(articles, nlp, batch_size=settings.batch_size))
        stats.count("relevant_articles", len(articles))
        stats.count("parsed_words", stats.counts["words"])
        stats.count("entity_words", stats.counts["words"])
    results = [Result(article=a.article, events=events_of(a, stats)) for a in annotated]
    stats.cpu_seconds = time.process_time() - cpu
    stats.worker_peak_rss[os.getpid()] = peak_rss()
    return _ChunkDone(results=results, stats=stats)


def _chunks(items: Iterable, stats: RunStats | None) -> Iterator[list]:
    iterator = iter(items)
    sizes = iter(CHUNK_SIZES)
    size = next(sizes)
    while True:
        chunk = []
        with stage(stats, "read"):
            for item in iterator:
                chunk.append(item)
                if len(chunk) >= size:
                    break
        if not chunk:
            return
        yield chunk
        size = next(sizes, size)


def _warm_up(with_prefilter: bool) -> None:
    """A worker loads the model (and the prefilter) once, before its first chunk."""
    load_nlp()
    if with_prefilter:
        load_prefilter()


def _run(items: Iterable[Document] | Iterable[Article], settings: _Settings, workers: int,
         stats: RunStats | None) -> Iterator[Result]:
    chunks = _chunks(items, stats)
    if workers <= 1:
        for chunk in chunks:
            done = _process_chunk(chunk, settings)
            if stats is not None:
                stats.add(done.stats)
            yield from done.results
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(workers, initializer=_warm_up, initargs=(settings.prefilter,)) as pool:
        pending: deque = deque()
        # Two chunks in flight per worker keep them busy; more would only hold memory.
        for chunk in chunks:
            pending.append(pool.apply_async(_process_chunk, (chunk, settings)))
            while len(pending) >= 2 * workers:
                yield from _collect(pending.popleft().get(), stats)
        while pending:
            yield from _collect(pending.popleft().get(), stats)


def _collect(done: _ChunkDone, stats: RunStats | None) -> list[Result]:
    if stats is not None:
        stats.add(done.stats)
    return done.results


def process_articles(articles: Iterable[Article], *, batch_size: int = PARSE_BATCH,
                     workers: int = 1, prefilter: bool = True,
                     stats: RunStats | None = None) -> Iterator[Result]:
    """Events of cleaned articles, in order; ``stats`` (if given) collects what it cost."""
    return _run(articles, _Settings(batch_size=batch_size, prefilter=prefilter), workers, stats)


def process_documents(documents: Iterable[Document], *, batch_size: int = PARSE_BATCH,
                      workers: int = 1, prefilter: bool = True,
                      stats: RunStats | None = None) -> Iterator[Result]:
    """Events of documents as read (cleaning is part of the work), in order."""
    return _run(documents, _Settings(batch_size=batch_size, prefilter=prefilter), workers,
                stats)


def process_paths(paths: Sequence[str], *, stdin: TextIO | None = None,
                  batch_size: int = PARSE_BATCH,
                  on_problem: Callable[[Problem], None] | None = None, workers: int = 1,
                  prefilter: bool = True, stats: RunStats | None = None) -> Iterator[Result]:
    """Events from files, directories and '-' (stdin); bad inputs go to ``on_problem``."""

    def documents() -> Iterator[Document]:
        for item in read_inputs(paths, stdin=stdin):
            if isinstance(item, Problem):
                if on_problem is not None:
                    on_problem(item)
                continue
            yield item

    return process_documents(documents(), batch_size=batch_size, workers=workers,
                             prefilter=prefilter, stats=stats)


def extract(text: str, *, date: str | None = None, url: str | None = None,
            doc_id: str | None = None, title: str | None = None) -> list[Event]:
    """Every event one article reports.

    >>> events = extract("New Delhi, Feb 6 (PTI): ...", date="2025-02-06")
    """
    document = Document(id=doc_id or "-", text=text, date=date, url=url, title=title)
    return next(iter(process_documents([document]))).events


def extract_many(documents: Iterable[Document | dict], *, batch_size: int = PARSE_BATCH,
                 workers: int = 1, prefilter: bool = True) -> Iterator[Result]:
    """The batch form of ``extract``: documents as records or ``{id, text, ...}`` dicts."""

    def as_documents() -> Iterator[Document]:
        for number, item in enumerate(documents):
            if isinstance(item, Document):
                yield item
            else:
                yield Document(id=str(item.get("id", number)), text=item["text"],
                               title=item.get("title"), date=item.get("date"),
                               url=item.get("url"), outlet=item.get("outlet"), format="json")

    return process_documents(as_documents(), batch_size=batch_size, workers=workers,
                             prefilter=prefilter)
