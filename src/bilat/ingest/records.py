"""JSON records ``{id, text, title?, date?, url?, outlet?}`` to Documents."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import problem
from ..records import Document, Problem

_OPTIONAL = ("title", "date", "url", "outlet")


def record_document(obj: Any, fallback_id: str, path: str | None,
                    line: int | None = None) -> Document | Problem:
    """One Document from a decoded JSON value, or a B106 Problem."""
    if not isinstance(obj, dict):
        return problem("B106", f"expected an object, got {type(obj).__name__}", path, line)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return problem("B106", "", path, line)
    raw_id = obj.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or not str(raw_id).strip():
        doc_id = fallback_id
    else:
        doc_id = str(raw_id).strip()
    extra = {key: _optional_str(obj.get(key)) for key in _OPTIONAL}
    return Document(id=doc_id, text=text, format="json", path=path, **extra)


def _optional_str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def jsonl_documents(lines: Iterable[tuple[int, str | None]], id_base: str,
                    path: str | None) -> Iterator[Document | Problem]:
    """Documents from numbered JSONL lines; a bad line gives a Problem and the rest go on.

    A line that could not be decoded comes as None.
    """
    for number, line in lines:
        if line is None:
            yield problem("B104", "", path, number)
            continue
        line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield problem("B105", err.msg, path, number)
            continue
        yield record_document(obj, f"{id_base}#{number}", path, number)


def json_documents(text: str, id_base: str, path: str | None) -> Iterator[Document | Problem]:
    """Documents from a whole JSON text: one object, or a list of them."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        yield problem("B105", err.msg, path, err.lineno)
        return
    if isinstance(value, list):
        for index, item in enumerate(value, 1):
            yield record_document(item, f"{id_base}#{index}", path)
    else:
        yield record_document(value, id_base, path)
