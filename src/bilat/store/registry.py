"""The entity registry: one stable id per person, organisation and country.

Articles name people unevenly: "Pete Hegseth" in one, "Hegseth" in the next, "Secretary
Hegseth" in a third. Each name an event carries is resolved here to a registry entry, which
keeps the fullest name seen, the other names as aliases, and the roles with their tenures
(from the knowledge files where they know the person, else the first and last dates a role
was reported). A bare surname that fits several people of one country ("Singh") is resolved
by the role the article gives, and stays a separate entry when even that cannot tell them
apart: a wrong link would be worse than a missing one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from ..knowledge import load_knowledge
from .tables import EntityKeyRow, EntityRow, table_of

ENTITIES, KEYS = table_of(EntityRow), table_of(EntityKeyRow)
_ENTRIES = select(ENTITIES).where(ENTITIES.c.id.in_(bindparam("wanted", expanding=True)))
_KEYED = select(KEYS.c.key, ENTITIES).join(KEYS, KEYS.c.entity_id == ENTITIES.c.id) \
    .where(KEYS.c.key.in_(bindparam("wanted", expanding=True))) \
    .order_by(KEYS.c.key, ENTITIES.c.id)
_RENAME = update(ENTITIES).where(ENTITIES.c.id == bindparam("entry"))  # SET from the values


def entity_id(kind: str, name: str, country: str | None) -> str:
    digest = hashlib.sha256(f"{kind}|{name}|{country}".encode()).hexdigest()[:16]
    return f"en_{digest}"


def _words(name: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", folded.lower())


def _name_key(kind: str, country: str | None, name: str) -> str:
    return f"{kind}|{country or ''}|{' '.join(_words(name))}"


def _surname_key(country: str | None, name: str) -> str | None:
    words = _words(name)
    return f"person|{country or ''}|~{words[-1]}" if words else None


def _keys_of(kind: str, country: str | None, name: str) -> list[str]:
    """The keys a name reaches its entry by: the whole name, and a person's surname."""
    keys = [_name_key(kind, country, name)]
    if kind == "person" and (surname := _surname_key(country, name)):
        keys.append(surname)
    return list(dict.fromkeys(keys))


def _compatible(short: str, long: str) -> bool:
    """Can both names be one person: "Singh" / "Rajnath Singh", "R. Singh" / "Rajnath Singh",
    but not "Rajesh Kumar Singh" / "Rajnath Singh"?"""
    a, b = _words(short), _words(long)
    if len(a) > len(b):
        a, b = b, a
    if not a or a[-1] != b[-1]:
        return False
    given, others = a[:-1], b[:-1]
    position = 0
    for word in given:  # each given name or initial of the shorter, in order, in the longer
        while position < len(others) and not (others[position] == word or (
                len(word) == 1 and others[position].startswith(word))):
            position += 1
        if position == len(others):
            return False
        position += 1
    return True


@dataclass
class Entry:
    """A registry entry as an ingest holds it: an ``entities`` row."""

    id: str
    kind: str
    name: str
    country: str | None
    aliases: list[str] = field(default_factory=list)
    # [{role, since, until, source}]
    roles: list[dict[str, Any]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def has_role(self, role: str | None) -> bool:
        return bool(role) and any(r["role"] == role for r in self.roles)


def _known_tenures(entity: dict[str, Any]) -> list[dict[str, Any]]:
    if entity["kind"] != "person":
        return []
    return [{"role": holder.role, "since": holder.start, "until": holder.end,
             "source": "knowledge"}
            for holder in load_knowledge().officeholders_named(entity["name"])
            if holder.country == entity.get("country")]


def _with_role(roles: list[dict[str, Any]], role: str | None,
               on: str | None) -> list[dict[str, Any]]:
    """The roles with the reported tenure of ``role`` widened to include ``on``; known
    tenures stay as given."""
    if not role or any(r["role"] == role and r["source"] == "knowledge" for r in roles):
        return roles
    roles = [dict(r) for r in roles]
    reported = next((r for r in roles if r["role"] == role), None)
    if reported is None:
        roles.append({"role": role, "since": on, "until": on, "source": "reported"})
    elif on:
        reported["since"] = min(filter(None, (reported["since"], on)))
        reported["until"] = max(filter(None, (reported["until"], on)))
    return roles


class Registry:
    """The registry as one ingest transaction reads and writes it.

    Each entry and name key is read once per transaction and kept; every change is written
    at once, so the database and what is kept agree. (Through the ORM, ingesting an on-topic
    article asked for the same entries again and again, each lookup a statement and a flush.)
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._entries: dict[str, Entry | None] = {}
        self._keys: dict[str, list[str]] = {}  # name key -> the ids it reaches, sorted

    def read_ahead(self, entities: Iterable[dict[str, Any]]) -> None:
        """Read at once what resolving these participants will look up: two statements
        instead of one for each name and key."""
        ids, keys = [], []
        for entity in entities:
            kind, name, country = entity["kind"], entity["name"], entity.get("country")
            ids.append(entity_id(kind, name, country))
            keys += _keys_of(kind, country, name)
        self._read(ids, keys)

    def _read(self, ids: Iterable[str], keys: Iterable[str]) -> None:
        ids = [i for i in dict.fromkeys(ids) if i not in self._entries]
        keys = [k for k in dict.fromkeys(keys) if k not in self._keys]
        if ids:
            rows = {row.id: row for row in self._connection.execute(_ENTRIES, {"wanted": ids})}
            for wanted in ids:
                row = rows.get(wanted)
                self._entries[wanted] = Entry(**row._mapping) if row else None
        if keys:
            for key in keys:
                self._keys[key] = []
            for key, *columns in self._connection.execute(_KEYED, {"wanted": keys}):
                entry = Entry(*columns)
                if self._entries.get(entry.id) is None:
                    self._entries[entry.id] = entry
                self._keys[key].append(entry.id)

    def resolve(self, entity: dict[str, Any], on: str | None) -> Entry:
        """The entry for an event's participant, created if this is its first report."""
        kind, name, country = entity["kind"], entity["name"], entity.get("country")
        own_id = entity_id(kind, name, country)
        words = len(_words(name))
        found = None
        if kind == "person" and words == 1:
            # a bare surname is only as good as the one person it fits (see the module doc)
            found = self._person_match(entity)
        if found is None:
            found = self._entry(own_id)
        if found is None and words > 1:
            found = next(iter(self._keyed(_name_key(kind, country, name))), None)
        if found is None and kind == "person" and words > 1:
            found = self._person_match(entity)
        if found is None:
            found = Entry(id=own_id, kind=kind, name=name, country=country,
                          roles=_with_role(_known_tenures(entity), entity.get("role"), on))
            self._connection.execute(insert(ENTITIES), vars(found))
            self._entries[own_id] = found
        else:
            self._update(found, entity, on)
        self._add_keys(found, name)
        return found

    def _update(self, entry: Entry, entity: dict[str, Any], on: str | None) -> None:
        name, aliases, roles = entry.name, entry.aliases, entry.roles
        if entity["name"] not in entry.names:
            if len(_words(entity["name"])) > len(_words(name)):  # the fullest name wins
                aliases, name = [*aliases, name], entity["name"]
                if not any(r["source"] == "knowledge" for r in roles):
                    roles = [*_known_tenures(entity), *roles]
            else:
                aliases = [*aliases, entity["name"]]
        roles = _with_role(roles, entity.get("role"), on)
        if (name, aliases, roles) != (entry.name, entry.aliases, entry.roles):
            entry.name, entry.aliases, entry.roles = name, aliases, roles
            self._connection.execute(_RENAME, {"entry": entry.id, "name": name,
                                               "aliases": aliases, "roles": roles})

    def _entry(self, wanted: str) -> Entry | None:
        self._read([wanted], [])
        return self._entries[wanted]

    def _keyed(self, key: str) -> list[Entry]:
        """The entries a name key reaches, by id."""
        self._read([], [key])
        return [entry for entry in map(self._entries.get, self._keys[key]) if entry]

    def _person_match(self, entity: dict[str, Any]) -> Entry | None:
        key = _surname_key(entity.get("country"), entity["name"])
        if key is None:
            return None
        fitting = [entry for entry in self._keyed(key)
                   if any(_compatible(entity["name"], known) for known in entry.names)]
        if len(fitting) > 1:
            fitting = [entry for entry in fitting if entry.has_role(entity.get("role"))]
        return fitting[0] if len(fitting) == 1 else None

    def _add_keys(self, entry: Entry, name: str) -> None:
        for key in _keys_of(entry.kind, entry.country, name):
            reached = [known.id for known in self._keyed(key)]
            if entry.id not in reached:
                self._connection.execute(insert(KEYS), {"key": key, "entity_id": entry.id})
                self._keys[key] = sorted([*reached, entry.id])
