"""/api/v1: the same reads as the CLI (``bilat.query``), and ingest."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from .. import query
from ..errors import BilatError
from ..records import Document, Problem
from ..store import EventFilter, Store
from .auth import require_read, require_write
from .documents import posted_documents, uploaded_documents
from .jobs import IngestQueue, Job, problem_dict
from .models import (
    ArticlesIn,
    DyadCounts,
    EntityOut,
    ErrorOut,
    EventPage,
    IngestOut,
    JobAccepted,
    JobOut,
    SearchResults,
    Totals,
)

MAX_PAGE = 500
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": meaning}
    for status, meaning in ((401, "Token missing or wrong (B502)"),
                            (422, "Bad parameters or body (B501, B401, B402, B406)"))}
router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_read)], responses=ERRORS)


class Rejected(BilatError):
    """Documents that cannot be read: the whole request is refused."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("B503", f"{len(problems)} of the documents cannot be read: "
                                 + "; ".join(f"{p['code']} {p['document'] or ''}".strip()
                                             for p in problems[:5]))
        self.details = problems


class Filters(BaseModel):
    """The CLI's event filters (``bilat events --help``)."""

    model_config = ConfigDict(extra="forbid")

    dyad: str | None = Field(None, description="Two ISO3 codes.", examples=["IND-USA"])
    country: list[str] = Field([], description="ISO3; repeatable; all must take part.")
    type: list[str] = Field([], description="Event types, comma-separated or repeated.",
                            examples=["MEETING,CALL"])
    person: str | None = Field(None, max_length=200, description="A participant's name (part).")
    org: str | None = Field(None, max_length=200, description="An organisation's name (part).")
    since: str | None = Field(None, description="From this date: 2024, 2024-06, 2024-06-15.")
    until: str | None = Field(None, description="Up to this date (the whole year or month).")
    text: str | None = Field(None, max_length=200,
                             description="Words that must all appear in names or sentences.")

    def where(self, **extra: Any) -> EventFilter:
        return query.make_filter(dyad=self.dyad, countries=self.country,
                                 types=[t for given in self.type for t in given.split(",")],
                                 person=self.person, org=self.org, since=self.since,
                                 until=self.until, text=self.text, **extra)


class PagedFilters(Filters):
    limit: int = Field(50, ge=1, le=MAX_PAGE, description=f"At most {MAX_PAGE}.")
    offset: int = Field(0, ge=0)


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: list[str] = Field([], description="Event types, comma-separated or repeated.")
    since: str | None = None
    until: str | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _page(request: Request, found: list[dict[str, Any]], limit: int,
          offset: int) -> dict[str, Any]:
    """One page of events; ``found`` holds one more than the page when there is a next."""
    more = len(found) > limit
    return {"events": found[:limit], "limit": limit, "offset": offset,
            "next": str(request.url.include_query_params(offset=offset + limit)) if more
            else None}


@router.get("/events", response_model=EventPage, summary="Stored events, newest first")
def list_events(request: Request, given: Annotated[PagedFilters, Query()]) -> dict[str, Any]:
    where = given.where(limit=given.limit + 1, offset=given.offset)
    return _page(request, query.events(_store(request), where), given.limit, given.offset)


@router.get("/events/{event_id}", summary="One event with every report of it",
            responses={404: {"model": ErrorOut, "description": "No such event (B403)"}})
def get_event(request: Request, event_id: str) -> dict[str, Any]:
    return query.event(_store(request), event_id)


@router.get("/dyads", response_model=DyadCounts,
            summary="Event counts per country pair, type and year")
def list_dyads(request: Request, given: Annotated[Filters, Query()]) -> dict[str, Any]:
    return {"dyads": query.dyads(_store(request), given.where())}


@router.get("/totals", response_model=Totals, summary="Event counts by type and by month")
def get_totals(request: Request, given: Annotated[Filters, Query()]) -> dict[str, Any]:
    return query.totals(_store(request), given.where())


@router.get("/timeline/{first}/{second}", response_model=EventPage,
            summary="A relationship in order, oldest first, each event with its sources")
def get_timeline(request: Request, first: str, second: str,
                 given: Annotated[Period, Query()]) -> dict[str, Any]:
    found = query.timeline(_store(request), first, second, since=given.since,
                           until=given.until, limit=given.limit + 1, offset=given.offset,
                           types=[t for item in given.type for t in item.split(",")])
    return _page(request, found, given.limit, given.offset)


@router.get("/entities/{entity_id}", response_model=EntityOut,
            summary="A person, organisation or country: names, roles, counterparts, "
                    "latest events",
            responses={404: {"model": ErrorOut, "description": "No such entity (B405)"}})
def get_entity(request: Request, entity_id: str,
               limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50) -> dict[str, Any]:
    return query.entity(_store(request), entity_id, limit=limit)


@router.get("/search", response_model=SearchResults,
            summary="Free text over events, people and organisations, and articles")
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)],
           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    return {"query": q, **query.search(_store(request), q, limit=limit)}


ACCEPTED: dict[int | str, dict[str, Any]] = {
    201: {"model": IngestOut, "description": "Stored (wait=true)"},
    202: {"model": JobAccepted, "description": "Queued (wait=false)"},
    413: {"model": ErrorOut, "description": "Body too large (B504)"}}
WAIT = Query(description="Answer when the articles are stored (201), or at once with a job "
                         "to poll (202).")


@router.post("/articles", status_code=201, responses=ACCEPTED,
             dependencies=[Depends(require_write)],
             summary="Ingest documents (text or HTML) and/or URLs to fetch")
async def post_articles(request: Request, response: Response, body: ArticlesIn,
                        wait: Annotated[bool, WAIT] = True) -> dict[str, Any]:
    found = await run_in_threadpool(posted_documents, body.documents)
    return await _ingest(request, response, found, list(body.urls), wait)


@router.post("/articles/files", status_code=201, responses=ACCEPTED,
             dependencies=[Depends(require_write)],
             summary="Ingest uploaded files (.txt .md .html .htm .json .jsonl)")
async def post_files(request: Request, response: Response,
                     files: Annotated[list[UploadFile], File(description="One or more files")],
                     wait: Annotated[bool, WAIT] = True) -> dict[str, Any]:
    given = [(upload.filename or "upload.txt", await upload.read()) for upload in files]
    found = await run_in_threadpool(uploaded_documents, given)
    return await _ingest(request, response, found, [], wait)


async def _ingest(request: Request, response: Response, found: list[Document | Problem],
                  urls: list[str], wait: bool) -> dict[str, Any]:
    problems = [problem_dict(item) for item in found if isinstance(item, Problem)]
    if problems:
        raise Rejected(problems)
    queue: IngestQueue = request.app.state.ingest
    job, running = queue.submit([item for item in found if isinstance(item, Document)], urls)
    if not wait:
        status = request.app.url_path_for("get_job", job_id=job.id)
        response.status_code = 202
        response.headers["Location"] = status
        return {"job": job.id, "status": status}
    done: Job = await asyncio.wrap_future(running)
    if done.problems:
        raise Rejected(done.problems)
    assert done.result is not None
    return done.result


@router.get("/jobs/{job_id}", response_model=JobOut, summary="An ingest job's progress",
            responses={404: {"model": ErrorOut, "description": "No such job (B506)"}})
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    queue: IngestQueue = request.app.state.ingest
    job = queue.get(job_id)
    if job is None:
        raise BilatError("B506", f"no job {job_id!r} (jobs are kept while the server runs)")
    return job.as_dict()
