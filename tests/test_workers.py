"""--workers: the same events in the same order with one worker process or two."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from bilat.cli import cli

pytestmark = pytest.mark.model


def test_extract_demo_with_two_workers_prints_what_one_prints():
    runner = CliRunner()
    one = runner.invoke(cli, ["extract", "--demo", "--workers", "1"])
    two = runner.invoke(cli, ["extract", "--demo", "--workers", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert two.stdout == one.stdout
    events = [json.loads(line) for line in one.stdout.splitlines()]
    assert len(events) > 100
    documents = [e["sources"][0]["document"] for e in events]
    assert documents == sorted(documents)  # the demo folder's order: files sorted by name


def test_ingest_with_two_workers_stores_what_one_stores(tmp_path):
    from bilat.evaluation import demo_dir
    from bilat.store import EventFilter, Store

    articles = tmp_path / "articles"
    articles.mkdir()
    for path in sorted((demo_dir() / "articles").iterdir())[:12]:
        shutil.copy(path, articles / path.name)
    runner = CliRunner()
    stored = []
    for workers in ("1", "2"):
        db = tmp_path / f"workers-{workers}.db"
        result = runner.invoke(cli, ["ingest", str(articles), "--db", str(db),
                                     "--workers", workers])
        assert result.exit_code == 0, result.output
        found = Store(f"sqlite:///{db}").find_events(EventFilter())
        stored.append(sorted((e["id"], e["type"], tuple(e["countries"])) for e in found))
    assert stored[0] == stored[1]
    assert len(stored[0]) > 10

