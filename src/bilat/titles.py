"""Official titles, courtesy titles and ship prefixes, from ``data/titles.yaml``.

Both ``extract`` (to spot a role standing for a person: "the Prime Minister met ...") and
``resolve`` (to attach roles to people) read them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from .datafiles import parse_yaml


@dataclass(frozen=True)
class Titles:
    words: frozenset[str]
    joiners: frozenset[str]
    counterpart: frozenset[str]
    honorifics: frozenset[str]
    heads: frozenset[str]  # the words that make a run of title words a role
    ship_prefixes: frozenset[str]
    role_aliases: dict[str, str]  # a local title -> the role it means ("Raksha Mantri")


@functools.lru_cache(maxsize=1)
def load_titles() -> Titles:
    raw = parse_yaml((resources.files("bilat") / "data" / "titles.yaml")
                     .read_text(encoding="utf-8"))
    return Titles(words=frozenset(raw["words"]), joiners=frozenset(raw["joiners"]),
                  counterpart=frozenset(raw["counterpart"]),
                  honorifics=frozenset(raw["honorifics"]), heads=frozenset(raw["heads"]),
                  ship_prefixes=frozenset(raw["ship_prefixes"]),
                  role_aliases=dict(raw["role_aliases"]))


def role_mentions(sent, taken: set[int]) -> list[tuple[int, int, str]]:
    """Roles standing for a person: "the Prime Minister met ...", "Raksha Mantri said ...".

    Returns (start, end, role) token spans of ``sent`` (a spaCy Span) outside ``taken``; a
    run of title words right before a name is that name's title, not a mention of its own.
    """
    titles = load_titles()
    doc = sent.doc
    found = []
    i = sent.start
    while i < sent.end:
        if doc[i].text not in titles.words or i in taken:
            i += 1
            continue
        j = i
        while j < sent.end and (doc[j].text in titles.words or
                                (doc[j].lower_ in titles.joiners and j > i)):
            j += 1
        while j > i and doc[j - 1].lower_ in titles.joiners:
            j -= 1
        run = doc[i:j]
        role = titles.role_aliases.get(run.text, run.text)
        before = doc[i - 1] if i > sent.start else None
        after = doc[j: min(j + 8, sent.end)]
        before_that = doc[i - 2] if i - 2 >= sent.start else None
        standalone = (before is None and run.text in titles.role_aliases) or (
            before is not None and (before.lower_ == "the" or before.text in ("'s", "’s"))) or (
            # "by an Indian Defence Minister", "the British Prime Minister"
            before is not None and before.pos_ in ("ADJ", "PROPN") and before.is_title and
            before_that is not None and before_that.lower_ in ("a", "an", "the"))
        named_after = any(t.ent_type_ == "PERSON" or t.text in titles.honorifics or
                          (t.pos_ == "PROPN" and t.is_title and t.text not in titles.words)
                          for t in after[:1]) or any(t.ent_type_ == "PERSON" for t in after)
        if standalone and not named_after and any(t.text in titles.heads for t in run):
            found.append((i, j, role))
        i = max(j, i + 1)
    return found
