"""Files and directories to Documents, one file at a time."""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import problem
from ..records import Document, Problem
from .decode import SNIFF_BYTES, decode, looks_binary
from .html import html_document
from .records import json_documents, jsonl_documents

FORMATS = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html",
           ".jsonl": "jsonl", ".json": "json"}


def walk(root: Path) -> Iterator[tuple[Path, str] | Problem]:
    """Supported files under ``root`` with their paths relative to it, in sorted order.

    Hidden files and directories are skipped, and so are symlinked directories (they can
    loop); other file types are skipped silently.
    """
    yield from _walk(root, "")


def _walk(directory: Path, prefix: str) -> Iterator[tuple[Path, str] | Problem]:
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as err:
        yield problem("B102", err.strerror or str(err), str(directory))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        relative = f"{prefix}{entry.name}"
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(Path(entry.path), relative + "/")
        elif Path(entry.name).suffix.lower() in FORMATS:
            yield Path(entry.path), relative


def read_file(path: Path, doc_id: str, explicit: bool) -> Iterator[Document | Problem]:
    """The Documents of one file; an unsupported type is a Problem only if named explicitly."""
    kind = FORMATS.get(path.suffix.lower())
    where = str(path)
    if kind is None:
        if explicit:
            yield problem("B107", path.suffix or "no extension", where)
        return
    if kind == "jsonl":
        yield from _read_jsonl(path, doc_id)
        return
    text = _read_text(path)
    if isinstance(text, Problem):
        yield text
    elif kind == "json":
        yield from json_documents(text, doc_id, where)
    elif kind == "html":
        yield html_document(text, doc_id, where)
    else:
        yield Document(id=doc_id, text=text, format="text", path=where)


def _read_text(path: Path) -> str | Problem:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return problem("B101", "", str(path))
    except OSError as err:
        return problem("B102", err.strerror or str(err), str(path))
    if looks_binary(data[:SNIFF_BYTES]):
        return problem("B103", "", str(path))
    text = decode(data)
    if text is None:
        return problem("B104", "", str(path))
    return text


def _read_jsonl(path: Path, doc_id: str) -> Iterator[Document | Problem]:
    # Read line by line: JSONL files can be large, and a bad line spoils only itself.
    where = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            if looks_binary(head):
                yield problem("B103", "", where)
                return
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                text = decode(head + handle.read())
                if text is None:
                    yield problem("B104", "", where)
                    return
                lines: Iterable[tuple[int, str | None]] = enumerate(text.splitlines(), 1)
            else:
                handle.seek(0)
                lines = ((n, decode(raw)) for n, raw in enumerate(handle, 1))
            yield from jsonl_documents(lines, doc_id, where)
    except FileNotFoundError:
        yield problem("B101", "", where)
    except OSError as err:
        yield problem("B102", err.strerror or str(err), where)
