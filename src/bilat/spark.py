"""Spark: extract and merge events over an archive, on a cluster or in local mode.

``spark_extract`` runs two stages and writes the layout of ``bilat.archive``:

1. extract (``mapInPandas``): documents -> each article's events, through the pipeline's
   ``extract_many``. The spaCy model is loaded once per executor Python process, not per row
   or batch: ``_pipeline_loaded`` keeps it in a module global (Spark reuses its Python workers)
   and counts the loads in an accumulator, so the run can show it;
2. merge (``groupBy(type, countries, window).applyInPandas``): the reports of one dyad and
   type, in one date window, are folded into events exactly as the store folds them
   (``merge.same_real_event``, ``match_score``, ``combine``), in input order.

Date windows: each report reaches from a month before its date to a month after its end
(the whole year for a year-only date; everything when undated), further than any two reports
``same_real_event`` accepts. Windows are the connected runs of overlapping reaches within a
dyad and type, so no two reports that could be one event fall in different windows, and the
merged events are the same as the store's.

Articles the store would skip (the same URL or text as an earlier one) are dropped before the
merge. The store also links syndicated near-copies and counts them as one article in
``num_articles``; the merge here counts them separately. Reading the output into a store
(``bilat ingest-archive``) does that linking.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date as date_type
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from .archive import ARTICLES, EVENTS, ORDER, article_row, article_schema
from .errors import BilatError
from .export import parquet_row, parquet_schema
from .merge import candidate_window, combine, match_score, same_real_event

UNDATED = ("0000-00-00", "9999-99-99")
DOCUMENT_FIELDS = ("id", "text", "title", "date", "url", "outlet")

# This executor process's spaCy pipeline, loaded by the first batch it extracts.
_PIPELINE: Any = None


@dataclass
class SparkReport:
    documents: int = 0
    skipped: int = 0  # records without text
    duplicates: int = 0  # the same URL or text as an earlier document
    reports: int = 0  # article-level events
    events: int = 0  # after merging across sources
    model_loads: int = 0
    extract_tasks: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.documents} documents ({self.skipped} without text, {self.duplicates} "
                f"duplicates), {self.reports} article events merged into {self.events} events; "
                f"spaCy loaded {self.model_loads} times for {self.extract_tasks} extract tasks; "
                f"{self.seconds:.1f} s")


def spark_session(master: str | None = None, app_name: str = "bilat", **conf: str) -> Any:
    """A Spark session whose Python workers run this interpreter (and so see bilat).

    Without ``master``: the one spark-submit gives, else ``local[*]``.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise BilatError("B701", f"pyspark is not installed ({error})") from error
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started this process
    if master is None and not submitted:
        master = "local[*]"
    if not submitted:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    settings = {"spark.ui.showConsoleProgress": "false", **conf}
    if master is not None and master.startswith("local"):
        # stay on the loopback interface; no UI to serve
        settings = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
                    "spark.ui.enabled": "false", **settings}
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as error:  # no Java, or a JVM that would not start
        raise BilatError("B701", str(error).splitlines()[0]) from error


# --- stage 1: extract ------------------------------------------------------------------------

def _pipeline_loaded(loads: Any) -> None:
    """Load spaCy once in this Python process; the pipeline's own cache then serves it."""
    global _PIPELINE
    if _PIPELINE is None:
        from .annotate import load_nlp

        _PIPELINE = load_nlp()
        loads.add(1)


def _extract_batches(loads: Any, tasks: Any, batches: Iterator[Any]) -> Iterator[Any]:
    import pandas as pd

    from .ingest.records import record_document
    from .pipeline import extract_many
    from .records import Document

    tasks.add(1)
    _pipeline_loaded(loads)
    columns = [field.name for field in article_schema()]
    for batch in batches:
        places, documents = [], []
        for row in batch.to_dict("records"):
            # bilat's JSON reader, so fields are cleaned as `bilat extract` cleans them
            document = record_document({k: row[k] for k in DOCUMENT_FIELDS}, row["id"],
                                       row["source_file"])
            if isinstance(document, Document):
                places.append((str(row["source_file"]), int(row["source_offset"]),
                               int(row["source_row"])))
                documents.append(document)
        rows = [article_row(result, place)
                for result, place in zip(extract_many(documents), places, strict=True)]
        yield pd.DataFrame(rows, columns=columns)


# --- stage 2: merge across sources --------------------------------------------------------------

def _month_start(year: int, month: int, shift: int) -> date_type:
    index = year * 12 + (month - 1) + shift
    return date_type(index // 12, index % 12 + 1, 1)


def _parse(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO date at any precision; None if it is not one."""
    try:
        if len(value) == 4:
            return int(value), None, None
        if len(value) == 7:
            _month_start(int(value[:4]), int(value[5:7]), 0)
            return int(value[:4]), int(value[5:7]), None
        day = date_type.fromisoformat(value)
        return day.year, day.month, day.day
    except ValueError:
        return None


def date_reach(record: dict[str, Any]) -> tuple[str, str]:
    """The dates a report can share an event with: its own months, one more on each side."""
    start = _parse(record.get("date") or "")
    if start is None:
        return UNDATED
    bounds = [start] + [end for end in [_parse(record.get("end_date") or "")] if end]
    lows, highs = [], []
    for year, month, _day in bounds:
        if month is None:
            lows.append(date_type(year, 1, 1))
            highs.append(date_type(year, 12, 31))
        else:
            lows.append(_month_start(year, month, -1))
            highs.append(_month_start(year, month, 2) - timedelta(days=1))
    return lows[0].isoformat(), max(highs).isoformat()


def _explode_reports(batches: Iterator[Any]) -> Iterator[Any]:
    """Each kept article's events as one row each, with their dyad, type and date reach."""
    import pandas as pd

    for batch in batches:
        rows = []
        for article in batch.to_dict("records"):
            for index, record in enumerate(json.loads(article["events"])):
                low, high = date_reach(record)
                report = {**record, "document": record["sources"][0]["document"],
                          "article_published": article["date"]}
                rows.append({"type": record["type"], "countries": ",".join(record["countries"]),
                             "low": low, "high": high,
                             **{c: article[c] for c in ORDER}, "position": index,
                             # its place in the input: ids need not be unique
                             "article": "|".join(str(article[c]) for c in ORDER),
                             "published": article["date"],
                             "report": json.dumps(report, ensure_ascii=False)})
        yield pd.DataFrame(rows, columns=["type", "countries", "low", "high", *ORDER,
                                          "position", "article", "published", "report"])


def fold_reports(reports: list[tuple[str, str | None, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Fold (article, published, report) triples, in input order, into events as the store
    does: each report joins the best-matching event its article has not joined yet, or starts
    one."""
    events: dict[str, list[tuple[str, str | None, dict[str, Any]]]] = {}
    merged: dict[str, dict[str, Any]] = {}
    joined: dict[str, set[str]] = {}  # article -> the events it reports
    for article, published, report in reports:
        window = candidate_window(report.get("date"))
        taken = joined.setdefault(article, set())
        candidates = [event_id for event_id in sorted(events)
                      if event_id not in taken and _in_window(merged[event_id], window)
                      and same_real_event(merged[event_id], report)]
        match = max(candidates, key=lambda e: match_score(merged[e], report), default=None)
        event_id = match or report["id"]
        events.setdefault(event_id, []).append((article, published, report))
        taken.add(event_id)
        merged[event_id] = _merged(event_id, events[event_id])
    return list(merged.values())


def _in_window(record: dict[str, Any], window: tuple[str, str, str] | None) -> bool:
    """The store's first, indexed test: a stored date near the report's, or none."""
    if window is None or record.get("date") is None:
        return True
    low, high, year = window
    return record["date"] == year or low <= record["date"] <= high


def _merged(event_id: str, members: list[tuple[str, str | None, dict[str, Any]]]
            ) -> dict[str, Any]:
    record = combine([report for _, _, report in members])
    published = [p for _, p, _ in members if p]
    record["id"] = event_id
    record.update(num_sources=len({(s["document"], s["start"]) for s in record["sources"]}),
                  num_articles=len({article for article, _, _ in members}),
                  first_reported=min(published) if published else None)
    return record


def _fold_window(reports: Any) -> Any:
    import pandas as pd

    ordered = reports.sort_values([*ORDER, "position"])
    triples = [(row.article, row.published, json.loads(row.report))
               for row in ordered.itertuples()]
    rows = [parquet_row(event) for event in fold_reports(triples)]
    return pd.DataFrame(rows, columns=[field.name for field in parquet_schema()])


# --- the job -----------------------------------------------------------------------------------

def input_format(source: str) -> str:
    """"parquet" for a .parquet file or a folder of them, else "jsonl"."""
    path = Path(source)
    parquet = source.endswith(".parquet") or (path.is_dir() and any(path.glob("*.parquet")))
    return "parquet" if parquet else "jsonl"


def _documents(spark: Any, source: str, fmt: str, partitions: int) -> Any:
    from pyspark.sql import functions as F

    fields = ", ".join(f"{name} string" for name in DOCUMENT_FIELDS)
    reader = spark.read.schema(fields)
    frame = reader.parquet(source) if fmt == "parquet" else reader.json(source)
    text_given = F.coalesce(F.col("text").rlike(r"\S"), F.lit(False))
    # the same fallbacks as bilat's JSON reader, then the URL or the text's hash
    doc_id = F.coalesce(F.nullif(F.trim(F.col("id")), F.lit("")), F.col("url"),
                        F.concat(F.lit("doc-"), F.substring(F.sha1(F.col("text")), 1, 16)))
    return frame.select(
        doc_id.alias("id"), "text", "title", "date", "url", "outlet",
        F.col("_metadata.file_path").alias("source_file"),
        F.col("_metadata.file_block_start").alias("source_offset"),
        F.monotonically_increasing_id().alias("source_row"),
        text_given.alias("has_text"),
    ).repartition(partitions)


def _kept(rows: list[Any]) -> list[tuple[str, int, int]]:
    """The articles the store would store: not the URL or text of an earlier one."""
    urls: set[str] = set()
    texts: set[str] = set()
    kept = []
    for row in sorted(rows, key=lambda r: tuple(r[c] for c in ORDER)):
        if (row["url"] and row["url"] in urls) or row["content_hash"] in texts:
            continue
        if row["url"]:
            urls.add(row["url"])
        texts.add(row["content_hash"])
        kept.append(tuple(row[c] for c in ORDER))
    return kept


def spark_extract(source: str, output: str, *, spark: Any = None, master: str | None = None,
                  partitions: int | None = None, fmt: str | None = None) -> SparkReport:
    """Extract and merge the documents at ``source`` (JSONL or Parquet: a file or a folder)
    into ``output``/articles and ``output``/events (Parquet)."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    started = time.perf_counter()
    spark = spark or spark_session(master)
    context = spark.sparkContext
    partitions = partitions or context.defaultParallelism * 4
    report = SparkReport()
    loads, tasks = context.accumulator(0), context.accumulator(0)

    documents = _documents(spark, source, fmt or input_format(source), partitions)
    counts = documents.groupBy("has_text").count().collect()
    report.documents = sum(row["count"] for row in counts)
    report.skipped = sum(row["count"] for row in counts if not row["has_text"])
    articles_path, events_path = f"{output}/{ARTICLES}", f"{output}/{EVENTS}"
    extracted = (documents.where("has_text").drop("has_text")
                 .mapInPandas(partial(_extract_batches, loads, tasks),
                              from_arrow_schema(article_schema()))
                 # sorting samples its input first: keep it, or the model would run twice
                 .persist(StorageLevel.MEMORY_AND_DISK))
    # sorted part files, so the articles read back in input order
    extracted.orderBy(*ORDER).write.mode("overwrite").parquet(articles_path)
    extracted.unpersist()
    report.model_loads, report.extract_tasks = loads.value, tasks.value

    articles = spark.read.parquet(articles_path)
    keys = articles.select(*ORDER, "url", "content_hash", "event_count").collect()
    kept = _kept(keys)
    kept_set = set(kept)
    report.duplicates = report.documents - report.skipped - len(kept)
    report.reports = sum(row["event_count"] for row in keys
                         if tuple(row[c] for c in ORDER) in kept_set)
    kept_frame = spark.createDataFrame(kept, schema=", ".join(
        f"{c} {'string' if c == 'source_file' else 'long'}" for c in ORDER))
    reports = (articles.join(F.broadcast(kept_frame), list(ORDER))
               .select(*ORDER, "date", "events")
               .mapInPandas(_explode_reports, "type string, countries string, low string, "
                            "high string, source_file string, source_offset long, "
                            "source_row long, position int, article string, "
                            "published string, report string"))
    by_dyad = Window.partitionBy("type", "countries").orderBy("low", *ORDER, "position")
    reach_so_far = F.max("high").over(by_dyad.rowsBetween(Window.unboundedPreceding, -1))
    opens_window = F.when(reach_so_far.isNull() | (F.col("low") > reach_so_far), 1).otherwise(0)
    windowed = reports.withColumn("window", F.sum(opens_window).over(
        by_dyad.rowsBetween(Window.unboundedPreceding, Window.currentRow)))
    (windowed.groupBy("type", "countries", "window")
     .applyInPandas(_fold_window, from_arrow_schema(parquet_schema()))
     .write.mode("overwrite").parquet(events_path))
    report.events = spark.read.parquet(events_path).count()
    report.seconds = time.perf_counter() - started
    return report
