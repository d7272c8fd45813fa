"""The API's request and response bodies (pydantic stays at this edge; bilat passes dicts).

Event records are the store's JSON records (schema 1.0 plus the merge fields: provenance,
disagreements, num_sources, num_articles, first_reported), passed through as they are.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..query import DATE

MAX_DOCUMENT_CHARS = 2_000_000
MAX_DOCUMENTS = 500
MAX_URLS = 100
Event = dict[str, Any]
HTTP_URL = r"^https?://[^\s]+$"
Url = Annotated[str, Field(max_length=2000, pattern=HTTP_URL)]


class DocumentIn(BaseModel):
    """One article: its plain text (as scraped) or its HTML page, with what is known of it."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=500, description="Your id; it names the "
                           "document in the events' sources. Default: the URL, else a hash.")
    text: str | None = Field(None, max_length=MAX_DOCUMENT_CHARS,
                             description="Plain text: headline, date line, body.")
    html: str | None = Field(None, max_length=MAX_DOCUMENT_CHARS,
                             description="An HTML page: its main text is extracted.")
    title: str | None = Field(None, max_length=1000)
    date: str | None = Field(None, pattern=f"^(?:{DATE.pattern})$", description="Publication date, "
                             "2024, 2024-06 or 2024-06-15.")
    url: str | None = Field(None, max_length=2000, pattern=HTTP_URL)
    outlet: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _one_body(self) -> DocumentIn:
        given = [name for name in ("text", "html") if (getattr(self, name) or "").strip()]
        if len(given) != 1:
            raise ValueError("give exactly one of 'text' or 'html', not blank")
        return self


class ArticlesIn(BaseModel):
    """Documents to ingest, URLs to fetch and ingest, or both. One document may also be
    posted on its own: ``{"text": "...", "title": "..."}``."""

    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(default_factory=list, max_length=MAX_DOCUMENTS)
    urls: list[Url] = Field(default_factory=list, max_length=MAX_URLS,
                            description="http(s) pages to fetch (HTML or plain text).")

    @model_validator(mode="before")
    @classmethod
    def _single_document(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("text" in data or "html" in data) and \
                not {"documents", "urls"} & data.keys():
            return {"documents": [data]}
        return data

    @model_validator(mode="after")
    def _something(self) -> ArticlesIn:
        if not self.documents and not self.urls:
            raise ValueError("give 'documents', 'urls', or one document's 'text' or 'html'")
        return self


class EventPage(BaseModel):
    events: list[Event]
    limit: int
    offset: int
    next: str | None = Field(None, description="The next page, if there may be one.")


class DyadCount(BaseModel):
    dyad: str
    type: str
    year: str | None
    events: int


class DyadCounts(BaseModel):
    dyads: list[DyadCount]


class MonthCount(BaseModel):
    month: str
    type: str
    events: int


class TypeCount(BaseModel):
    type: str
    events: int


class Totals(BaseModel):
    events: int
    undated: int = Field(description="Events with neither a date nor a publication date.")
    by_type: list[TypeCount]
    by_month: list[MonthCount]


class Counterpart(BaseModel):
    id: str
    kind: str
    name: str
    country: str | None
    events: int


class EntityOut(BaseModel):
    id: str
    kind: Literal["person", "organization", "country"]
    name: str
    country: str | None
    aliases: list[str]
    roles: list[dict[str, Any]] = Field(description="[{role, since, until, source}]")
    events: int
    counterparts: list[Counterpart]
    latest: list[Event]


class EntityHit(BaseModel):
    id: str
    kind: str
    name: str
    country: str | None
    aliases: list[str]
    events: int


class Snippet(BaseModel):
    before: str
    match: str
    after: str


class ArticleHit(BaseModel):
    id: int
    document: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    near_duplicate_of: int | None
    snippet: Snippet
    events: list[dict[str, Any]] = Field(description="{id, type, countries, date}: what it "
                                         "reported")


class SearchResults(BaseModel):
    query: str
    events: list[Event]
    entities: list[EntityHit]
    articles: list[ArticleHit]


class DocumentOutcome(BaseModel):
    document: str
    title: str | None
    stored: bool = Field(description="False when the article was already in the store.")
    events: list[dict[str, Any]] = Field(description="{id, type, countries, date, headline}")


class IngestOut(BaseModel):
    articles: int
    known: int
    near_duplicates: int
    events_new: int
    events_merged: int
    documents: list[DocumentOutcome]


class ProblemOut(BaseModel):
    code: str
    message: str
    document: str | None = None


class JobOut(BaseModel):
    id: str
    state: Literal["queued", "fetching", "extracting", "done", "failed"]
    total: int = Field(description="Items in the current stage (URLs, then documents).")
    done: int
    problems: list[ProblemOut]
    result: IngestOut | None


class JobAccepted(BaseModel):
    job: str
    status: str = Field(description="Poll this URL for progress and the result.")


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorOut(BaseModel):
    error: ErrorBody
