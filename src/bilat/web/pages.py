"""The pages: overview, dyad, event, entity, search, ingest; each over ``bilat.query``.

Templates are Jinja2 with autoescaping on everywhere; article text and titles are never
marked safe. Data for the charts goes into ``<script type="application/json">`` through
``tojson``, which escapes ``<``, ``>``, ``&`` and quotes, and is read with ``JSON.parse``.
"""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from .. import __version__, query
from ..api.auth import COOKIE, may_read, token_matches
from ..codebook import EVENT_TYPES
from ..knowledge import load_knowledge
from ..store import Store

PAGE = 50
TIMELINE_MAX = 2000  # events drawn on a dyad's timeline; the list pages through all

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(resources.files("bilat") / "web" / "templates")),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True))


def money(amount: dict[str, Any] | None) -> str:
    """'USD 7.4 bn', 'EUR 400 m', 'INR 2,500'."""
    if not amount:
        return ""
    value, currency = amount["value"], amount["currency"]
    for size, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            return f"{currency} {value / size:,.3g} {unit}".replace("e+", "e")
    return f"{currency} {value:,.0f}"


def web_url(url: str | None) -> str | None:
    """The URL if it may be a link: http(s) only, so no 'javascript:' or 'data:' link."""
    return url if url and urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def country_name(code: str | None) -> str:
    return (load_knowledge().country_name(code) or code or "") if code else ""


def when(event: dict[str, Any]) -> str:
    if event.get("date"):
        end = event.get("end_date")
        return f"{event['date']} – {end}" if end and end != event["date"] else event["date"]
    reported = event.get("first_reported")
    return f"reported {reported}" if reported else "undated"


templates.env.filters.update(money=money, web_url=web_url, country=country_name,
                             headline=query.headline, when=when)
templates.env.globals.update(types=EVENT_TYPES, version=__version__)


def _render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    return _render(request, "error.html", status, title=f"{status}", code=code, message=message)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _login_needed(request: Request) -> Response | None:
    if may_read(request):
        return None
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': here})}", 303)


def _types(given: list[str]) -> list[str]:
    return [t for item in given for t in item.split(",") if t.strip()]


def _pager(request: Request, shown: int, more: bool, offset: int) -> dict[str, Any]:
    return {"first": offset + 1 if shown else 0, "last": offset + shown,
            "previous": str(request.url.include_query_params(offset=max(0, offset - PAGE)))
            if offset else None,
            "next": str(request.url.include_query_params(offset=offset + PAGE)) if more
            else None}


Types = Annotated[list[str], Query()]
Offset = Annotated[int, Query(ge=0)]


@router.get("/", response_class=HTMLResponse, name="overview")
def overview(request: Request, since: str | None = None, until: str | None = None,
             type: Types = []) -> Response:  # noqa: B006 (FastAPI copies the default)
    if (login := _login_needed(request)) is not None:
        return login
    where = query.make_filter(types=_types(type), since=since or None, until=until or None)
    store = _store(request)
    graph = query.network(store, where)
    totals = query.totals(store, where)
    chosen = {"since": since or "", "until": until or "", "types": list(where.types)}
    return _render(request, "overview.html", title="Overview", graph=graph, totals=totals,
                   chosen=chosen, empty=store.count_events() == 0,
                   data={"graph": graph, "totals": totals, "chosen": chosen})


@router.get("/dyads/{pair}", response_class=HTMLResponse, name="dyad")
def dyad(request: Request, pair: str, since: str | None = None, until: str | None = None,
         type: Types = [], text: str | None = None, person: str | None = None,  # noqa: B006
         offset: Offset = 0) -> Response:
    if (login := _login_needed(request)) is not None:
        return login
    where = query.make_filter(dyad=pair, types=_types(type), since=since or None,
                              until=until or None, text=text or None, person=person or None)
    assert where.dyad is not None
    first, second = sorted(where.dyad)
    if f"{first}-{second}" != pair:
        return RedirectResponse(request.url.replace(path=f"/dyads/{first}-{second}"), 301)
    store = _store(request)
    drawn = query.events(store, replace(where, ascending=True, limit=TIMELINE_MAX))
    listed = query.events(store, replace(where, limit=PAGE + 1, offset=offset))
    counts = [row for row in query.dyads(store, where) if row["dyad"] == pair]
    deals = query.events(store, replace(where, types=("DEAL",))) \
        if not where.types or "DEAL" in where.types else []
    chosen = {"since": since or "", "until": until or "", "types": list(where.types),
              "text": text or "", "person": person or ""}
    points = [{"id": e["id"], "type": e["type"], "date": e.get("date") or e.get("first_reported"),
               "headline": query.headline(e)} for e in drawn]
    return _render(request, "dyad.html", title=f"{country_name(first)} – {country_name(second)}",
                   pair=pair, first=first, second=second, chosen=chosen,
                   events=listed[:PAGE], pager=_pager(request, len(listed[:PAGE]),
                                                      len(listed) > PAGE, offset),
                   counts=_year_table(counts), deals=deals,
                   sums=query.amounts_by_currency(deals), undated=sum(
                       1 for p in points if not p["date"]),
                   data={"points": [p for p in points if p["date"]], "counts": counts,
                         "capped": len(drawn) == TIMELINE_MAX})


def _year_table(counts: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per year (rows) and type (columns), the most recent year first."""
    years = sorted({row["year"] or "undated" for row in counts}, reverse=True)
    present = [t for t in EVENT_TYPES if any(row["type"] == t for row in counts)]
    cells = {(row["year"] or "undated", row["type"]): row["events"] for row in counts}
    return {"types": present, "rows": [
        {"year": year, "cells": [cells.get((year, t), 0) for t in present],
         "total": sum(cells.get((year, t), 0) for t in present)} for year in years]}


@router.get("/events/{event_id}", response_class=HTMLResponse, name="event")
def event(request: Request, event_id: str) -> Response:
    if (login := _login_needed(request)) is not None:
        return login
    found = query.event_detail(_store(request), event_id)
    # each report numbered, so the fields can say which gave them in a few characters
    numbers = {report["document"]: number
               for number, report in enumerate(found["reports"], 1)}
    fields = [(name, found["provenance"][name]) for name in (
        "date", "end_date", "status", "location", "amount", "quantity", "platform",
        "agreement", "buyer", "seller", "mode", "context", "cameo")
        if found.get("provenance", {}).get(name)]
    return _render(request, "event.html", title=f"{found['type']} {query.headline(found)}",
                   event=found, fields=fields, numbers=numbers)


@router.get("/entities/{entity_id}", response_class=HTMLResponse, name="entity")
def entity(request: Request, entity_id: str, offset: Offset = 0) -> Response:
    if (login := _login_needed(request)) is not None:
        return login
    store = _store(request)
    found = query.entity(store, entity_id, limit=1)
    where = query.make_filter(entity=entity_id)
    listed = query.events(store, replace(where, limit=PAGE + 1, offset=offset))
    totals = query.totals(store, where)
    return _render(request, "entity.html", title=found["name"], entity=found,
                   events=listed[:PAGE], pager=_pager(request, len(listed[:PAGE]),
                                                      len(listed) > PAGE, offset),
                   totals=totals, data={"totals": totals})


@router.get("/search", response_class=HTMLResponse, name="search")
def search(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    if (login := _login_needed(request)) is not None:
        return login
    found = query.search(_store(request), q, limit=30) if q.strip() else None
    return _render(request, "search.html", title=f"Search: {q}" if q else "Search", q=q,
                   found=found)


@router.get("/ingest", response_class=HTMLResponse, name="ingest")
def ingest(request: Request) -> Response:
    if (login := _login_needed(request)) is not None:
        return login
    return _render(request, "ingest.html", title="Ingest",
                   writes=request.app.state.settings.token is not None)


@router.get("/login", response_class=HTMLResponse, name="login")
def login(request: Request, next: str = "/") -> Response:
    return _render(request, "login.html", title="Sign in", next=_local(next), wrong=False)


@router.post("/login", response_class=HTMLResponse)
def login_with_token(request: Request, token: Annotated[str, Form(max_length=500)],
                     next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    if not token_matches(request, token):
        return _render(request, "login.html", 401, title="Sign in", next=_local(next),
                       wrong=True)
    answer = RedirectResponse(_local(next), 303)
    answer.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                      secure=request.url.scheme == "https")
    return answer


def _local(target: str) -> str:
    """Only a path on this server: a login link cannot send the browser elsewhere."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or \
            target.startswith(("//", "/\\")):
        return "/"
    return target

