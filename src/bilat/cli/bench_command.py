"""``bilat bench``: throughput, memory and the prefilter's recall (see ``bilat.bench``)."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _numbers(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise click.BadParameter(f"give numbers separated by commas, not {value!r}") from error


@click.command()
@click.option("--corpus", "corpora", default="demo,bbc,synthetic", show_default=True,
              help="Comma-separated: demo (bundled), bbc (shared datasets/bbc_news.jsonl), "
                   "synthetic (generated on-topic news).")
@click.option("--command", "commands", default="extract,ingest", show_default=True,
              help="Comma-separated: extract, ingest; empty for none (e.g. --agreement only).")
@click.option("--workers", default="1,2", show_default=True,
              help="Comma-separated worker counts to measure.")
@click.option("--synthetic-size", type=click.IntRange(1), default=5000, show_default=True,
              help="Articles in the synthetic corpus (seeded: the same every time).")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="At most this many articles of each corpus.")
@click.option("--reference-limit", type=click.IntRange(1), default=300, show_default=True,
              help="Articles of each corpus plain spaCy is timed on (a rate needs no more).")
@click.option("--scale", default="",
              help="Memory as input grows: article counts to stream through extract with 2 "
                   "workers, e.g. 1000,10000,100000.")
@click.option("--scale-corpus", type=click.Choice(["synthetic", "bbc", "demo"]),
              default="synthetic", show_default=True,
              help="What --scale streams (bbc and demo repeat, with new ids).")
@click.option("--recall/--no-recall", default=True, show_default=True,
              help="Measure what the prefilter keeps of the gold and of the full pipeline.")
@click.option("--startup/--no-startup", default=True, show_default=True,
              help="Time `bilat extract` from start to its first event.")
@click.option("--agreement", is_flag=True,
              help="Also extract each corpus without the prefilter and count the articles "
                   "whose events are the same (slow: the full pipeline on everything).")
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The shared evaluation folder (default: as for bilat eval).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def bench(corpora: str, commands: str, workers: str, synthetic_size: int, limit: int | None,
          reference_limit: int, scale: str, scale_corpus: str, recall: bool, startup: bool,
          agreement: bool, shared: Path | None, fmt: str) -> None:
    """Benchmark extract and ingest against plain spaCy on the same texts (no timed asserts).

    Each measurement runs in a fresh process; progress goes to stderr, the report to
    stdout. The README's Speed tables come from `make bench`:
    bilat bench --scale 1000,10000,100000 --scale-corpus bbc
    """
    from ..bench import COMMANDS, CORPORA, benchmark, format_report
    from ..evaluation import find_shared

    names = [c.strip() for c in corpora.split(",") if c.strip()]
    wanted = [c.strip() for c in commands.split(",") if c.strip()]
    for given, allowed, what in ((names, CORPORA, "corpus"), (wanted, COMMANDS, "command")):
        unknown = [n for n in given if n not in allowed]
        if unknown:
            raise click.UsageError(f"unknown {what} {', '.join(unknown)}; choose from "
                                   f"{', '.join(allowed)}")
    shared = shared or find_shared()
    if "bbc" in names + [scale_corpus] and shared is None:
        raise click.UsageError("the bbc corpus is in the shared folder: give --shared DIR")
    report = benchmark(names, wanted, _numbers(workers), shared=shared, limit=limit,
                       synthetic_size=synthetic_size, reference_limit=reference_limit,
                       scale=_numbers(scale), scale_corpus=scale_corpus, recall=recall,
                       startup=startup, check_agreement=agreement,
                       progress=lambda m: click.echo(f"bench: {m}", err=True))
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(format_report(report))
