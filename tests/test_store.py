"""The store: idempotent ingest, merging across outlets, interrupted ingests, both backends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, select, text

from bilat.records import Document
from bilat.store import Store

pytestmark = pytest.mark.model

RAFALE_PTI = Document(id="pti-rafale.txt", url="https://example.in/pti/rafale-m", text="""India signs Rafale-M deal with France

New Delhi, April 28 (PTI): India on Monday signed a deal with France for the procurement of 26 Rafale-M fighter jets for the Indian Navy at a cost of ₹63,000 crore, defence officials said.

The inter-governmental agreement was signed by senior officials of the two sides at Nausena Bhawan in the presence of Defence Secretary Rajesh Kumar Singh.
""")
RAFALE_WIRE = Document(id="wire-rafale.txt", url="https://example.com/wire/rafale", text="""India buys 26 Rafale Marine jets

PARIS, April 28 (Reuters) - India signed a deal with France on Monday to buy 26 Rafale-M fighter jets for about $7.4 billion, the French armed forces ministry said.
""")
MEETING_MAY = Document(id="may.txt", text="""New Delhi, May 6 (PTI): Defence Minister Rajnath Singh held talks with US Defense Secretary Lloyd Austin in New Delhi on Monday.
""", date="2024-05-06")
MEETING_JUNE = Document(id="june.txt", text="""Washington, June 17 (PTI): Defence Minister Rajnath Singh held talks with US Defense Secretary Lloyd Austin at the Pentagon on Monday.
""", date="2024-06-17")


def ingest(store: Store, *documents: Document):
    from bilat.pipeline import process_documents

    return store.ingest(process_documents(documents))


def test_the_same_deal_from_two_outlets_is_one_event_with_both_amounts(store_url):
    store = Store(store_url)
    ingest(store, RAFALE_PTI, RAFALE_WIRE)
    from bilat.query import events, make_filter

    deals = events(store, make_filter(types=["DEAL"]))
    assert len(deals) == 1
    deal = deals[0]
    assert deal["countries"] == ["FRA", "IND"]
    assert deal["num_articles"] == 2 and deal["num_sources"] == 3
    assert deal["first_reported"] is None or deal["first_reported"].startswith("20")
    amounts = {(a["currency"]) for a in deal["disagreements"]["amount"]}
    assert amounts == {"INR", "USD"}
    documents = {d for p in deal["provenance"]["amount"] for d in p["documents"]}
    assert documents == {"pti-rafale.txt", "wire-rafale.txt"}


def test_ingesting_again_changes_nothing(store_url):
    store = Store(store_url)
    first = ingest(store, RAFALE_PTI, MEETING_MAY)
    before = store.count_events()
    again = ingest(store, RAFALE_PTI, MEETING_MAY)
    assert first.articles == 2 and again.articles == 0 and again.known == 2
    assert store.count_events() == before


def test_an_article_that_fails_to_store_keeps_those_before_it(store_url, monkeypatch):
    from bilat.pipeline import process_documents
    from bilat.store.tables import ArticleRow, MentionRow
    from bilat.store.writes import Writer

    results = list(process_documents([RAFALE_PTI, MEETING_MAY, MEETING_JUNE]))
    fold = Writer.fold

    def failing_fold(self, article, *rest):
        if article.doc_id == "june.txt":
            raise RuntimeError("database is full")
        return fold(self, article, *rest)

    monkeypatch.setattr(Writer, "fold", failing_fold)
    store = Store(store_url)
    with pytest.raises(RuntimeError, match="database is full"):
        store.ingest(results)  # all three in one batch
    with store.session() as session:
        stored = session.scalars(select(ArticleRow.doc_id).order_by(ArticleRow.id)).all()
        mentioned = set(session.scalars(select(MentionRow.event_id)))
    assert stored == ["pti-rafale.txt", "may.txt"]
    assert mentioned == {e.id for r in results[:2] for e in r.events} != set()
    monkeypatch.undo()
    report = store.ingest(results)
    assert (report.known, report.articles) == (2, 1)


def test_articles_are_stored_as_they_come_when_they_come_slowly(store_url):
    from bilat.pipeline import process_documents

    results = list(process_documents([MEETING_MAY, MEETING_JUNE, RAFALE_PTI]))
    store = Store(store_url)
    stored_before: list[int] = []

    def arriving():
        for result in results:
            stored_before.append(store.count_events())
            yield result

    store.ingest(arriving(), seconds=0)
    counts = [len(r.events) for r in results]
    assert stored_before == [0, counts[0], counts[0] + counts[1]]
    assert counts[0] > 0


def test_an_ingest_whose_input_breaks_off_keeps_what_came_before(store_url):
    from bilat.pipeline import process_documents

    results = list(process_documents([MEETING_MAY, MEETING_JUNE]))

    def breaking_off():
        yield from results
        raise OSError("connection reset by peer")

    store = Store(store_url)
    with pytest.raises(OSError, match="connection reset"):
        store.ingest(breaking_off())  # both in one batch, not yet written when it breaks
    assert store.count_events() == sum(len(r.events) for r in results) > 0


def test_two_meetings_a_month_apart_stay_two(store_url):
    store = Store(store_url)
    ingest(store, MEETING_MAY, MEETING_JUNE)
    from bilat.query import timeline

    meetings = timeline(store, "IND", "USA", types=["MEETING"])
    assert [m["date"] for m in meetings] == ["2024-05-06", "2024-06-17"]


def test_a_syndicated_copy_is_a_near_duplicate_and_counts_once(store_url):
    store = Store(store_url)
    copy = Document(id="syndicated.txt", url="https://example.org/copy",
                    text=RAFALE_PTI.text.replace("defence officials said", "officials said")
                    .replace("India signs Rafale-M deal with France", "Rafale-M deal signed"))
    report = ingest(store, RAFALE_PTI, copy)
    assert report.articles == 2 and report.near_duplicates == 1
    from bilat.query import events, make_filter

    deal = events(store, make_filter(types=["DEAL"]))[0]
    assert deal["num_articles"] == 1  # one wire story, two outlets
    assert deal["num_sources"] == 4


def test_filters_and_the_event_page(store_url):
    store = Store(store_url)
    ingest(store, RAFALE_PTI, MEETING_MAY, MEETING_JUNE)
    from bilat.query import event, events, make_filter

    assert len(events(store, make_filter(dyad="IND-USA"))) == 2
    assert len(events(store, make_filter(person="austin", since="2024-06"))) == 1
    assert len(events(store, make_filter(text="rafale", countries=["FRA"]))) == 1
    assert events(store, make_filter(until="2024-05")) == events(
        store, make_filter(dyad="IND-USA", until="2024-05-31"))
    one = events(store, make_filter(types=["MEETING"], limit=1))[0]
    page = event(store, one["id"])
    assert page["reports"][0]["sources"][0]["sentence"].startswith("Defence Minister")


def _stored_events(database) -> int:
    """Count events read-only, without opening (and migrating) a Store beside the writer."""
    import sqlite3

    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM events").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def test_an_ingest_killed_half_way_completes_on_the_second_run(tmp_path):
    from bilat.evaluation import demo_dir

    database = tmp_path / "killed.db"
    articles = str(demo_dir() / "articles")
    command = [sys.executable, "-m", "bilat", "ingest", articles, "--db", str(database)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:  # kill it half-way
        time.sleep(0.5)
        if _stored_events(database) > 5:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=600)
    clean = tmp_path / "clean.db"
    subprocess.run([*command[:-1], str(clean)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=600)
    killed_store, clean_store = Store(f"sqlite:///{database}"), Store(f"sqlite:///{clean}")
    assert killed_store.count_events() == clean_store.count_events() > 50
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        orphans = connection.execute(text(
            "SELECT count(*) FROM mentions WHERE event_id NOT IN (SELECT id FROM events)"
        )).scalar()
        articles_stored = connection.execute(text("SELECT count(*) FROM articles")).scalar()
    assert orphans == 0 and articles_stored == 55


def test_cli_ingest_query_and_exports_read_back(tmp_path):
    import csv
    import json

    import networkx
    import pyarrow.parquet
    from click.testing import CliRunner

    from bilat.cli import cli

    for document in (RAFALE_PTI, RAFALE_WIRE, MEETING_MAY):
        (tmp_path / document.id).write_text(document.text, encoding="utf-8")
    database = str(tmp_path / "cli.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(tmp_path / "pti-rafale.txt"),
                                 str(tmp_path / "wire-rafale.txt"), str(tmp_path / "may.txt"),
                                 "--db", database])
    assert result.exit_code == 0, result.output
    assert "3 articles stored" in result.output
    listed = runner.invoke(cli, ["events", "--db", database, "--type", "DEAL",
                                 "--format", "jsonl"])
    deals = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(deals) == 1 and deals[0]["num_articles"] == 2
    shown = runner.invoke(cli, ["show", deals[0]["id"], "--db", database])
    assert len(json.loads(shown.stdout)["reports"]) == 2
    dyads = runner.invoke(cli, ["dyads", "--db", database])
    assert "FRA-IND" in dyads.stdout and "IND-USA" in dyads.stdout
    gdelt = runner.invoke(cli, ["export", "--db", database, "--format", "gdelt-csv"])
    rows = list(csv.DictReader(gdelt.stdout.splitlines()))
    assert {r["EventRootCode"] for r in rows} == {"04", "06"}
    assert {r["NumArticles"] for r in rows} == {"1", "2"}
    graph_path = tmp_path / "net.graphml"
    runner.invoke(cli, ["export", "--db", database, "--format", "graphml", "-o", str(graph_path)])
    graph = networkx.read_graphml(graph_path)
    assert set(graph.nodes) == {"FRA", "IND", "USA"}
    parquet_path = tmp_path / "events.parquet"
    runner.invoke(cli, ["export", "--db", database, "--format", "parquet", "-o",
                        str(parquet_path)])
    assert pyarrow.parquet.read_table(parquet_path).num_rows == 2
    bad = runner.invoke(cli, ["events", "--db", database, "--dyad", "INDIA"])
    assert bad.exit_code == 2 and "B401" in bad.output


def test_kept_dyad_totals_equal_a_count_over_the_events(store_url):
    from dataclasses import replace

    from bilat.query import dyads, make_filter

    store = Store(store_url)
    ingest(store, RAFALE_PTI, RAFALE_WIRE, MEETING_MAY, MEETING_JUNE)
    kept = dyads(store, make_filter())
    # a filter the kept totals cannot answer forces the count over the events
    counted = dyads(store, replace(make_filter(), text=" "))
    key = lambda rows: sorted((r["dyad"], r["type"], r["year"], r["events"]) for r in rows)  # noqa: E731
    assert key(kept) == key(counted)
    assert ("IND-USA", "MEETING", "2024", 2) in key(kept)


def test_the_writer_holds_an_event_as_the_events_table_has_it():
    from dataclasses import fields

    from bilat.store.tables import EventRow, table_of
    from bilat.store.writes import _Event

    # an event is read with _Event(**row) and written with its columns(): a column added to
    # the table must be added there too
    assert {f.name for f in fields(_Event)} == set(table_of(EventRow).columns.keys())
