"""Standard input to Documents, its format sniffed from the first non-blank character."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import TextIO

from ..errors import problem
from ..records import Document, Problem
from .html import html_document
from .records import json_documents, jsonl_documents

STDIN_ID = "-"


def read_stream(stream: TextIO) -> Iterator[Document | Problem]:
    """``{`` starts JSONL, ``[`` a JSON list, ``<`` HTML; anything else is plain text."""
    try:
        head: list[str] = []
        for line in stream:
            head.append(line)
            if line.strip():
                break
        first = "".join(head).lstrip("\ufeff \t\r\n")
        if not first:
            return
        if first[0] == "{":
            lines = enumerate(chain(head, stream), 1)
            yield from jsonl_documents(lines, STDIN_ID, STDIN_ID)
            return
        text = "".join(head) + stream.read()
    except UnicodeDecodeError:
        yield problem("B104", "", STDIN_ID)
        return
    except OSError as err:
        yield problem("B102", err.strerror or str(err), STDIN_ID)
        return
    text = text.lstrip("\ufeff")
    if first[0] == "[":
        yield from json_documents(text, STDIN_ID, STDIN_ID)
    elif first[0] == "<":
        yield html_document(text, STDIN_ID, STDIN_ID)
    else:
        yield Document(id=STDIN_ID, text=text, format="text", path=STDIN_ID)
