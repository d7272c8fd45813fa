"""``bilat doctor``: is the install whole, and what to do if it is not."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def run_checks() -> Iterator[Check]:
    yield Check("python", sys.version_info >= (3, 10), sys.version.split()[0],
                "use Python 3.10 or newer")
    for package, wanted, why in (
            ("spacy", "3.8.7", " (later 3.8 wheels annotate alike, 1.7 times slower)"),
            ("trafilatura", None, ""), ("dateparser", None, ""), ("pycountry", None, "")):
        version = _version(package)
        ok = version is not None and (wanted is None or version == wanted)
        yield Check(package, ok, version or "not installed",
                    f"pip install '{package}{'==' + wanted if wanted else ''}'{why}")
    from .annotate.components import MODEL_PACKAGES

    installed = [p for p in MODEL_PACKAGES if _version(p.replace("_", "-")) or _version(p)]
    if not installed:
        yield Check("English pipeline", False, "no en_core_web_sm package installed",
                    "pip install --no-deps -r requirements/model.txt")
        return
    try:
        from .annotate import load_nlp

        nlp = load_nlp()
        yield Check("English pipeline", True,
                    f"{installed[0]} {nlp.meta.get('version')} ({', '.join(nlp.pipe_names)})")
    except Exception as error:  # any failure to load is what doctor reports
        yield Check("English pipeline", False, f"{installed[0]} failed to load: {error}",
                    "reinstall it: pip install --force-reinstall --no-deps -r "
                    "requirements/model.txt")
        return
    try:
        from .codebook import load_codebook
        from .knowledge import load_knowledge

        kb = load_knowledge()
        codebook = load_codebook()
        yield Check("data files", True,
                    f"knowledge {kb.version}: {len(kb.countries)} countries, "
                    f"{len(kb.officeholders)} officeholders, {len(kb.organisations)} "
                    f"organisations, {len(kb.platforms)} platforms, {len(kb.dialogues)} "
                    f"dialogues; codebook {codebook.version} ({len(codebook.triggers)} "
                    "triggers)")
    except Exception as error:  # a broken data file is reported, not raised
        yield Check("data files", False, str(error),
                    "reinstall bilat, or fix the file and line the message names")
    from . import extract

    events = extract("Defence Minister Rajnath Singh met US Defense Secretary Lloyd Austin "
                     "in New Delhi on Monday.", date="2023-06-07")
    yield Check("extraction", bool(events), f"{len(events)} event(s) from a test sentence",
                "run 'bilat eval' and report the output")
