"""bilat spark-extract: the archive job in local[2] gives the events `bilat ingest` gives.

Marked ``spark``: these tests start a local Spark session (pyspark and Java 17, installed by
`make setup` and .ci/run) and load the spaCy model in each Python worker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilat.cli.main import cli
from bilat.evaluation import demo_dir
from bilat.ingest import read_inputs
from bilat.pipeline import process_paths
from bilat.records import Document
from bilat.spark import date_reach
from bilat.store import EventFilter, Store

FIELDS = ("id", "text", "title", "date", "url", "outlet")


def _overlap(a: dict, b: dict) -> bool:
    (low_a, high_a), (low_b, high_b) = date_reach(a), date_reach(b)
    return low_a <= high_b and low_b <= high_a


@pytest.mark.parametrize("first, second, together", [
    ({"date": "2024-05-31"}, {"date": "2024-06-02"}, True),   # 2 days, across a month end
    ({"date": "2024-01"}, {"date": "2024-02-28"}, True),      # month vs day: a month apart
    ({"date": "2024"}, {"date": "2024-12-30"}, True),          # a year-only date
    ({"date": "2024-06-10", "end_date": "2024-08-20"}, {"date": "2024-09-15"}, True),
    ({"date": None}, {"date": "1999-01-01"}, True),            # undated: any date
    ({"date": "2024-03-01"}, {"date": "2024-06-01"}, False),
    ({"date": "2023"}, {"date": "2024-03-02"}, False),
])
def test_date_windows_keep_together_every_pair_that_could_be_one_event(first, second, together):
    assert _overlap(first, second) is together


def _without_registry_ids(event: dict) -> dict:
    """The store adds its entity registry ids to participants; the Spark merge has no store."""
    return {**event, **{side: [{k: v for k, v in entity.items() if k != "id"}
                               for entity in event[side]] for side in ("actor", "recipient")}}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The demo corpus as JSONL, plus an exact copy of one article and a record without text."""
    folder = tmp_path_factory.mktemp("corpus")
    documents = [d for d in read_inputs([str(demo_dir() / "articles")])
                 if isinstance(d, Document)]
    records = [{k: getattr(d, k) for k in FIELDS if getattr(d, k) is not None}
               for d in documents]
    copy = {**records[3], "id": "syndicated-copy", "url": "https://example.com/copy"}
    records[10:10] = [copy, {"id": "empty", "text": "  \n"}]
    path = folder / "demo.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from bilat.spark import spark_session

    session = spark_session("local[2]", "bilat-tests", **{"spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> list[dict]:
    """`bilat ingest` of the same file: the single-machine extract and merge."""
    db = tmp_path_factory.mktemp("reference") / "bilat.db"
    store = Store(f"sqlite:///{db}")
    report = store.ingest(process_paths([str(corpus)], on_problem=lambda problem: None))
    assert report.known == 1  # the copy
    return store.find_events(EventFilter())


@pytest.fixture(scope="module")
def extracted(spark, corpus, tmp_path_factory):
    from bilat.spark import spark_extract

    out = tmp_path_factory.mktemp("spark") / "out"
    return spark_extract(str(corpus), str(out), spark=spark, partitions=6), out


@pytest.mark.spark
@pytest.mark.model
def test_spark_extract_in_local_2_gives_the_single_machine_events(extracted, reference):
    from bilat.archive import read_events

    report, out = extracted
    assert (report.documents, report.skipped, report.duplicates) == (57, 1, 1)
    # one spaCy load per Python worker (two in local[2]), not one per task, batch or row
    assert report.extract_tasks == 6 and 1 <= report.model_loads <= 2
    events = read_events(out)
    assert report.events == len(events) == len(reference) > 100
    by_id = {e["id"]: e for e in events}
    assert sorted(by_id) == sorted(e["id"] for e in reference)
    merged_across_outlets = [e for e in reference if e["num_articles"] > 1]
    assert len(merged_across_outlets) >= 15
    for expected in reference:
        assert _without_registry_ids(by_id[expected["id"]]) == \
            _without_registry_ids(expected), expected["id"]


@pytest.mark.spark
@pytest.mark.model
def test_spark_output_read_back_into_a_store_equals_bilat_ingest(extracted, reference,
                                                                 tmp_path):
    runner = CliRunner()
    out, db = extracted[1], tmp_path / "bilat.db"
    loaded = runner.invoke(cli, ["ingest-archive", str(out), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.startswith("55 articles stored (1 already known")
    assert Store(f"sqlite:///{db}").find_events(EventFilter()) == reference
    again = runner.invoke(cli, ["ingest-archive", str(out), "--db", str(db)])
    assert again.output.startswith("0 articles stored (56 already known")


@pytest.mark.spark
@pytest.mark.model
def test_spark_extract_command_reads_parquet_documents(spark, corpus, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bilat.archive import read_events

    lines = corpus.read_text(encoding="utf-8").splitlines()[:6]
    schema = pa.schema([(field, pa.string()) for field in FIELDS])
    pq.write_table(pa.Table.from_pylist([json.loads(line) for line in lines], schema=schema),
                   tmp_path / "docs.parquet")
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [
        "spark-extract", "--input", str(tmp_path / "docs.parquet"), "--output",
        str(tmp_path / "out"), "--master", "local[2]", "--partitions", "2"])
    assert result.exit_code == 0, result.output
    assert "6 documents (0 without text, 0 duplicates)" in result.output
    store = Store(f"sqlite:///{tmp_path / 'bilat.db'}")
    store.ingest(process_paths([str(tmp_path / "docs.jsonl")]))
    expected = [_without_registry_ids(e) for e in store.find_events(EventFilter())]
    got = {e["id"]: _without_registry_ids(e) for e in read_events(tmp_path / "out")}
    assert expected and [got[e["id"]] for e in expected] == expected
