"""``bilat`` commands: extract, eval, doctor, and the store commands (ingest, events, ...)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import BilatError
from ..records import Event, Problem
from .archive_commands import COMMANDS as ARCHIVE_COMMANDS
from .bench_command import bench
from .output import eval_tables, event_table
from .serve_command import serve
from .store_commands import COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bilat")
def cli() -> None:
    """bilat: defence-diplomacy events from news articles."""


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]),
              default="jsonl", show_default=True, help="How to print the events.")
@click.option("--demo", is_flag=True, help="Read the bundled demo corpus (as well as PATHS).")
# The default is bilat.prefilter.PARSE_BATCH, named rather than imported: the prefilter's
# data modules would slow every command's start, the store's too (a test keeps it right).
@click.option("--batch-size", type=click.IntRange(1), default=None,
              help="Texts per spaCy batch: sentences the prefilter selects.  [default: 256]")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="Worker processes (each loads the model once); output order is the same.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
def extract(paths: tuple[str, ...], fmt: str, demo: bool, batch_size: int | None, workers: int,
            progress: bool | None) -> None:
    """Extract events from PATHS: files (.txt .md .html .jsonl .json), folders, or - (stdin).

    Bad inputs are reported on stderr with a code (e.g. B104) and skipped; the exit code
    is 1 if any input failed.
    """
    from tqdm import tqdm

    from ..evaluation import demo_dir
    from ..pipeline import process_paths
    from ..prefilter import PARSE_BATCH

    sources = list(paths) + ([str(demo_dir() / "articles")] if demo else [])
    if not sources:
        raise click.UsageError("give at least one PATH (or - for stdin, or --demo)")
    problems: list[Problem] = []

    def report(problem: Problem) -> None:
        problems.append(problem)
        tqdm.write(f"bilat: {problem}", file=sys.stderr)

    events: list[Event] = []
    results = process_paths(sources, stdin=sys.stdin, on_problem=report, workers=workers,
                            batch_size=PARSE_BATCH if batch_size is None else batch_size)
    bar = tqdm(results, unit="doc", file=sys.stderr, delay=1.0,
               disable=(not sys.stderr.isatty()) if progress is None else not progress)
    try:
        for result in bar:
            if fmt == "jsonl":
                for event in result.events:
                    click.echo(json.dumps(event.to_dict(), ensure_ascii=False))
            else:
                events.extend(result.events)
    except BilatError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        click.echo(json.dumps([e.to_dict() for e in events], ensure_ascii=False, indent=2))
    elif fmt == "table":
        click.echo(event_table(events))
    if problems:
        click.echo(f"bilat: {len(problems)} input(s) failed", err=True)
        sys.exit(1)


@cli.command("eval")
@click.option("--corpus", "corpora", default="demo,samples,merge,plover,petr2",
              show_default=True,
              help="Comma-separated corpora: demo, samples, merge (across sources), plover, "
                   "petr2.")
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The shared evaluation folder (samples/, datasets/); default: $BILAT_SHARED "
                   "or a 'shared' folder beside the current directory or its parents.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--errors", "show_errors", is_flag=True,
              help="Also print every missed, spurious or wrongly argued event.")
@click.option("--check", "baseline", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Fail (exit 1) when a score drops below this baseline file.")
@click.option("--prefilter/--no-prefilter", default=True, show_default=True,
              help="--no-prefilter parses every sentence: the scores show what the "
                   "prefilter costs.")
def eval_command(corpora: str, shared: Path | None, fmt: str, show_errors: bool,
                 baseline: Path | None, prefilter: bool) -> None:
    """Precision, recall and F1 by event type and argument field on the gold corpora."""
    from ..evaluation import CORPORA, check_baseline, evaluate, find_shared

    names = [c.strip() for c in corpora.split(",") if c.strip()]
    unknown = [n for n in names if n not in CORPORA]
    if unknown:
        raise click.UsageError(f"unknown corpus {', '.join(unknown)}; choose from "
                               f"{', '.join(CORPORA)}")
    try:
        reports = evaluate(names, shared or find_shared(), prefilter=prefilter)
    except BilatError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in reports], indent=2))
    else:
        click.echo(eval_tables(reports))
    if show_errors:
        for report in reports:
            for mismatch in report.errors:
                click.echo(json.dumps({"corpus": report.corpus, **mismatch},
                                      ensure_ascii=False))
    if baseline is not None:
        failures = check_baseline(reports, json.loads(baseline.read_text(encoding="utf-8")))
        for failure in failures:
            click.echo(f"bilat: below baseline: {failure}", err=True)
        if failures:
            sys.exit(1)


@cli.command()
def doctor() -> None:
    """Check the install: the spaCy model, versions and the bundled data files."""
    from ..doctor import run_checks

    ok = True
    for check in run_checks():
        mark = "ok " if check.ok else "FAIL"
        click.echo(f"[{mark}] {check.name}: {check.detail}")
        if not check.ok:
            ok = False
            click.echo(f"       fix: {check.fix}")
    sys.exit(0 if ok else 1)


for _command in [*COMMANDS, serve, *ARCHIVE_COMMANDS, bench]:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="bilat")
