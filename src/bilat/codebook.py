"""The codebook: bilat's event types, their PLOVER/CAMEO mappings and trigger patterns.

The content lives in ``data/codebook.yaml``; this module loads and validates it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .datafiles import parse_yaml
from .errors import BilatError

EVENT_TYPES = ("MEETING", "CALL", "VISIT", "AGREEMENT", "DEAL", "EXERCISE", "AID")
# A deal's stages, earliest first: where reports differ, the furthest stage stands.
STATUS_ORDER = ("planned", "announced", "negotiating", "approved", "signed", "delivered")

GENERIC_AGREEMENT_WORDS = {"memorandum", "of", "understanding", "mou", "agreement", "pact",
                           "defense", "defence", "deal", "accord", "treaty", "arrangement",
                           "letter", "intent", "inter-governmental", "intergovernmental",
                           "government-to-government", "landmark", "the", "a", "an",
                           "bilateral", "new", "security", "cooperation", "framework",
                           "agreements", "pacts", "key", "historic", "military"}


def is_generic_agreement(name: str | None) -> bool:
    """'the defence pact', 'an MoU': a kind of agreement, not its name."""
    return name is None or set(name.lower().split()) <= GENERIC_AGREEMENT_WORDS


@dataclass(frozen=True)
class TypeSpec:
    name: str
    event: str  # PLOVER event category
    context: str  # default context
    cameo: dict[str, str]  # mode or status or context -> CAMEO code
    default_mode: str | None


@dataclass(frozen=True)
class Trigger:
    id: str
    type: str
    pattern: list[dict[str, Any]] | None  # None: proposed by the gazetteer, not a pattern
    mode: str | None = None
    status: str | None = None
    require_entity: str | None = None
    require_aid_cue: bool = False
    call_on: bool = False
    max_gap: int | None = None
    from_gazetteer: bool = False
    mode_only: bool = False
    require_money: bool = False  # sets the mode of a meeting found by other triggers


@dataclass(frozen=True)
class Codebook:
    version: str
    types: dict[str, TypeSpec]
    triggers: tuple[Trigger, ...]
    trigger_by_id: dict[str, Trigger]
    contexts: dict[str, tuple[str, ...]]
    hedges: frozenset[str]
    planned: frozenset[str]
    negations: frozenset[str]
    refusals: frozenset[str]
    restrictions: frozenset[str]


@functools.lru_cache(maxsize=1)
def load_codebook() -> Codebook:
    path = resources.files("bilat") / "data" / "codebook.yaml"
    raw = parse_yaml(path.read_text(encoding="utf-8"))
    types = {}
    for name, spec in raw["types"].items():
        if name not in EVENT_TYPES:
            raise BilatError("B202", f"codebook.yaml: unknown event type {name!r}")
        types[name] = TypeSpec(name=name, event=spec["event"], context=spec["context"],
                               cameo={str(k): str(v) for k, v in spec["cameo"].items()},
                               default_mode=spec.get("default_mode"))
    triggers = []
    for item in raw["triggers"]:
        if item.get("type") not in types:
            raise BilatError("B202", f"codebook.yaml: trigger {item.get('id')!r} has an "
                             f"unknown type {item.get('type')!r}")
        triggers.append(Trigger(**item))
    return Codebook(
        version=str(raw["version"]),
        types=types,
        triggers=tuple(triggers),
        trigger_by_id={t.id: t for t in triggers},
        contexts={k: tuple(v) for k, v in raw["contexts"].items()},
        hedges=frozenset(raw["hedges"]),
        planned=frozenset(raw["planned"]),
        negations=frozenset(raw["negations"]),
        refusals=frozenset(raw["refusals"]),
        restrictions=frozenset(raw["restrictions"]),
    )
