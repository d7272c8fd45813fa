"""``bilat serve``: the workbench and the REST API over the store."""

from __future__ import annotations

import os
import secrets
import sys

import click

from .store_commands import DB_HELP, _store

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--db", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback opens the server to others.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--demo", is_flag=True,
              help="If the store is empty, load the bundled demo corpus without asking.")
@click.option("--protect-reads", is_flag=True, envvar="BILAT_PROTECT_READS",
              help="Reads need the token too (pages ask for it once). [env: "
                   "BILAT_PROTECT_READS]")
def serve(db: str | None, host: str, port: int, demo: bool, protect_reads: bool) -> None:
    """The analyst's workbench in the browser, and the REST API under /api/v1.

    Writes (ingest) need a token: $BILAT_TOKEN, else one made up and printed at start.
    """
    import uvicorn

    from ..api import Settings, create_app

    store = _store(db)
    if store.count_events() == 0:
        if demo or (_interactive() and click.confirm(
                "The store is empty. Load the bundled demo corpus (55 articles, about a "
                "minute)?", default=True)):
            _load_demo(store)
        else:
            click.echo("The store is empty: add articles on the Ingest page, or restart with "
                       "--demo.")
    token = os.environ.get("BILAT_TOKEN") or secrets.token_urlsafe(18)
    app = create_app(store, Settings(token=token, protect_reads=protect_reads))
    address = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    click.echo(f"bilat workbench: {address}/   REST API: {address}/api/v1/openapi.json")
    if "BILAT_TOKEN" not in os.environ:
        click.echo(f"Token for writes (set BILAT_TOKEN to choose it): {token}\n"
                   f"Ingest page with the token filled in: {address}/ingest#token={token}")
    if host not in LOOPBACK and not protect_reads:
        click.echo(f"bilat: listening on {host}: anyone who can reach it can read the store "
                   "(--protect-reads to ask for the token)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _load_demo(store) -> None:
    from ..evaluation import demo_dir
    from ..pipeline import process_paths

    click.echo("Loading the demo corpus…")
    report = store.ingest(process_paths([str(demo_dir() / "articles")]))
    click.echo(f"{report.articles} articles stored; {store.count_events()} events in the store")
