"""Store: bilat's one database gateway (SQLite by default, PostgreSQL by URL).

All reads and writes go through ``Store``. Articles are written a batch to a transaction
(``writes.Writer``), each with its events folded into the events already stored
(``merge.same_real_event``), so an ingest stopped half-way leaves a consistent store and
running it again completes it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .feeds import FeedLedger  # also puts the watcher's tables on the shared metadata
from .gateway import EventFilter, IngestReport, Store

__all__ = ["EventFilter", "FeedLedger", "IngestReport", "Store", "database_url"]


def database_url(db: str | None = None) -> str:
    """The database to use: ``db`` (a path or URL), else $BILAT_DB, else the user's data dir."""
    value = db or os.environ.get("BILAT_DB")
    if value and "://" in value:
        return value
    if value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    folder = base / "bilat"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'bilat.db'}"
