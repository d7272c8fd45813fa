"""The server: the REST API under /api/v1, the pages, and what both share (store, settings,
the ingest worker, error bodies and security headers)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import CATALOGUE, BilatError
from ..store import Store
from .jobs import IngestQueue

# what each catalogue code means over HTTP; any other code is a bad request
STATUS = {"B403": 404, "B405": 404, "B506": 404, "B507": 404, "B502": 401, "B504": 413}
# Scripts and styles only from this server: an article's text cannot run or restyle anything
# even if it slipped past escaping.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


@dataclass(frozen=True)
class Settings:
    token: str | None = None  # BILAT_TOKEN: writes need it as a bearer token
    protect_reads: bool = False  # BILAT_PROTECT_READS: reads need the token too
    max_body_bytes: int = 50 * 2**20  # the largest request body (uploads included)


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    from ..web.pages import error_page
    from ..web.pages import router as pages
    from .routes import router as api

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.ingest.shutdown()

    app = FastAPI(title="bilat", version=__version__, lifespan=lifespan,
                  description="Defence-diplomacy events from news: query the store, ingest "
                              "articles. Errors are `{\"error\": {code, message, details}}` "
                              "with a code from bilat's catalogue.",
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.settings = settings or Settings()
    app.state.ingest = IngestQueue(store)

    def failure(request: Request, status: int, code: str, message: str,
                details: list[dict[str, Any]] | None = None) -> Response:
        if not request.url.path.startswith("/api/"):
            return error_page(request, status, code, message)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": {"code": code, "message": message,
                                       "details": details or []}}, status, headers=headers)

    @app.exception_handler(BilatError)
    async def bilat_error(request: Request, error: BilatError) -> Response:
        details = getattr(error, "details", None)
        return failure(request, STATUS.get(error.code, 422), error.code,
                       f"{CATALOGUE.get(error.code, '')}: {error.detail}", details)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        details = [{"where": ".".join(str(part) for part in problem["loc"]),
                    "message": problem["msg"]} for problem in error.errors()]
        where = "; ".join(f"{d['where']}: {d['message']}" for d in details[:3])
        return failure(request, 422, "B501", f"{CATALOGUE['B501']}: {where}", details)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        code = "B507" if error.status_code == 404 else "B501"
        return failure(request, error.status_code, code, str(error.detail))

    @app.middleware("http")
    async def guard(request: Request,
                    call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.method in ("POST", "PUT", "PATCH"):
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return failure(request, 411, "B501", "send the body with a Content-Length")
            if int(length) > app.state.settings.max_body_bytes:
                return failure(request, 413, "B504", f"{CATALOGUE['B504']}: more than "
                               f"{app.state.settings.max_body_bytes // 2**20} MB")
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    app.include_router(api)
    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=str(resources.files("bilat") / "web" / "static")),
              name="static")
    return app
