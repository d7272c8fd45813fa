"""Shared fixtures: the shared samples folder and the full pipeline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = Path(__file__).resolve().parent / "resources"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "samples").is_dir():
        pytest.skip("the shared evaluation folder is not beside the project")
    return SHARED


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A new, empty store on each backend: SQLite, and PostgreSQL where BILAT_TEST_PG is set."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bilat.db'}"
    url = os.environ.get("BILAT_TEST_PG")
    if not url:
        pytest.skip("BILAT_TEST_PG is not set (.ci/postgres starts a server and prints it)")
    engine = create_engine(url)
    with engine.begin() as connection:  # a clean database for every test
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A SQLite store holding the demo corpus, built once (loads the model); tests that write
    work on a ``copy_database`` of it."""
    from bilat.evaluation import demo_dir
    from bilat.pipeline import process_paths
    from bilat.store import Store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store(f"sqlite:///{path}")
    store.ingest(process_paths([str(demo_dir() / "articles")]))
    store.engine.dispose()
    return path


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite store (the backup API also copies what is in the WAL)."""
    import sqlite3

    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        original.backup(copy)
    finally:
        original.close()
        copy.close()
    return target


@contextmanager
def static_site(pages: dict[str, tuple[bytes, str]]) -> Iterator[str]:
    """A site on 127.0.0.1 serving ``{path: (body, content type)}`` (404 elsewhere); its URL."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            if self.path not in pages:
                self.send_error(404)
                return
            body, kind = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def extract():
    from bilat import extract as run

    return run


def by_type(events, event_type):
    return [e for e in events if e.type == event_type]


def people(event):
    return {e.name for e in event.actor + event.recipient if e.kind == "person"}
