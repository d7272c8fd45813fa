"""Ingest: files, directories and stdin -> ``Document`` records.

``read_inputs`` streams: each file is read only when its turn comes. A bad input gives a
``Problem`` (see ``bilat.errors``) in the stream and reading goes on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ..errors import problem
from ..records import Document, Problem
from .files import read_file, walk
from .stream import read_stream

__all__ = ["read_inputs"]


def read_inputs(paths: Sequence[str],
                stdin: TextIO | None = None) -> Iterator[Document | Problem]:
    """Documents from files, directories (recursively, sorted) and "-" for stdin.

    A file named directly keeps the path as given for its id; a file found in a directory
    gets its path relative to that directory. JSON records use their own ``id``.
    """
    for given in paths:
        if given == "-":
            yield from read_stream(stdin if stdin is not None else sys.stdin)
        else:
            yield from _read_path(given)


def _read_path(given: str) -> Iterator[Document | Problem]:
    path = Path(given)
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as err:
        yield problem("B102", err.strerror or str(err), given)
        return
    if not exists:
        yield problem("B101", "", given)
    elif is_dir:
        for found in walk(path):
            if isinstance(found, Problem):
                yield found
            else:
                yield from read_file(found[0], found[1], explicit=False)
    else:
        yield from read_file(path, given, explicit=True)
