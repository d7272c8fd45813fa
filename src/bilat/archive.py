"""The archive layout ``bilat spark-extract`` writes, and the way back into the store.

An output folder holds two Parquet datasets:

- ``articles/``: one row per input document: the cleaned article, its place in the input
  (``source_file``, ``source_offset``, ``source_row``) and its events as the store records
  them (JSON in ``events``);
- ``events/``: the events merged across sources, in the layout of ``bilat export --format
  parquet`` (``export.parquet_schema``), the full record as JSON in ``record``.

``ingest_archive`` replays ``articles/`` into a store in input order, through the store's own
ingest: the store then holds exactly what ``bilat ingest`` of the same input would give, and
later ingests merge with it. Only pyarrow is needed here, not Spark.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import BilatError
from .records import Amount, Article, Entity, Event, Location, Result, SourceRef

ARTICLES, EVENTS = "articles", "events"
ORDER = ("source_file", "source_offset", "source_row")


def article_schema() -> Any:
    """The ``articles/`` dataset's schema (a ``pyarrow.Schema``)."""
    import pyarrow as pa

    text = pa.string()
    return pa.schema([
        ("source_file", text), ("source_offset", pa.int64()), ("source_row", pa.int64()),
        ("id", text), ("url", text), ("title", text), ("outlet", text), ("date", text),
        ("dateline", text), ("text", text), ("content_hash", text),
        ("event_count", pa.int32()), ("events", text),
    ])


def content_hash(text: str) -> str:
    """The store's test for 'the same text': whitespace and case do not count."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().lower().encode()).hexdigest()


def stored_record(event: Event) -> dict[str, Any]:
    """The event as the store keeps each article's report of it (forum and 'separate' too)."""
    return {**event.to_dict(), "forum": event.extra.get("forum"),
            "distinct": bool(event.extra.get("distinct"))}


def article_row(result: Result, place: tuple[str, int, int]) -> dict[str, Any]:
    article = result.article
    return {
        "source_file": place[0], "source_offset": place[1], "source_row": place[2],
        "id": article.id, "url": article.url, "title": article.title,
        "outlet": article.outlet, "date": article.date, "dateline": article.dateline,
        "text": article.text, "content_hash": content_hash(article.text),
        "event_count": len(result.events),
        "events": json.dumps([stored_record(e) for e in result.events], ensure_ascii=False),
    }


def event_from_record(record: dict[str, Any]) -> Event:
    """The inverse of ``stored_record``."""
    def entities(side: str) -> tuple[Entity, ...]:
        return tuple(Entity(**entity) for entity in record.get(side) or [])

    location, amount = record.get("location"), record.get("amount")
    return Event(
        type=record["type"], event=record["event"], mode=record.get("mode"),
        context=record["context"], cameo=record["cameo"], status=record.get("status"),
        date=record.get("date"), end_date=record.get("end_date"),
        actor=entities("actor"), recipient=entities("recipient"),
        countries=tuple(record["countries"]),
        location=Location(**location) if location else None,
        amount=Amount(**amount) if amount else None,
        quantity=record.get("quantity"), platform=record.get("platform"),
        agreement=record.get("agreement"),
        sources=tuple(SourceRef(**source) for source in record["sources"]),
        confidence=record["confidence"], buyer=record.get("buyer"),
        seller=record.get("seller"), id=record["id"],
        schema_version=record.get("schema_version", "1.0"),
        extra={"forum": record.get("forum"), "distinct": bool(record.get("distinct"))})


def result_from_row(row: dict[str, Any]) -> Result:
    article = Article(id=row["id"], text=row["text"], title=row.get("title"),
                      date=row.get("date"), url=row.get("url"), outlet=row.get("outlet"),
                      dateline=row.get("dateline"))
    return Result(article=article,
                  events=[event_from_record(r) for r in json.loads(row["events"])])


def _files(folder: str | Path, name: str) -> list[Path]:
    path = Path(folder) / name
    files = sorted(path.glob("*.parquet")) if path.is_dir() else []
    if not files:
        raise BilatError("B702", f"{folder}: no Parquet files in {name}/")
    return files


def read_results(folder: str | Path) -> Iterator[Result]:
    """Every article of a spark-extract output with its events, in input order.

    spark-extract writes ``articles/`` sorted, so its part files read in name order are in
    input order; a file that breaks the order is refused rather than replayed out of order.
    """
    import pyarrow.parquet as pq

    last: tuple[str, int, int] | None = None
    for path in _files(folder, ARTICLES):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                key = (row["source_file"], row["source_offset"], row["source_row"])
                if last is not None and key < last:
                    raise BilatError("B702", f"{path}: articles out of input order")
                last = key
                yield result_from_row(row)


def read_events(folder: str | Path) -> list[dict[str, Any]]:
    """The merged events of a spark-extract output, as event records (dicts)."""
    import pyarrow.parquet as pq

    return [json.loads(record) for path in _files(folder, EVENTS)
            for record in pq.read_table(path, columns=["record"]).column("record").to_pylist()]
