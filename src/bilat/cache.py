"""What bilat builds from its data files at every start, kept on disk between runs.

Every command that extracts first builds the same two things: the knowledge base (its
files read, validated and indexed: 0.13 s) and the prefilter's tables (0.09 s, from the
knowledge base, the codebook, the titles and the model's lemma tables). ``cached`` pickles
what it builds into the user's cache folder, under a key of everything it was built from:
the source and data files of the installed bilat, Python's version, and what the caller
adds (the model's name and version). The next start loads it: 0.03 s for both.

An entry that is missing, unreadable or from other inputs is built again, and replaces
the older entries of its name; a folder that cannot be written costs only the time.
``BILAT_CACHE_DIR`` names the folder (by default ``$XDG_CACHE_HOME/bilat``, or
``~/.cache/bilat``); set it to an empty string to build everything every time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parent


def cached(name: str, build: Callable[[], T], *inputs: str) -> T:
    """``build()``, or what it gave before for the same bilat files, Python and ``inputs``."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{_key(name, inputs)}.pickle"
    try:
        with path.open("rb") as file:
            return pickle.load(file)  # the user's own cache, written by _store below
    except Exception:  # missing, truncated, or unpickling fails: it is built again
        pass
    value = build()
    _store(name, path, value)
    return value


def cache_dir() -> Path | None:
    """The folder entries go in; None when ``BILAT_CACHE_DIR`` is set empty, or when there
    is no setting and no home folder to put it in (a service account, a bare container)."""
    setting = os.environ.get("BILAT_CACHE_DIR")
    if setting is not None:
        return Path(setting).expanduser() if setting else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "bilat"


def _key(name: str, inputs: tuple[str, ...]) -> str:
    digest = hashlib.sha256(_package_digest())
    for part in (sys.version, name, *inputs):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()[:32]


@functools.lru_cache(maxsize=1)
def _package_digest() -> bytes:
    """A digest of bilat's Python files and of its data files (not the demo corpus)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")) + sorted(p for p in (PACKAGE / "data").iterdir()
                                                         if p.is_file()):
        if "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.digest()


def _store(name: str, path: Path, value: object) -> None:
    """Write an entry atomically and drop the older ones of its name; never fail."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", delete=False) as file:
            temporary = Path(file.name)
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        temporary = None
        for older in path.parent.glob(f"{name}-*.pickle"):
            if older != path:
                older.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
