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
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..knowledge import load_knowledge
from .tables import EntityKeyRow, EntityRow


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


def _names_of(row: EntityRow) -> list[str]:
    return [row.name, *row.aliases]


def _has_role(row: EntityRow, role: str | None) -> bool:
    return bool(role) and any(r["role"] == role for r in row.roles)


def _person_match(session: Session, entity: dict[str, Any]) -> EntityRow | None:
    key = _surname_key(entity.get("country"), entity["name"])
    if key is None:
        return None
    rows = session.scalars(select(EntityRow).join(EntityKeyRow,
                                                  EntityKeyRow.entity_id == EntityRow.id)
                           .where(EntityKeyRow.key == key).order_by(EntityRow.id)).all()
    fitting = [row for row in rows if any(_compatible(entity["name"], known)
                                          for known in _names_of(row))]
    if len(fitting) > 1:
        fitting = [row for row in fitting if _has_role(row, entity.get("role"))]
    return fitting[0] if len(fitting) == 1 else None


def _known_tenures(entity: dict[str, Any]) -> list[dict[str, Any]]:
    if entity["kind"] != "person":
        return []
    return [{"role": holder.role, "since": holder.start, "until": holder.end,
             "source": "knowledge"}
            for holder in load_knowledge().officeholders_named(entity["name"])
            if holder.country == entity.get("country")]


def _note_role(row: EntityRow, role: str | None, on: str | None) -> None:
    """Widen the reported tenure of ``role`` to include ``on``; known tenures stay as given."""
    if not role or any(r["role"] == role and r["source"] == "knowledge" for r in row.roles):
        return
    roles = [dict(r) for r in row.roles]
    reported = next((r for r in roles if r["role"] == role), None)
    if reported is None:
        roles.append({"role": role, "since": on, "until": on, "source": "reported"})
    elif on:
        reported["since"] = min(filter(None, (reported["since"], on)))
        reported["until"] = max(filter(None, (reported["until"], on)))
    row.roles = roles


def _add_keys(session: Session, row: EntityRow, name: str) -> None:
    keys = {_name_key(row.kind, row.country, name)}
    if row.kind == "person" and (surname := _surname_key(row.country, name)):
        keys.add(surname)
    for key in keys:
        if session.get(EntityKeyRow, (key, row.id)) is None:
            session.add(EntityKeyRow(key=key, entity_id=row.id))


def resolve_entity(session: Session, entity: dict[str, Any], on: str | None) -> EntityRow:
    """The registry entry for an event's participant, created if this is its first report."""
    kind, name, country = entity["kind"], entity["name"], entity.get("country")
    row = None
    if kind == "person" and len(_words(name)) == 1:
        # a bare surname is only as good as the one person it fits (see the module doc)
        row = _person_match(session, entity)
    if row is None:
        row = session.get(EntityRow, entity_id(kind, name, country))
    if row is None and len(_words(name)) > 1:
        row = session.scalars(select(EntityRow).join(EntityKeyRow,
                                                     EntityKeyRow.entity_id == EntityRow.id)
                              .where(EntityKeyRow.key == _name_key(kind, country, name))
                              .order_by(EntityRow.id)).first()
    if row is None and kind == "person" and len(_words(name)) > 1:
        row = _person_match(session, entity)
    if row is None:
        row = EntityRow(id=entity_id(kind, name, country), kind=kind, name=name,
                        country=country, aliases=[], roles=_known_tenures(entity))
        session.add(row)
        session.flush()  # the keys below refer to it
    elif name not in _names_of(row):
        if len(_words(name)) > len(_words(row.name)):  # the fullest name is the canonical one
            row.aliases, row.name = [*row.aliases, row.name], name
            if not any(r["source"] == "knowledge" for r in row.roles):
                row.roles = [*_known_tenures(entity), *row.roles]
        else:
            row.aliases = [*row.aliases, name]
    _add_keys(session, row, name)
    _note_role(row, entity.get("role"), on)
    return row
