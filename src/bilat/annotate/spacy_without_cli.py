"""Importing spaCy without its command line, which bilat never runs.

spaCy's ``__init__`` imports ``spacy.cli.info`` (for ``spacy.info``), and with it the whole
``spacy.cli`` package: typer, requests, weasel, jinja2 and the rest. That was 0.3 s
of the 1.1 s spaCy took to import, in every ``bilat`` command. ``import_spacy`` has that
line find a small stand-in, then takes the stand-in away again: ``spacy.info`` imports
the real command line when first called, and so does any later ``import spacy.cli``
(``tests/test_annotate.py``).
"""

from __future__ import annotations

import sys
import types
from typing import Any

_STAND_INS = ("spacy.cli", "spacy.cli.info")


def import_spacy() -> types.ModuleType:
    """spaCy, imported now without ``spacy.cli`` if nothing has imported it yet."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    package = types.ModuleType("spacy.cli")
    package.__path__ = []
    module = types.ModuleType("spacy.cli.info")
    module.info = info  # type: ignore[attr-defined]
    sys.modules.update(zip(_STAND_INS, (package, module), strict=True))
    try:
        import spacy
    finally:
        for name in _STAND_INS:
            if sys.modules.get(name) in (package, module):
                del sys.modules[name]
    return spacy


def info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: spaCy's own, imported with its command line at the first call."""
    from spacy.cli.info import info as spacy_info

    return spacy_info(*args, **kwargs)
