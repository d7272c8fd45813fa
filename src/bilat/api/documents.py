"""What the server is given to ingest -> ``Document`` records, or ``Problem``s that reject it.

Posted documents, uploaded files and fetched URLs go through the same readers as
``bilat ingest`` (``bilat.ingest``): the CLI's file types, HTML extraction and coded problems.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import httpx

from ..errors import problem
from ..ingest import read_inputs
from ..ingest.files import FORMATS
from ..ingest.html import html_document
from ..records import Document, Problem
from .models import DocumentIn

MAX_FETCH_BYTES = 5 * 2**20
FETCH_TIMEOUT = 20.0


def posted_documents(given: Sequence[DocumentIn]) -> list[Document | Problem]:
    return [_posted(item) for item in given]


def _posted(item: DocumentIn) -> Document | Problem:
    body = item.text or item.html or ""
    doc_id = item.id or item.url or "posted-" + hashlib.sha256(body.encode()).hexdigest()[:12]
    known = {key: value for key in ("title", "date", "url", "outlet")
             if (value := getattr(item, key))}
    if item.html is not None:
        page = html_document(item.html, doc_id, doc_id)
        return replace(page, **known) if isinstance(page, Document) else page
    return Document(id=doc_id, text=body, format="text", **known)


def uploaded_documents(files: Iterable[tuple[str, bytes]]) -> list[Document | Problem]:
    """Uploaded files, read as ``bilat ingest`` reads a folder: each named by its file name."""
    found: list[Document | Problem] = []
    with tempfile.TemporaryDirectory(prefix="bilat-upload-") as folder:
        taken: set[str] = set()
        for given, data in files:
            name = _safe_name(given, taken)
            if Path(name).suffix.lower() not in FORMATS:
                found.append(problem("B107", Path(name).suffix or "no extension", given))
                continue
            taken.add(name)
            (Path(folder) / name).write_bytes(data)
        if taken:
            found.extend(read_inputs([folder]))
    return [replace(item, path=item.path.replace(folder, "").lstrip("/\\") if item.path
                    else None) for item in found]


def _safe_name(given: str, taken: set[str]) -> str:
    """The file's own name, never a path, never hidden, unique within the upload."""
    name = Path(given.replace("\\", "/")).name.lstrip(".") or "upload.txt"
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 1
    while name in taken:
        number += 1
        name = f"{stem}-{number}{suffix}"
    return name


def fetched_document(client: httpx.Client, url: str) -> Document | Problem:
    """One page fetched: HTML through the HTML reader, plain text as it is."""
    try:
        with client.stream("GET", url, follow_redirects=True, timeout=FETCH_TIMEOUT) as answer:
            answer.raise_for_status()
            data = b""
            for chunk in answer.iter_bytes():
                data += chunk
                if len(data) > MAX_FETCH_BYTES:
                    return problem("B505", f"larger than {MAX_FETCH_BYTES // 2**20} MB", url)
            kind = answer.headers.get("content-type", "").split(";")[0].strip().lower()
            text = data.decode(answer.encoding or "utf-8", errors="replace")
    except httpx.HTTPError as error:
        return problem("B505", str(error) or type(error).__name__, url)
    if kind in ("text/html", "application/xhtml+xml"):
        page = html_document(text, url, url)
        return replace(page, url=page.url or url) if isinstance(page, Document) else page
    if kind == "text/plain":
        return Document(id=url, text=text, format="text", url=url, path=url)
    return problem("B107", f"content type {kind or 'unknown'}", url)
