"""Commands beyond one batch: watch (live feeds), spark-extract and spark-ingest (archives)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

import click

from ..errors import BilatError
from .store_commands import DB_HELP, _store


@click.command()
@click.argument("feeds_file", metavar="FEEDS.yaml",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", help=DB_HELP)
@click.option("--once", is_flag=True,
              help="One pass over the feeds and articles that are due, then exit (for cron).")
@click.option("--max-cycles", type=click.IntRange(1), default=None,
              help="Stop after this many passes.")
@click.option("--verbose", "-v", is_flag=True, help="Log every feed and article.")
def watch(feeds_file: Path, db: str | None, once: bool, max_cycles: int | None,
          verbose: bool) -> None:
    """Poll the RSS/Atom feeds and news sitemaps in FEEDS.yaml and store new articles' events.

    Runs until stopped (Ctrl-C or SIGTERM finish the article in hand). What was seen is kept
    in the store: a restart fetches nothing twice. A feed or page that fails is logged with
    its code (B602-B610) and tried again later.
    """
    from ..watch import load_config
    from ..watch import watch as run

    try:
        config = load_config(feeds_file)
    except BilatError as error:
        raise click.ClickException(str(error)) from error
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("bilat: %(message)s"))
    logger = logging.getLogger("bilat.watch")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    store = _store(db)
    stop = threading.Event()
    taken = {}
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            taken[number] = signal.signal(number, lambda *_: stop.set())
    cycles = 0

    def show(report) -> None:
        nonlocal cycles
        cycles += 1
        click.echo(f"pass {cycles}: {report.summary()}; {store.count_events()} events in the "
                   "store", err=True)

    try:
        run(config, store, max_cycles=1 if once else max_cycles, stop=stop, on_cycle=show)
    finally:
        logger.removeHandler(handler)
        for number, previous in taken.items():  # a caller's handlers, or the defaults
            signal.signal(number, previous)



@click.command("spark-extract")
@click.option("--input", "source", required=True,
              help="Documents: a JSONL or Parquet file or folder ({id, text, title?, date?, "
                   "url?, outlet?}); any path Spark reads (hdfs://, s3a://).")
@click.option("--output", required=True,
              help="Folder to write: articles/ and events/ (Parquet); replaced if present.")
@click.option("--master", default=None,
              help="Spark master, e.g. local[2]; default: spark-submit's, else local[*].")
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "parquet"]),
              default="auto", show_default=True, help="Input format.")
@click.option("--partitions", type=click.IntRange(1), default=None,
              help="Extract tasks (default: 4 per core).")
def spark_extract(source: str, output: str, master: str | None, fmt: str,
                  partitions: int | None) -> None:
    """Extract events from an archive with Spark and merge them across sources.

    The merged events (events/) are those `bilat ingest` of the same input would store;
    `bilat ingest-archive OUTPUT` loads the result into a store.
    """
    from ..spark import spark_extract as run

    try:
        report = run(source, output, master=master, partitions=partitions,
                     fmt=None if fmt == "auto" else fmt)
    except BilatError as error:
        raise click.ClickException(str(error)) from error
    click.echo(report.summary(), err=True)


@click.command("ingest-archive")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@click.option("--db", help=DB_HELP)
def ingest_archive(folder: str, db: str | None) -> None:
    """Store the output of `bilat spark-extract` (FOLDER/articles) as `bilat ingest` would.

    Articles go in in input order, each merged with the events already stored; running it
    again changes nothing.
    """
    from ..archive import read_results

    store = _store(db)
    try:
        result = store.ingest(read_results(folder))
    except BilatError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{result.articles} articles stored ({result.known} already known, "
               f"{result.near_duplicates} near-duplicates); {result.events_new} new events, "
               f"{result.events_merged} reports merged into stored events; "
               f"{store.count_events()} events in the store")


COMMANDS = [watch, spark_extract, ingest_archive]
