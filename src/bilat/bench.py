"""``bilat bench``: how fast bilat is, what it costs, and what the prefilter keeps.

A benchmark, not a test: it reports numbers and asserts nothing. In one run, on the same
inputs:

- **throughput** of ``extract`` and ``ingest`` with 1 and 2 worker processes: articles/s
  and words/s, articles per CPU-second (the CPU time of the work in every process: a
  figure other programs on the machine disturb less than the clock), peak memory (the sum
  of every process's peak RSS), the time to the first result, and each stage's share of
  the time;
- **the reference**: spaCy's full ``en_core_web_sm`` pipeline run plainly (``nlp.pipe``)
  over the same texts, and bilat's speed as a ratio to it;
- **the prefilter's recall**: the gold events whose evidence it keeps (demo corpus and
  shared samples), and the sentences the full pipeline takes events from that it keeps
  (PLOVER, PETRARCH2);
- **memory as input grows** (``--scale``): peak RSS over streams of growing length;
- **agreement** (``--agreement``): the articles whose events are the same with and without
  the prefilter (it runs the full pipeline too, so it is slow on big corpora).

Every measurement runs in a fresh Python process (``python -m bilat.bench SPEC``), so each
peak RSS is its own. Rates are steady-state: from the first result to the last, so that
loading the model (reported as the time to the first result) does not count against
them; the reference is timed likewise after ``spacy.load``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .measure import STAGES, RunStats, machine, peak_rss
from .records import Document, Result

CORPORA = ("demo", "bbc", "synthetic")
COMMANDS = ("extract", "ingest")
SYNTHETIC_SEED = 7


@dataclass(frozen=True)
class Spec:
    """One measurement: what to run on which input (sent to a fresh process as JSON)."""

    kind: str  # "extract", "ingest" or "spacy"
    corpus: str  # "demo", "bbc" or "synthetic"
    workers: int = 1
    limit: int | None = None  # at most this many articles
    repeat_to: int | None = None  # cycle the corpus (with fresh ids) up to this many
    synthetic_size: int = 5000
    shared: str | None = None


# --------------------------------------------------------------------------- inputs


def corpus_documents(spec: Spec) -> Iterator[Document]:
    """The documents of a corpus, as ``bilat extract`` would read them."""
    documents: Iterable[Document]
    if spec.corpus == "synthetic":
        from .synthetic import synthetic_documents

        documents = synthetic_documents(spec.repeat_to or spec.synthetic_size, SYNTHETIC_SEED)
    else:
        documents = _read(_corpus_path(spec))
        if spec.repeat_to:
            documents = _cycle(_read(_corpus_path(spec)), spec.repeat_to)
    return itertools.islice(documents, spec.limit) if spec.limit else iter(documents)


def _corpus_path(spec: Spec) -> str:
    if spec.corpus == "demo":
        from .evaluation import demo_dir

        return str(demo_dir() / "articles")
    if spec.corpus == "bbc":
        if not spec.shared:
            raise ValueError("the bbc corpus needs the shared folder (--shared DIR)")
        return str(Path(spec.shared) / "datasets" / "bbc_news.jsonl")
    raise ValueError(f"unknown corpus {spec.corpus!r}")


def _read(path: str) -> Iterator[Document]:
    from .ingest import read_inputs

    for item in read_inputs([path]):
        if isinstance(item, Document):
            yield item


def _cycle(documents: Iterator[Document], count: int) -> Iterator[Document]:
    """The corpus again and again (ids and URLs made new) until ``count`` documents."""
    first = list(documents)
    for number in range(count):
        document = first[number % len(first)]
        lap = number // len(first)
        yield Document(id=f"{document.id}#{lap}", text=document.text, format=document.format,
                       title=document.title, date=document.date,
                       url=f"{document.url}#{lap}" if document.url else None,
                       outlet=document.outlet, path=document.path)


# --------------------------------------------------------------------------- one run


def run(spec: Spec) -> dict[str, Any]:
    """Run one measurement in this process and describe it."""
    if spec.kind == "spacy":
        return _run_spacy(spec)
    from .pipeline import process_documents

    stats = RunStats()
    store, database = _open_store() if spec.kind == "ingest" else (None, None)
    started = time.perf_counter()
    first: float | None = None
    first_count = events = articles = 0
    pulled_wall = pulled_cpu = 0.0  # time spent waiting for results, not storing them

    def results() -> Iterator[Result]:
        nonlocal first, first_count, events, articles, pulled_wall, pulled_cpu
        produced = process_documents(corpus_documents(spec), workers=spec.workers,
                                     stats=stats)
        while True:
            wall, cpu = time.perf_counter(), time.process_time()
            result = next(produced, None)
            pulled_wall += time.perf_counter() - wall
            pulled_cpu += time.process_time() - cpu
            if result is None:
                return
            articles += 1
            events += len(result.events)
            if first is None:
                first, first_count = time.perf_counter(), articles
            yield result

    if store is not None:  # as `bilat ingest` stores them
        cpu = time.process_time()
        store.ingest(results())
        stats.seconds["store"] += time.perf_counter() - started - pulled_wall
        stats.cpu_seconds += time.process_time() - cpu - pulled_cpu
    else:
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for result in results():
                for event in result.events:  # as `bilat extract` prints them
                    sink.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
    finished = time.perf_counter()
    if database is not None:
        database.cleanup()
    return _describe(spec, stats, articles, events, started, first, first_count, finished)


def _open_store():
    from .store import Store

    database = tempfile.TemporaryDirectory(prefix="bilat-bench-")
    return Store(f"sqlite:///{database.name}/bench.db"), database


def _describe(spec: Spec, stats: RunStats, articles: int, events: int, started: float,
              first: float | None, first_count: int, finished: float) -> dict[str, Any]:
    steady = finished - first if first is not None else 0.0
    rest = articles - first_count
    words = stats.counts.get("words", 0)
    own = os.getpid()
    workers_rss = sum(peak for pid, peak in stats.worker_peak_rss.items() if pid != own)
    return {
        "kind": spec.kind, "corpus": spec.corpus, "workers": spec.workers,
        "articles": articles, "events": events, "words": words,
        "seconds": round(finished - started, 2),
        "first_result_seconds": round(first - started, 2) if first is not None else None,
        "articles_per_second": round(rest / steady, 1) if steady > 0 else None,
        "words_per_second": round(words * rest / articles / steady) if steady > 0 else None,
        "cpu_seconds": round(stats.cpu_seconds, 2),
        "articles_per_cpu_second": round(articles / stats.cpu_seconds, 1)
        if stats.cpu_seconds else None,
        "peak_rss_mb": round((peak_rss() + workers_rss) / 2**20),
        "stage_shares": {s: round(v, 3) for s, v in stats.shares().items() if s in STAGES},
        "relevant_articles": stats.counts.get("relevant_articles", 0),
        "parsed_words": stats.counts.get("parsed_words", 0),
        "entity_words": stats.counts.get("entity_words", 0),
    }


def _run_spacy(spec: Spec) -> dict[str, Any]:
    """spaCy's full English pipeline, run plainly over the same texts."""
    import spacy

    from .annotate import model_name

    texts = [d.text for d in corpus_documents(spec)]
    nlp = spacy.load(model_name())
    started, cpu = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in nlp.pipe(texts))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    words = sum(len(t.split()) for t in texts)
    return {"kind": "spacy", "corpus": spec.corpus, "workers": 1, "articles": len(texts),
            "words": words, "tokens": tokens, "seconds": round(elapsed, 2),
            "articles_per_second": round(len(texts) / elapsed, 1),
            "cpu_seconds": round(cpu, 2), "articles_per_cpu_second": round(len(texts) / cpu, 1),
            "words_per_second": round(words / elapsed), "peak_rss_mb": round(peak_rss() / 2**20),
            "pipeline": nlp.pipe_names}


def run_in_child(spec: Spec) -> dict[str, Any]:
    """``run`` in a fresh Python process, so that its peak memory is its own."""
    done = subprocess.run([sys.executable, "-m", "bilat.bench", json.dumps(spec.__dict__)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench run {spec} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def startup_seconds(path: str) -> float:
    """Seconds from starting ``bilat extract PATH`` to its first printed event."""
    return round(seconds_to_first_line([sys.executable, "-m", "bilat", "extract", path]), 2)


def seconds_to_first_line(command: list[str]) -> float:
    """Seconds from starting ``command`` to its first line on stdout. The rest of its run
    is not waited for: it is stopped, so that it cannot block on a pipe no one reads."""
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as child:
        assert child.stdout is not None
        first = child.stdout.readline()
        elapsed = time.perf_counter() - started
        child.kill()
    if not first:
        raise RuntimeError(f"{' '.join(command)} printed nothing (exit code {child.returncode})")
    return elapsed


# --------------------------------------------------------------------------- recall


def prefilter_recall(shared: Path | None) -> list[dict[str, Any]]:
    """What the prefilter keeps: gold events (demo, samples) and the full pipeline's
    event sentences (PLOVER, PETRARCH2), each as kept / total."""
    from .evaluation import _read_gold, demo_dir

    rows = [_gold_recall("demo", [str(demo_dir() / "articles")],
                         _read_gold(demo_dir() / "gold.jsonl"))]
    if shared is None:
        return rows
    from importlib import resources

    gold = Path(str(resources.files("bilat") / "data" / "gold" / "samples.jsonl"))
    rows.append(_gold_recall("samples", [str(shared / "samples")], _read_gold(gold)))
    for name, file in (("plover", "plover_gsr.jsonl"), ("petr2", "petr2_gsr_validation.jsonl")):
        rows.append(_sentence_recall(name, shared / "datasets" / file))
    return rows


def _kept_sentences(text: str) -> list[str]:
    from .annotate.article import paragraphs
    from .prefilter import load_prefilter

    return [_norm(sentence) for _, sentence in
            load_prefilter().select(text, paragraphs(text)).parse]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _gold_recall(corpus: str, paths: list[str], gold: dict[str, list[dict]]) -> dict[str, Any]:
    from .clean import clean
    from .evaluation import _documents

    kept = total = 0
    missed: list[str] = []
    for document in _documents(paths):
        sentences = _kept_sentences(clean(document).text)
        for event in gold.get(document.id, []):
            total += 1
            evidence = [_norm(e) for e in event.get("evidence", [])]
            if any(e in s or s in e for e in evidence for s in sentences):
                kept += 1
            else:
                missed.append(f"{document.id}: {event['type']}: {evidence[:1]}")
    return {"corpus": corpus, "what": "gold events", "kept": kept, "total": total,
            "missed": missed}


def _sentence_recall(corpus: str, path: Path) -> dict[str, Any]:
    from .evaluation import _iso_date, _sentence_records
    from .pipeline import process_documents

    records = _sentence_records(path)
    documents = [Document(id=r["id"], text=r["text"], date=_iso_date(r["meta"].get("date")),
                          format="json") for r in records]
    kept = total = 0
    missed: list[str] = []
    for result in process_documents(documents, prefilter=False):
        sentences = _kept_sentences(result.article.text)
        for event in result.events:
            for source in event.sources:
                total += 1
                if _norm(source.sentence) in " ".join(sentences):
                    kept += 1
                else:
                    missed.append(f"{result.article.id}: {event.type}")
    return {"corpus": corpus, "what": "sentences the full pipeline takes events from",
            "kept": kept, "total": total, "missed": missed}


def agreement(spec: Spec) -> dict[str, Any]:
    """Does the prefilter change any article's events? Both ways, on the same documents."""
    from .pipeline import process_documents

    def events(prefilter: bool) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        for result in process_documents(corpus_documents(spec), prefilter=prefilter):
            yield result.article.id, [e.to_dict() for e in result.events]

    differing = [doc_id for (doc_id, kept), (_, everything) in
                 zip(events(True), events(False), strict=True) if kept != everything]
    articles = sum(1 for _ in corpus_documents(spec))
    return {"corpus": spec.corpus, "articles": articles, "same": articles - len(differing),
            "differing": differing}


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    runs: list[dict[str, Any]] = field(default_factory=list)
    recall: list[dict[str, Any]] = field(default_factory=list)
    scale: list[dict[str, Any]] = field(default_factory=list)
    agreement: list[dict[str, Any]] = field(default_factory=list)
    startup_seconds: float | None = None
    machine: dict[str, Any] = field(default_factory=machine)

    def as_dict(self) -> dict[str, Any]:
        return {"machine": self.machine, "runs": self.runs, "recall": self.recall,
                "scale": self.scale, "agreement": self.agreement,
                "startup_seconds": self.startup_seconds}


def benchmark(corpora: Iterable[str], commands: Iterable[str], workers: Iterable[int], *,
              shared: Path | None, limit: int | None = None, synthetic_size: int = 5000,
              reference_limit: int | None = 300, scale: Iterable[int] = (),
              scale_corpus: str = "synthetic", recall: bool = True, startup: bool = True,
              check_agreement: bool = False, progress=None) -> Report:
    """Every measurement ``bilat bench`` makes; ``progress`` is told what runs next."""
    report = Report()
    say = progress or (lambda message: None)
    commands, workers = list(commands), list(workers)
    base = Spec(kind="extract", corpus="demo", limit=limit, synthetic_size=synthetic_size,
                shared=str(shared) if shared else None)
    for corpus in corpora:
        for command in commands:
            for count in workers:
                say(f"{command} {corpus} with {count} worker(s)")
                report.runs.append(run_in_child(replace(base, kind=command, corpus=corpus,
                                                        workers=count)))
        if check_agreement:
            say(f"events with and without the prefilter on {corpus}")
            report.agreement.append(agreement(replace(base, corpus=corpus)))
        if not commands or not workers:
            continue
        say(f"plain spaCy on {corpus}")
        bounds = [n for n in (limit, reference_limit) if n]
        reference = run_in_child(replace(base, kind="spacy", corpus=corpus,
                                         limit=min(bounds) if bounds else None))
        report.runs.append(reference)
        for row in report.runs:
            if row["corpus"] == corpus and row["kind"] != "spacy" and \
                    row["articles_per_second"] and reference["articles_per_second"]:
                row["ratio_to_spacy"] = round(row["articles_per_second"] /
                                              reference["articles_per_second"], 1)
                row["cpu_ratio_to_spacy"] = round(row["articles_per_cpu_second"] /
                                                  reference["articles_per_cpu_second"], 1)
    for count in scale:
        say(f"memory: extract over {count} {scale_corpus} articles, 2 workers")
        report.scale.append(run_in_child(replace(base, corpus=scale_corpus, workers=2,
                                                 limit=None, repeat_to=count)))
    if recall:
        say("prefilter recall")
        report.recall = prefilter_recall(shared)
    if startup:
        from .evaluation import demo_dir

        say("start-up")
        first = sorted((demo_dir() / "articles").iterdir())[0]
        report.startup_seconds = startup_seconds(str(first))
    return report


def format_report(report: Report) -> str:
    """The report as Markdown tables (the README's Speed section is one)."""
    on = report.machine
    lines = [f"Machine: {on['cpu']}, {on['cores']} cores; BLIS kernel {on['blis_kernel']}, "
             f"OpenBLAS kernel {on['openblas_kernel']}; Python {on['python']}, "
             f"spaCy {on['spacy']}", "",
             "| corpus | command | workers | articles | articles/s | words/s | ratio to "
             "spaCy | articles per CPU-s | CPU ratio to spaCy | peak RSS (MB) | "
             "first result (s) | parsed words | NER words | stage shares |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in report.runs:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in row.get("stage_shares", {}).items()
                           if v >= 0.005)
        parsed, entities = (f"{row[key] / row['words']:.0%}" if row.get("words") and key in row
                            else "" for key in ("parsed_words", "entity_words"))
        command = "plain spaCy" if row["kind"] == "spacy" else row["kind"]
        lines.append(f"| {row['corpus']} | {command} | {row['workers']} | {row['articles']} | "
                     f"{row['articles_per_second']} | {row['words_per_second']} | "
                     f"{row.get('ratio_to_spacy', '')} | {row['articles_per_cpu_second']} | "
                     f"{row.get('cpu_ratio_to_spacy', '')} | {row['peak_rss_mb']} | "
                     f"{row.get('first_result_seconds') or ''} | {parsed} | {entities} | "
                     f"{shares} |")
    if report.scale:
        lines += ["", "| articles (2 workers) | peak RSS (MB) | articles/s |", "|---|---|---|"]
        lines += [f"| {row['articles']} | {row['peak_rss_mb']} | {row['articles_per_second']} |"
                  for row in report.scale]
    if report.agreement:
        lines += ["", "| events with and without the prefilter | articles | the same |",
                  "|---|---|---|"]
        lines += [f"| {row['corpus']} | {row['articles']} | {row['same']} |"
                  for row in report.agreement]
    if report.recall:
        lines += ["", "| prefilter recall | kept | of | recall |", "|---|---|---|---|"]
        lines += [f"| {row['corpus']}: {row['what']} | {row['kept']} | {row['total']} | "
                  f"{row['kept'] / row['total'] if row['total'] else 1:.1%} |"
                  for row in report.recall]
    if report.startup_seconds is not None:
        lines += ["", f"Start-up to the first event (`bilat extract` on one demo article): "
                      f"{report.startup_seconds} s"]
    return "\n".join(lines)


def main() -> None:
    spec = Spec(**json.loads(sys.argv[1]))
    print(json.dumps(run(spec)))


if __name__ == "__main__":
    main()
