"""bilat: defence-diplomacy events from news articles.

>>> import bilat
>>> events = bilat.extract(text, date="2025-04-16")
>>> for result in bilat.extract_many([{"id": "a1", "text": text}]): ...

The records import at once; the pipeline (and spaCy) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .records import (
    SCHEMA_VERSION,
    Amount,
    Article,
    Document,
    Entity,
    Event,
    Location,
    Problem,
    SourceRef,
)

if TYPE_CHECKING:
    from .pipeline import Result, extract, extract_many, process_paths

__version__ = "0.1.0"

_PIPELINE = ("Result", "extract", "extract_many", "process_paths")

__all__ = [
    "SCHEMA_VERSION",
    "Amount",
    "Article",
    "Document",
    "Entity",
    "Event",
    "Location",
    "Problem",
    "Result",
    "SourceRef",
    "__version__",
    "extract",
    "extract_many",
    "process_paths",
]


def __getattr__(name: str) -> Any:
    if name in _PIPELINE:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'bilat' has no attribute {name!r}")
