"""Commands over the store: ingest, events, dyads, timeline, show, entities, export."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, cast

import click

from ..errors import BilatError
from ..records import Problem
from .output import _table

GraphFormat = Literal["graphml", "gexf"]
GraphLevel = Literal["country", "person"]
DB_HELP = "Database: a path or URL (sqlite:///…, postgresql://…); default $BILAT_DB or the " \
          "user data dir."


def _store(db: str | None):
    from ..store import Store, database_url

    try:
        return Store(database_url(db))
    except Exception as error:  # a bad URL or an unreachable server
        raise click.ClickException(f"B404: cannot open the database: {error}") from error


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The event filters every query command shares."""
    for option in reversed([
        click.option("--dyad", help="Two countries, e.g. IND-USA."),
        click.option("--country", "countries", multiple=True, help="ISO3; repeatable."),
        click.option("--type", "types", help="Types, comma-separated: AGREEMENT,DEAL."),
        click.option("--person", help="A participant's name (part of it)."),
        click.option("--org", help="An organisation's name (part of it)."),
        click.option("--since", help="From this date (2023, 2023-06, 2023-06-15)."),
        click.option("--until", help="Up to this date."),
        click.option("--text", help="Words that must all appear in names or sentences."),
        click.option("--db", help=DB_HELP),
    ]):
        command = option(command)
    return command


def _filter(options: dict[str, Any], **extra: Any):
    from ..query import make_filter

    try:
        return make_filter(dyad=options.get("dyad"), countries=options.get("countries") or (),
                           types=(options.get("types") or "").split(","),
                           person=options.get("person"), org=options.get("org"),
                           since=options.get("since"), until=options.get("until"),
                           text=options.get("text"), **extra)
    except BilatError as error:
        raise click.UsageError(str(error)) from error


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--db", help=DB_HELP)
@click.option("--demo", is_flag=True, help="Also ingest the bundled demo corpus.")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="Worker processes for extraction; articles are stored in input order.")
def ingest(paths: tuple[str, ...], db: str | None, demo: bool, workers: int) -> None:
    """Extract events from PATHS and store them, merged with the events already stored.

    Ingesting an article again (same URL or text) changes nothing; an interrupted ingest
    can simply be run again.
    """
    from ..evaluation import demo_dir
    from ..pipeline import process_paths

    store = _store(db)
    problems: list[Problem] = []

    def report(problem: Problem) -> None:
        problems.append(problem)
        click.echo(f"bilat: {problem}", err=True)

    sources = list(paths) + ([str(demo_dir() / "articles")] if demo else [])
    if not sources:
        raise click.UsageError("give at least one PATH (or - for stdin, or --demo)")
    result = store.ingest(process_paths(sources, stdin=sys.stdin, on_problem=report,
                                        workers=workers))
    click.echo(f"{result.articles} articles stored ({result.known} already known, "
               f"{result.near_duplicates} near-duplicates); {result.events_new} new events, "
               f"{result.events_merged} reports merged into stored events; "
               f"{store.count_events()} events in the store")
    if problems:
        sys.exit(1)


EVENT_COLUMNS = ["id", "date", "type", "countries", "actor", "recipient", "status", "amount",
                 "num_articles", "first_reported"]


def _flat(event: dict[str, Any]) -> dict[str, Any]:
    amount = event.get("amount")
    return {
        "id": event["id"], "date": event.get("date") or "", "type": event["type"],
        "countries": "-".join(event["countries"]),
        "actor": "; ".join(e["name"] for e in event["actor"]),
        "recipient": "; ".join(e["name"] for e in event["recipient"]),
        "status": event.get("status") or "",
        "amount": f"{amount['currency']} {amount['value']:,.0f}" if amount else "",
        "num_articles": event.get("num_articles", ""),
        "first_reported": event.get("first_reported") or "",
    }


def _print_events(found: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "jsonl":
        for event in found:
            click.echo(json.dumps(event, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=EVENT_COLUMNS)
        writer.writeheader()
        writer.writerows(_flat(e) for e in found)
    else:
        rows = [[_flat(e)[c] for c in EVENT_COLUMNS if c != "id"] + [e["id"]] for e in found]
        click.echo(_table([c for c in EVENT_COLUMNS if c != "id"] + ["id"], rows))
        click.echo(f"\n{len(found)} events")


@click.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table",
              show_default=True)
@click.option("--limit", type=click.IntRange(0), default=100, show_default=True,
              help="At most this many (0: all).")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many first.")
def events(fmt: str, limit: int, offset: int, **options: Any) -> None:
    """Stored events, newest first, filtered."""
    from ..query import events as find

    where = _filter(options, limit=limit or None, offset=offset)
    _print_events(find(_store(options.pop("db")), where), fmt)


@click.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
def dyads(fmt: str, **options: Any) -> None:
    """Event counts per country pair, type and year."""
    from ..query import dyads as count

    rows = count(_store(options.pop("db")), _filter(options))
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row))
    else:
        click.echo(_table(["dyad", "type", "year", "events"],
                          [[r["dyad"], r["type"], r["year"], r["events"]] for r in rows]))


@click.command()
@click.argument("first")
@click.argument("second")
@click.option("--db", help=DB_HELP)
@click.option("--since")
@click.option("--until")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text",
              show_default=True)
def timeline(first: str, second: str, db: str | None, since: str | None, until: str | None,
             fmt: str) -> None:
    """The relationship between two countries in order, each event with its sources."""
    from ..query import timeline as ordered

    try:
        found = ordered(_store(db), first, second, since=since, until=until)
    except BilatError as error:
        raise click.UsageError(str(error)) from error
    if fmt == "jsonl":
        _print_events(found, "jsonl")
        return
    for event in found:
        who = " / ".join(e["name"] for e in event["actor"] + event["recipient"])
        when = event.get("date") or f"(reported {event.get('first_reported') or '?'})"
        click.echo(f"{when}  {event['type']:<9} {who}  [{event['id']}]")
        for source in event["sources"]:
            click.echo(f"    {source['document']}: {source['sentence']}")
    click.echo(f"\n{len(found)} events")


@click.command()
@click.argument("event_id")
@click.option("--db", help=DB_HELP)
def show(event_id: str, db: str | None) -> None:
    """One event: every source sentence, its merged fields and who said what."""
    from ..query import event as get

    try:
        found = get(_store(db), event_id)
    except BilatError as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))


@click.command()
@click.argument("name")
@click.option("--db", help=DB_HELP)
@click.option("--kind", type=click.Choice(["person", "organization", "country"]))
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
def entities(name: str, db: str | None, kind: str | None, fmt: str) -> None:
    """People, organisations and countries in the store whose name or an alias holds NAME,
    with their roles and tenures (`bilat events --person` then narrows to one)."""
    from ..query import entities as find
    from ..query import entity

    store = _store(db)
    found = [entity(store, e["id"], limit=0) for e in find(store, name, kind=kind)]
    if fmt == "jsonl":
        for one in found:
            click.echo(json.dumps({k: v for k, v in one.items() if k != "latest"},
                                  ensure_ascii=False))
        return
    rows = [[e["name"], e["kind"], e["country"] or "", "; ".join(e["aliases"]),
             "; ".join(_tenure(r) for r in e["roles"]), e["events"], e["id"]] for e in found]
    click.echo(_table(["name", "kind", "country", "aliases", "roles", "events", "id"], rows))


def _tenure(role: dict[str, Any]) -> str:
    since, until = role.get("since") or "?", role.get("until") or "now"
    seen = "" if role["source"] == "knowledge" else " reported"
    return f"{role['role']} {since}..{until}{seen}"


@click.command("export")
@filter_options
@click.option("--format", "fmt", required=True,
              type=click.Choice(["plover", "gdelt-csv", "parquet", "graphml", "gexf"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (required for parquet, graphml and gexf; else stdout).")
@click.option("--level", type=click.Choice(["country", "person"]), default="country",
              show_default=True, help="Graph formats: a network of countries or of people.")
def export_command(fmt: str, output: Path | None, level: str, **options: Any) -> None:
    """Write the selected events as PLOVER JSONL, GDELT-style CSV, Parquet, GraphML or GEXF."""
    from .. import export
    from ..query import events as find

    found = find(_store(options.pop("db")), _filter(options, ascending=True))
    if fmt in ("parquet", "graphml", "gexf") and output is None:
        raise click.UsageError(f"--format {fmt} needs --output FILE")
    if fmt == "parquet":
        assert output is not None
        count = export.write_parquet(found, output)
    elif fmt in ("graphml", "gexf"):
        assert output is not None
        nodes, edges = export.write_graph(found, output, fmt=cast(GraphFormat, fmt),
                                          level=cast(GraphLevel, level))
        click.echo(f"{nodes} nodes, {edges} edges -> {output}", err=True)
        return
    else:
        writer = export.write_plover if fmt == "plover" else export.write_gdelt_csv
        if output is None:
            count = writer(found, sys.stdout)
        else:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                count = writer(found, handle)
    click.echo(f"{count} events exported", err=True)


COMMANDS = [ingest, events, dyads, timeline, show, entities, export_command]
