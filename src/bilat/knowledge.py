"""bilat's domain knowledge: countries, places, people, organisations, platforms, dialogues.

The knowledge is data, not code. It lives in versioned files under ``bilat/data/``
(``countries.yaml``, ``places.csv``, ``officeholders.jsonl``, ``organisations.jsonl``,
``platforms.jsonl``, ``dialogues.jsonl``; sources and versions in ``SOURCES.md``), described
in ``docs/data-files.md``. ``load_knowledge()`` reads and validates every file once. Any bad
record raises ``BilatError("B202", "<file>:<line>: <what is wrong>")``. It then builds
dictionary indexes for the lookups below.

Lookups ignore case, with two exceptions. Short all-capital forms of at most three letters
("US", "UK", "BEL", "HAL", "IAF") match only as written, so "us" and "hal" match nothing.
A country's ``ambiguous`` forms ("Turkey", "Chad", "Polish") match only as written. A
leading "the" is ignored everywhere, and so are accents when nothing matches with them.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .cache import cached
from .datafiles import PARSER, YAML_LOADER, parse_yaml
from .errors import BilatError

ROLES = frozenset({
    "President", "Vice President", "Prime Minister", "Deputy Prime Minister", "Chancellor",
    "Monarch", "Crown Prince", "Party Leader", "Defence Minister", "Deputy Defence Minister",
    "Minister of State for Defence", "Foreign Minister", "Defence Secretary",
    "Foreign Ministry Secretary", "National Security Adviser", "Chief of Defence Staff",
    "Army Chief", "Navy Chief", "Air Force Chief", "Military Commander", "Head of Agency",
    "Secretary-General", "High Representative",
})
ORG_KINDS = frozenset({"government", "military", "company", "industry_body", "agency", "igo",
                       "think_tank"})
PLACE_KINDS = frozenset({"capital", "city", "region", "island", "base", "port", "building",
                         "venue", "waterway"})
PLATFORM_CATEGORIES = frozenset({
    "fighter aircraft", "naval fighter aircraft", "light combat aircraft", "trainer aircraft",
    "transport aircraft", "tanker aircraft", "maritime patrol aircraft", "AEW&C aircraft",
    "amphibious aircraft", "tiltrotor aircraft", "attack helicopter", "naval helicopter",
    "transport helicopter", "utility helicopter", "UAV", "loitering munition", "submarine",
    "aircraft carrier", "destroyer", "frigate", "corvette", "patrol vessel", "auxiliary ship",
    "cruise missile", "ballistic missile", "hypersonic missile", "anti-ship missile",
    "anti-tank missile", "air-to-air missile", "air-to-surface missile", "air defence system",
    "guided bomb", "guided munition", "combat system", "rocket artillery", "howitzer",
    "main battle tank", "light tank", "armoured vehicle", "infantry fighting vehicle",
    "assault rifle", "machine gun", "recoilless rifle", "aircraft engine", "helicopter engine",
    "marine engine", "naval gun", "torpedo", "radar",
})
# Kinds of name that are proper nouns, matched only as written (see matched_as_written).
PROPER_NOUN_LABELS = frozenset({"PERSON", "ORG", "PLATFORM", "DIALOGUE", "GROUP"})
DIALOGUE_TYPES = frozenset({"MEETING", "EXERCISE"})  # codebook event types a forum produces
DIALOGUE_KINDS = frozenset({"dialogue", "summit", "conference", "initiative", "exhibition",
                            "exercise"})
DIALOGUE_LEVELS = frozenset({"Head of Government", "Ministerial", "Defence Minister",
                             "Foreign Minister", "Defence Secretary", "National Security Adviser",
                             "Senior Officials", "Military", "Industry"})
LABELS = ("COUNTRY", "DEMONYM", "PLACE", "ORG", "PLATFORM", "DIALOGUE", "PERSON", "GROUP",
          "NOT_COUNTRY")

FILES = ("countries.yaml", "places.csv", "officeholders.jsonl", "organisations.jsonl",
         "platforms.jsonl", "dialogues.jsonl")
SOURCED_ELSEWHERE = ("places.csv", "officeholders.jsonl", "organisations.jsonl",
                     "platforms.jsonl", "dialogues.jsonl")  # versions live in SOURCES.md

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "shri", "smt", "sri", "sir", "dame",
                         "prof", "he", "hon"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()  # forms that are also ordinary words or given names


@dataclass(frozen=True)
class Group:
    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]  # ISO3 codes
    source: str


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    kind: str
    source: str


@dataclass(frozen=True)
class Officeholder:
    name: str
    aliases: tuple[str, ...]
    country: str | None  # None only for officials of international organisations
    role: str  # normalised, one of ROLES
    title: str  # the local title ("Secretary of Defense", "External Affairs Minister")
    organization: str | None
    start: str  # ISO date, possibly only "YYYY-MM" or "YYYY"
    end: str | None  # None: still in office as far as the data knows
    source: str
    surname: str = ""

    def in_office(self, on: str) -> bool:
        """Held the office on that ISO date (any overlap if ``on`` is only a month or year)."""
        lo, hi = _date_range(on)
        return _date_range(self.start)[0] <= hi and (
            self.end is None or _date_range(self.end)[1] >= lo)


@dataclass(frozen=True)
class Organisation:
    name: str
    acronym: str | None
    aliases: tuple[str, ...]
    country: str | None  # None for international organisations (kind "igo")
    kind: str
    source: str
    countries: tuple[str, ...] = ()  # joint ventures and multinationals: every country


@dataclass(frozen=True)
class Platform:
    name: str
    aliases: tuple[str, ...]
    category: str
    maker: str  # an organisation's name
    country: str  # the maker's country
    source: str
    countries: tuple[str, ...] = ()  # co-developed or licence-built: every country


@dataclass(frozen=True)
class Dialogue:
    name: str
    aliases: tuple[str, ...]
    countries: tuple[str, ...]  # empty: multilateral, or countries come from the context
    type: str  # "MEETING" or "EXERCISE": the codebook event type the forum produces
    kind: str  # dialogue, summit, conference, initiative, exhibition, exercise
    level: str
    source: str
    host: str | None = None


# --------------------------------------------------------------------------- helpers


def _case_sensitive(text: str) -> bool:
    """All-capital forms of at most three letters ("US", "U.S.", "BEL") match only as written."""
    letters = text.replace(".", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 3


def _fold(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _key(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    return " ".join(text.split()).lower()


def _strip_the(text: str) -> str | None:
    text = text.strip()
    if text[:4].lower() == "the " and len(text) > 4:
        return text[4:].strip()
    return None


def _person_key(text: str) -> str:
    """'S. Jaishankar', 'S Jaishankar', 'Dr S. Jaishankar' -> 's jaishankar'."""
    text = _fold(text).replace("\u2019", "'").lower()
    text = re.sub(r"[.\-\u2010\u2011,]", " ", text)
    words = text.split()
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    return " ".join(words)


def _surname_of(name: str) -> str:
    words = [w for w in name.split() if w.lower().strip(".,") not in _SUFFIXES]
    return words[-1].strip(",") if words else name


def _date_range(text: str) -> tuple[str, str]:
    """The first and last day an ISO date of day, month or year precision may mean."""
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"not an ISO date: {text!r}")
    year, month, day = m.groups()
    if day:
        return text, text
    if month:
        last = calendar.monthrange(int(year), int(month))[1]
        return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    return f"{year}-01-01", f"{year}-12-31"


class _Bad(Exception):
    """A validation failure inside one record; the loader adds the file and line."""


class _Reader:
    """Reads one data file and reports problems with its name and line."""

    def __init__(self, base: Any, name: str, label: str) -> None:
        self.name = name
        self.label = label
        try:
            self.text = (base / name).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise BilatError("B202", f"{label}: file is missing") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise BilatError("B202", f"{label}: cannot read: {exc}") from exc

    def fail(self, line: int | None, what: str) -> BilatError:
        where = f"{self.label}:{line}" if line else self.label
        return BilatError("B202", f"{where}: {what}")


def _str(rec: dict[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = rec.get(key)
    if value is None:
        if optional:
            return None
        raise _Bad(f"missing required field '{key}'")
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"field '{key}' must be a non-empty string, not {value!r}")
    if value != value.strip():
        raise _Bad(f"field '{key}' has leading or trailing spaces: {value!r}")
    return value


def _strs(rec: dict[str, Any], key: str) -> tuple[str, ...]:
    value = rec.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Bad(f"field '{key}' must be a list of non-empty strings, not {value!r}")
    if len(set(value)) != len(value):
        raise _Bad(f"field '{key}' repeats an entry: {value!r}")
    return tuple(value)


def _only(rec: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(rec) - set(allowed))
    if unknown:
        raise _Bad(f"unknown field(s) {', '.join(unknown)}")


def _date(rec: dict[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = _str(rec, key, optional=optional)
    if value is None:
        return None
    m = _DATE.match(value)
    if not m:
        raise _Bad(f"field '{key}' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    year, month, day = m.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise _Bad(f"field '{key}' is not a real date: {value!r}") from exc
    return value


# --------------------------------------------------------------------------- the base


class _Index:
    """Surface form -> value, case-insensitive except for short all-capital forms."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.exact: dict[str, Any] = {}
        self.lower: dict[str, Any] = {}
        self.folded: dict[str, Any] = {}

    def add(self, text: str, value: Any, *, exact_only: bool = False) -> Any | None:
        """Add a form; return the value already there if the form is taken by another."""
        if _case_sensitive(text) or exact_only:
            old = self.exact.setdefault(text, value)
            return None if old is value or old == value else old
        key = _key(text)
        old = self.lower.setdefault(key, value)
        self.folded.setdefault(_fold(key), value)
        return None if old is value or old == value else old

    def get(self, text: str | None) -> Any | None:
        if not text or not isinstance(text, str):
            return None
        for candidate in (text.strip(), _strip_the(text)):
            if not candidate:
                continue
            if candidate in self.exact:
                return self.exact[candidate]
            if _case_sensitive(candidate):
                continue
            key = _key(candidate)
            if key in self.lower:
                return self.lower[key]
            folded = _fold(key)
            if folded in self.folded:
                return self.folded[folded]
        return None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per data folder
class KnowledgeBase:
    """Every record, plus dictionary indexes for the lookups."""

    version: str
    versions: dict[str, str]
    countries: tuple[Country, ...]
    groups: tuple[Group, ...]
    not_countries: tuple[str, ...]
    places: tuple[Place, ...]
    officeholders: tuple[Officeholder, ...]
    organisations: tuple[Organisation, ...]
    platforms: tuple[Platform, ...]
    dialogues: tuple[Dialogue, ...]
    _idx: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ---- countries

    def country(self, text: str | None) -> str | None:
        """ISO3 code for a country's name or alias: "the U.S." -> "USA", "Britain" -> "GBR"."""
        return self._idx["country"].get(text)

    def demonym(self, text: str | None) -> str | None:
        """ISO3 code for a demonym: "Italian" -> "ITA", "Emiratis" -> "ARE"."""
        return self._idx["demonym"].get(text)

    def prefix(self, text: str | None) -> str | None:
        """ISO3 code for a compound prefix: "Indo" -> "IND", "Sino" -> "CHN"."""
        if not text:
            return None
        return self._idx["prefix"].get(text.strip().rstrip("-\u2013"))

    def country_name(self, iso3: str) -> str:
        """The common English name of a country; an unknown code is returned unchanged."""
        country = self._idx["by_iso3"].get(iso3)
        return country.name if country else iso3

    def country_record(self, iso3: str) -> Country | None:
        return self._idx["by_iso3"].get(iso3)

    def is_not_country(self, text: str | None) -> bool:
        """True for regions that look like countries: "Indo-Pacific", "Middle East"."""
        return self._idx["not_country"].get(text) is not None

    def group(self, text: str | None) -> Group | None:
        """A grouping by name or alias: "Quad", "the Quad", "NATO"."""
        return self._idx["group"].get(text)

    # ---- places, organisations, platforms, dialogues

    def place(self, text: str | None) -> Place | None:
        return self._idx["place"].get(text)

    def organisation(self, text: str | None) -> Organisation | None:
        """By name, alias or acronym; acronyms of up to three capitals only as written."""
        return self._idx["org"].get(text)

    def platform(self, text: str | None) -> Platform | None:
        return self._idx["platform"].get(text)

    def dialogue(self, text: str | None) -> Dialogue | None:
        return self._idx["dialogue"].get(text)

    # ---- people

    def officeholders_named(self, name: str | None) -> list[Officeholder]:
        """Every row (all roles) for a full name or alias, oldest first."""
        if not name or not name.strip():
            return []
        key = _person_key(name)
        rows = self._idx["person"].get(key)
        if rows is None and _strip_the(name):
            rows = self._idx["person"].get(_person_key(_strip_the(name) or ""))
        return list(rows or [])

    def officeholders_with_surname(self, surname: str | None) -> list[Officeholder]:
        """Every row whose holder has that surname ("Singh", "Wang", "Marcos"), oldest first."""
        if not surname or not surname.strip():
            return []
        return list(self._idx["surname"].get(_person_key(surname), []))

    def holders_of(self, role: str, country: str | None, on: str | None = None
                   ) -> list[Officeholder]:
        """Who held a role in a country (ISO3 or name) on an ISO date; all holders if no date.

        ``country=None`` asks for officials of international organisations. A date of only
        a month or year returns everyone in office at any time in it.
        """
        role_key = _key(role).replace("defense", "defence")
        code = country
        if country is not None and not _ISO3.match(country):
            code = self.country(country)
            if code is None:
                return []
        rows = self._idx["role"].get((role_key, code), [])
        if on is None:
            return list(rows)
        return [h for h in rows if h.in_office(on)]

    # ---- gazetteer

    def surface_forms(self, include_prefixes: bool = False) -> Iterator[tuple[str, str, str]]:
        """Every (text, label, key) to feed a PhraseMatcher.

        Keys: ISO3 for COUNTRY and DEMONYM (and PREFIX), the record's name for the others,
        the text itself for NOT_COUNTRY. A form that names both a group and an international
        organisation ("NATO", "ASEAN") is given once, as GROUP. Compound prefixes ("Indo",
        "Sino") are left out unless ``include_prefixes`` is set, since they are parts of
        hyphenated words rather than names.
        """
        yield from self._idx["forms"]
        if include_prefixes:
            for c in self.countries:
                for p in c.prefixes:
                    yield p, "PREFIX", c.iso3

    def case_sensitive(self, text: str) -> bool:
        """Should this surface form be matched only as written (short acronyms, ambiguous words)?"""
        return _case_sensitive(text) or text in self._idx["ambiguous"]

    def matched_as_written(self, text: str, label: str) -> bool:
        """Is this name of this kind found only as written? Proper nouns are: matching
        them in lower case would turn "Will", "squad" or "trust" into names."""
        return label in PROPER_NOUN_LABELS or self.case_sensitive(text)


# --------------------------------------------------------------------------- loading


def _line_of_yaml(text: str, path: list[str | int]) -> int | None:
    """1-based line of the node at ``path`` in a YAML document (only computed on error)."""
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError:
        return None
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for k, v in node.value:
                if k.value == step:
                    node = v
                    break
            else:
                return node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                and step < len(node.value):
            node = node.value[step]
        else:
            break
    return node.start_mark.line + 1 if node is not None else None


def _load_countries(base: Any, label: str) -> tuple[str, list[Country], list[Group], list[str]]:
    reader = _Reader(base, "countries.yaml", label)
    try:
        raw = parse_yaml(reader.text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise reader.fail(line + 1 if line is not None else None, f"not valid YAML: {exc}") \
            from exc
    if not isinstance(raw, dict):
        raise reader.fail(1, "expected a mapping with version, sources, countries")

    def fail(path: list[str | int], what: str) -> BilatError:
        return reader.fail(_line_of_yaml(reader.text, path), what)

    _only_top = {"version", "sources", "countries", "not_countries", "groups"}
    if set(raw) - _only_top:
        raise fail([sorted(set(raw) - _only_top)[0]], "unknown top-level key")
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise fail(["version"], "missing 'version'")
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources or \
            not all(isinstance(s, str) and s.strip() for s in sources):
        raise fail(["sources"], "'sources' must be a non-empty list of strings")

    countries: list[Country] = []
    seen: dict[str, str] = {}
    records = raw.get("countries")
    if not isinstance(records, list) or not records:
        raise fail(["countries"], "'countries' must be a non-empty list")
    for i, rec in enumerate(records):
        try:
            if not isinstance(rec, dict):
                raise _Bad("a country must be a mapping")
            _only(rec, {"iso3", "name", "aliases", "demonyms", "prefixes", "ambiguous"})
            iso3 = _str(rec, "iso3") or ""
            if not _ISO3.match(iso3):
                raise _Bad(f"iso3 must be three capital letters: {iso3!r}")
            if any(c.iso3 == iso3 for c in countries):
                raise _Bad(f"duplicate country {iso3}")
            country = Country(iso3=iso3, name=_str(rec, "name") or "",
                              aliases=_strs(rec, "aliases"), demonyms=_strs(rec, "demonyms"),
                              prefixes=_strs(rec, "prefixes"), ambiguous=_strs(rec, "ambiguous"))
            forms = (country.name,) + country.aliases + country.demonyms + country.prefixes
            for amb in country.ambiguous:
                if amb not in forms:
                    raise _Bad(f"ambiguous form {amb!r} is not one of the country's forms")
            for kind, texts in (("name", (country.name,) + country.aliases),
                                ("demonym", country.demonyms), ("prefix", country.prefixes)):
                for t in texts:
                    k = f"{kind}:{t if _case_sensitive(t) else _key(t)}"
                    if k in seen and seen[k] != iso3:
                        raise _Bad(f"{kind} {t!r} is already used by {seen[k]}")
                    seen[k] = iso3
            for t in country.demonyms:
                other = seen.get(f"name:{t if _case_sensitive(t) else _key(t)}")
                if other:
                    raise _Bad(f"demonym {t!r} is also a country name or alias of {other}")
        except _Bad as exc:
            raise fail(["countries", i], str(exc)) from None
        countries.append(country)
    codes = {c.iso3 for c in countries}

    not_countries: list[str] = []
    nc = raw.get("not_countries", [])
    if not isinstance(nc, list):
        raise fail(["not_countries"], "'not_countries' must be a list")
    for i, text in enumerate(nc):
        if not isinstance(text, str) or not text.strip():
            raise fail(["not_countries", i], f"not a non-empty string: {text!r}")
        if _key(text) in {_key(t) for t in not_countries}:
            raise fail(["not_countries", i], f"duplicate {text!r}")
        if f"name:{text if _case_sensitive(text) else _key(text)}" in seen:
            raise fail(["not_countries", i], f"{text!r} is a country name or alias")
        not_countries.append(text)

    groups: list[Group] = []
    for i, rec in enumerate(raw.get("groups", []) or []):
        try:
            if not isinstance(rec, dict):
                raise _Bad("a group must be a mapping")
            _only(rec, {"name", "aliases", "members", "source"})
            group = Group(name=_str(rec, "name") or "", aliases=_strs(rec, "aliases"),
                          members=_strs(rec, "members"), source=_str(rec, "source") or "")
            if not group.members:
                raise _Bad("a group needs members")
            bad = [m for m in group.members if m not in codes]
            if bad:
                raise _Bad(f"unknown member country code(s) {', '.join(bad)}")
            if any(g.name == group.name for g in groups):
                raise _Bad(f"duplicate group {group.name!r}")
        except _Bad as exc:
            raise fail(["groups", i], str(exc)) from None
        groups.append(group)
    return version.strip(), countries, groups, not_countries


def _jsonl(reader: _Reader) -> Iterator[tuple[int, dict[str, Any]]]:
    for lineno, line in enumerate(reader.text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise reader.fail(lineno, f"malformed JSON: {exc.msg}") from None
        if not isinstance(rec, dict):
            raise reader.fail(lineno, "each line must be a JSON object")
        yield lineno, rec


def _code(value: str | None, codes: set[str], what: str = "country") -> str | None:
    if value is None:
        return None
    if value not in codes:
        raise _Bad(f"unknown {what} code {value!r} (not in countries.yaml)")
    return value


def _codes(values: tuple[str, ...], codes: set[str], what: str = "countries") -> tuple[str, ...]:
    bad = [v for v in values if v not in codes]
    if bad:
        raise _Bad(f"unknown code(s) in '{what}': {', '.join(bad)} (not in countries.yaml)")
    return values


def _load_places(base: Any, label: str, codes: set[str]) -> list[Place]:
    reader = _Reader(base, "places.csv", label)
    rows = csv.reader(io.StringIO(reader.text))
    header = next(rows, None)
    if header != ["name", "country", "kind", "source"]:
        raise reader.fail(1, f"header must be name,country,kind,source, not {header}")
    places: list[Place] = []
    seen: set[str] = set()
    for row in rows:
        line = rows.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            if len(row) != 4:
                raise _Bad(f"expected 4 columns, got {len(row)}")
            rec = dict(zip(("name", "country", "kind", "source"), row, strict=True))
            place = Place(name=_str(rec, "name") or "", country=_str(rec, "country") or "",
                          kind=_str(rec, "kind") or "", source=_str(rec, "source") or "")
            _code(place.country, codes)
            if place.kind not in PLACE_KINDS:
                raise _Bad(f"unknown kind {place.kind!r} (one of {', '.join(sorted(PLACE_KINDS))})")
            if _key(place.name) in seen:
                raise _Bad(f"duplicate place {place.name!r}")
            seen.add(_key(place.name))
        except _Bad as exc:
            raise reader.fail(line, str(exc)) from None
        places.append(place)
    return places


def _load_organisations(base: Any, label: str, codes: set[str]) -> list[Organisation]:
    reader = _Reader(base, "organisations.jsonl", label)
    out: list[Organisation] = []
    forms = _Index("organisation")
    for line, rec in _jsonl(reader):
        try:
            _only(rec, {"name", "acronym", "aliases", "country", "kind", "source", "countries"})
            org = Organisation(name=_str(rec, "name") or "",
                               acronym=_str(rec, "acronym", optional=True),
                               aliases=_strs(rec, "aliases"),
                               country=_str(rec, "country", optional=True),
                               kind=_str(rec, "kind") or "", source=_str(rec, "source") or "",
                               countries=_strs(rec, "countries"))
            if org.kind not in ORG_KINDS:
                raise _Bad(f"unknown kind {org.kind!r} (one of {', '.join(sorted(ORG_KINDS))})")
            if org.country is None and org.kind != "igo":
                raise _Bad("only an international organisation (kind igo) may have no country")
            if "country" not in rec:
                raise _Bad("missing required field 'country' (null for an igo)")
            _code(org.country, codes)
            _codes(org.countries, codes)
            if org.countries and org.country not in org.countries:
                raise _Bad("'countries' must include 'country'")
            for t in (org.name, org.acronym, *org.aliases):
                if t and (other := forms.add(t, org.name)):
                    raise _Bad(f"{t!r} already names {other!r}")
        except _Bad as exc:
            raise reader.fail(line, str(exc)) from None
        out.append(org)
    return out


def _load_platforms(base: Any, label: str, codes: set[str],
                    orgs: _Index) -> list[Platform]:
    reader = _Reader(base, "platforms.jsonl", label)
    out: list[Platform] = []
    forms = _Index("platform")
    for line, rec in _jsonl(reader):
        try:
            _only(rec, {"name", "aliases", "category", "maker", "country", "source", "countries"})
            plat = Platform(name=_str(rec, "name") or "", aliases=_strs(rec, "aliases"),
                            category=_str(rec, "category") or "", maker=_str(rec, "maker") or "",
                            country=_str(rec, "country") or "", source=_str(rec, "source") or "",
                            countries=_strs(rec, "countries"))
            if plat.category not in PLATFORM_CATEGORIES:
                raise _Bad(f"unknown category {plat.category!r}")
            _code(plat.country, codes)
            _codes(plat.countries, codes)
            if orgs.get(plat.maker) is None:
                raise _Bad(f"maker {plat.maker!r} is not in organisations.jsonl")
            for t in (plat.name, *plat.aliases):
                if other := forms.add(t, plat.name):
                    raise _Bad(f"{t!r} already names {other!r}")
        except _Bad as exc:
            raise reader.fail(line, str(exc)) from None
        out.append(plat)
    return out


def _load_dialogues(base: Any, label: str, codes: set[str]) -> list[Dialogue]:
    reader = _Reader(base, "dialogues.jsonl", label)
    out: list[Dialogue] = []
    forms = _Index("dialogue")
    for line, rec in _jsonl(reader):
        try:
            _only(rec, {"name", "aliases", "countries", "type", "kind", "level", "host", "source"})
            if "countries" not in rec:
                raise _Bad("missing required field 'countries' ([] if multilateral)")
            dlg = Dialogue(name=_str(rec, "name") or "", aliases=_strs(rec, "aliases"),
                           countries=_strs(rec, "countries"), type=_str(rec, "type") or "",
                           kind=_str(rec, "kind") or "", level=_str(rec, "level") or "",
                           source=_str(rec, "source") or "",
                           host=_str(rec, "host", optional=True))
            _codes(dlg.countries, codes)
            _code(dlg.host, codes, "host country")
            if dlg.type not in DIALOGUE_TYPES:
                raise _Bad(f"unknown type {dlg.type!r} "
                           f"(one of {', '.join(sorted(DIALOGUE_TYPES))})")
            if dlg.kind not in DIALOGUE_KINDS:
                raise _Bad(f"unknown kind {dlg.kind!r}")
            if dlg.level not in DIALOGUE_LEVELS:
                raise _Bad(f"unknown level {dlg.level!r}")
            for t in (dlg.name, *dlg.aliases):
                if other := forms.add(t, dlg.name):
                    raise _Bad(f"{t!r} already names {other!r}")
        except _Bad as exc:
            raise reader.fail(line, str(exc)) from None
        out.append(dlg)
    return out


def _load_officeholders(base: Any, label: str, codes: set[str],
                        orgs: _Index) -> list[Officeholder]:
    reader = _Reader(base, "officeholders.jsonl", label)
    out: list[Officeholder] = []
    seen: set[tuple[str, str | None, str, str]] = set()
    for line, rec in _jsonl(reader):
        try:
            _only(rec, {"name", "aliases", "country", "role", "title", "organization", "start",
                        "end", "source", "surname"})
            if "country" not in rec:
                raise _Bad("missing required field 'country'")
            name = _str(rec, "name") or ""
            holder = Officeholder(
                name=name, aliases=_strs(rec, "aliases"),
                country=_str(rec, "country", optional=True), role=_str(rec, "role") or "",
                title=_str(rec, "title", optional=True) or _str(rec, "role") or "",
                organization=_str(rec, "organization", optional=True),
                start=_date(rec, "start") or "", end=_date(rec, "end", optional=True),
                source=_str(rec, "source") or "",
                surname=_str(rec, "surname", optional=True) or _surname_of(name))
            if holder.role not in ROLES:
                raise _Bad(f"unknown role {holder.role!r} (one of {', '.join(sorted(ROLES))})")
            if holder.country is None:
                org = orgs.get(holder.organization)
                if org is None or org.kind != "igo":
                    raise _Bad("country may be null only for an official of an international "
                               "organisation named in organisations.jsonl")
            _code(holder.country, codes)
            if holder.end is not None and \
                    _date_range(holder.start)[0] > _date_range(holder.end)[1]:
                raise _Bad(f"start {holder.start} is after end {holder.end}")
            key = (holder.name, holder.country, holder.role, holder.start)
            if key in seen:
                raise _Bad(f"duplicate row for {holder.name} as {holder.role} from {holder.start}")
            seen.add(key)
        except _Bad as exc:
            raise reader.fail(line, str(exc)) from None
        out.append(holder)
    return out


def _load_versions(base: Any, label: str) -> dict[str, str]:
    reader = _Reader(base, "SOURCES.md", label)
    versions: dict[str, str] = {}
    current: str | None = None
    has_sources: set[str] = set()
    for line in reader.text.splitlines():
        head = re.match(r"^##\s+(\S+)\s*$", line)
        if head:
            current = head.group(1)
            continue
        if current and (m := re.match(r"^Version:\s*(\S+)\s*$", line)):
            versions[current] = m.group(1)
        if current and line.startswith("- "):
            has_sources.add(current)
    for name in SOURCED_ELSEWHERE:
        if name not in versions:
            raise reader.fail(None, f"no section with a 'Version:' line for {name}")
        if name not in has_sources:
            raise reader.fail(None, f"the section for {name} lists no sources")
    return versions


def _names(record: Any) -> list[str]:
    """A record's name, acronym (if any) and aliases, in that order, without repeats."""
    out: list[str] = []
    for text in (record.name, getattr(record, "acronym", None), *record.aliases):
        if text and text not in out:
            out.append(text)
    return out


def _build(version: str, versions: dict[str, str], countries: list[Country],
           groups: list[Group], not_countries: list[str], places: list[Place],
           holders: list[Officeholder], orgs: list[Organisation], orgs_index: _Index,
           platforms: list[Platform], dialogues: list[Dialogue]) -> KnowledgeBase:
    idx: dict[str, Any] = {"by_iso3": {c.iso3: c for c in countries}}
    ambiguous = {a for c in countries for a in c.ambiguous}
    idx["ambiguous"] = frozenset(ambiguous)
    country_idx, demonym_idx, prefix_idx = _Index("country"), _Index("demonym"), _Index("prefix")
    for c in countries:
        for t in (c.name, *c.aliases):
            country_idx.add(t, c.iso3, exact_only=t in ambiguous)
        for t in c.demonyms:
            demonym_idx.add(t, c.iso3, exact_only=t in ambiguous)
        for t in c.prefixes:
            prefix_idx.add(t, c.iso3)
    idx.update(country=country_idx, demonym=demonym_idx, prefix=prefix_idx)
    nc = _Index("not_country")
    for t in not_countries:
        nc.add(t, t)
    idx["not_country"] = nc
    group_idx, place_idx = _Index("group"), _Index("place")
    plat_idx, dlg_idx = _Index("platform"), _Index("dialogue")
    for g in groups:
        for text in _names(g):
            group_idx.add(text, g)
    for pl in places:
        place_idx.add(pl.name, pl)
    for pf in platforms:
        for text in _names(pf):
            plat_idx.add(text, pf)
    for d in dialogues:
        for text in _names(d):
            dlg_idx.add(text, d)
    idx.update(group=group_idx, place=place_idx, org=orgs_index, platform=plat_idx,
               dialogue=dlg_idx)

    def by_start(h: Officeholder) -> str:
        return _date_range(h.start)[0]

    person: dict[str, list[Officeholder]] = {}
    surname: dict[str, list[Officeholder]] = {}
    role: dict[tuple[str, str | None], list[Officeholder]] = {}
    for h in sorted(holders, key=by_start):
        for text in _names(h):
            rows = person.setdefault(_person_key(text), [])
            if h not in rows:
                rows.append(h)
        surname.setdefault(_person_key(h.surname), []).append(h)
        role.setdefault((_key(h.role), h.country), []).append(h)
    idx.update(person=person, surname=surname, role=role)

    forms: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()

    def emit(text: str | None, label: str, key: str) -> None:
        if text and (text, label) not in seen:
            seen.add((text, label))
            forms.append((text, label, key))

    for c in countries:
        for text in (c.name, *c.aliases):
            emit(text, "COUNTRY", c.iso3)
        for text in c.demonyms:
            emit(text, "DEMONYM", c.iso3)
    for pl in places:
        emit(pl.name, "PLACE", pl.name)
    group_forms = {text for g in groups for text in _names(g)}
    for g in groups:
        for text in _names(g):
            emit(text, "GROUP", g.name)
    for o in orgs:
        for text in _names(o):
            if not (o.kind == "igo" and text in group_forms):
                emit(text, "ORG", o.name)
    for pf in platforms:
        for text in _names(pf):
            emit(text, "PLATFORM", pf.name)
    for d in dialogues:
        for text in _names(d):
            emit(text, "DIALOGUE", d.name)
    for h in holders:
        for text in _names(h):
            emit(text, "PERSON", h.name)
    for text in not_countries:
        emit(text, "NOT_COUNTRY", text)
    idx["forms"] = tuple(forms)

    return KnowledgeBase(version=version, versions=versions, countries=tuple(countries),
                         groups=tuple(groups), not_countries=tuple(not_countries),
                         places=tuple(places), officeholders=tuple(holders),
                         organisations=tuple(orgs), platforms=tuple(platforms),
                         dialogues=tuple(dialogues), _idx=idx)


def _load(base: Any, where: str) -> KnowledgeBase:
    def label(name: str) -> str:
        return f"{where}/{name}"

    version, countries, groups, not_countries = _load_countries(base, label("countries.yaml"))
    versions = {"countries.yaml": version, **_load_versions(base, label("SOURCES.md"))}
    codes = {c.iso3 for c in countries}
    places = _load_places(base, label("places.csv"), codes)
    orgs = _load_organisations(base, label("organisations.jsonl"), codes)
    orgs_index = _Index("organisation")
    for o in orgs:
        for t in (o.name, o.acronym, *o.aliases):
            if t:
                orgs_index.add(t, o)
    platforms = _load_platforms(base, label("platforms.jsonl"), codes, orgs_index)
    dialogues = _load_dialogues(base, label("dialogues.jsonl"), codes)
    holders = _load_officeholders(base, label("officeholders.jsonl"), codes, orgs_index)
    return _build(version, versions, countries, groups, not_countries, places, holders, orgs,
                  orgs_index, platforms, dialogues)


@functools.lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    """The bundled knowledge base, from the cache on disk when its files are unchanged."""
    return cached("knowledge", lambda: _load(resources.files("bilat") / "data", "bilat/data"),
                  PARSER)


def load_knowledge(data_dir: Path | str | None = None) -> KnowledgeBase:
    """Load, validate and index the knowledge files (cached for the bundled data).

    ``data_dir`` points at another folder with the same files (for tests, or to try an
    edited copy); it is read afresh each call.
    """
    if data_dir is None:
        return _load_default()
    path = Path(data_dir)
    return _load(path, str(path))
