"""Importing spaCy without what bilat never runs: its command line, and langcodes.

- spaCy's ``__init__`` imports ``spacy.cli.info`` (for ``spacy.info``), and with it the
  whole ``spacy.cli`` package: typer, requests, weasel, jinja2 and the rest. That was 0.3 s
  of the 1.1 s spaCy took to import, in every ``bilat`` command. That line finds a small
  stand-in, taken away again after the import: ``spacy.info`` imports the real command
  line when first called, and so does any later ``import spacy.cli``.
- ``spacy.util`` imports langcodes, whose import reads its tables of language data
  (0.09 s), to match a language code spaCy has no module for to one it has ("nb-NO" to
  "nb"). bilat asks for "en", which spaCy has, so spaCy gets a stand-in that imports
  langcodes the first time it is used.

``tests/test_annotate.py`` checks both in fresh interpreters.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_CLI_STAND_INS = ("spacy.cli", "spacy.cli.info")


def import_spacy() -> types.ModuleType:
    """spaCy, imported now without ``spacy.cli`` and langcodes if nothing has imported it
    yet."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    package = types.ModuleType("spacy.cli")
    package.__path__ = []
    module = types.ModuleType("spacy.cli.info")
    module.info = info  # type: ignore[attr-defined]
    stand_ins: dict[str, types.ModuleType] = dict(
        zip(_CLI_STAND_INS, (package, module), strict=True))
    if "langcodes" not in sys.modules:
        stand_ins["langcodes"] = ImportedAtFirstUse("langcodes")
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
    return spacy


def info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: spaCy's own, imported with its command line at the first call."""
    from spacy.cli.info import info as spacy_info

    return spacy_info(*args, **kwargs)


class ImportedAtFirstUse(types.ModuleType):
    """Stands in for a module, which it imports when one of its attributes is asked for."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)
