"""Polite HTTP: robots.txt, a per-host rate limit, conditional GET, retries, size and type limits.

Every failure becomes a ``FetchError`` with a catalogue code (B602-B610) and the reason, so
the watcher can log it, remember it and try again later.
"""

from __future__ import annotations

import email.utils
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from .. import __version__
from ..errors import CATALOGUE
from .config import Politeness

log = logging.getLogger("bilat.watch")

FEED_TYPES = ("xml", "rss", "atom", "text/plain")  # text/plain: some servers send feeds so
PAGE_TYPES = ("text/html", "application/xhtml+xml")
ROBOTS_MAX_BYTES = 500_000  # RFC 9309 lets a crawler stop reading robots.txt at 500 KiB
MAX_RETRY_AFTER = 60.0
MAX_REDIRECTS = 10
ROBOTS_TTL = 86400.0  # RFC 9309: a cached robots.txt should not be used for more than a day


class FetchError(Exception):
    """A feed or page that could not be fetched: a catalogue code and the reason."""

    def __init__(self, code: str, detail: str, *, retry: bool = True) -> None:
        self.code = code
        self.detail = detail
        self.retry = retry  # worth trying again later (a 404 may come back; robots may change)
        super().__init__(f"{code}: {CATALOGUE[code]}: {detail}")


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 for a conditional GET that found nothing new
    content: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def user_agent(contact: str | None) -> str:
    """Says who is asking and where to complain: bilat, its version, and the operator."""
    contact_part = f"; +{contact}" if contact else ""
    return f"bilat/{__version__} (defence-diplomacy news reader{contact_part})"


class Fetcher:
    """One HTTP client for the whole watcher, so robots.txt and rate limits are shared."""

    def __init__(self, politeness: Politeness, *,
                 sleep: Callable[[float], object] = time.sleep,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.politeness = politeness
        self.agent = user_agent(politeness.contact)
        # the product token robots.txt groups are matched against
        self.robots_agent = "bilat"
        self._sleep = sleep
        self._client = httpx.Client(
            headers={"User-Agent": self.agent}, timeout=politeness.timeout,
            follow_redirects=True, max_redirects=MAX_REDIRECTS, transport=transport)
        self._robots: dict[str, tuple[RobotFileParser, float]] = {}
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def get(self, url: str, *, accept: tuple[str, ...], etag: str | None = None,
            last_modified: str | None = None) -> Fetched:
        """GET ``url`` if robots.txt allows it, waiting its turn on the host, retrying
        transient failures; 304 when ``etag``/``last_modified`` still hold."""
        robots = self._robots_for(url)
        if not robots.can_fetch(self.robots_agent, url):
            raise FetchError("B610", url, retry=False)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._with_retries(url, headers, accept, self.politeness.max_bytes)

    # --- robots.txt --------------------------------------------------------------------
    def _robots_for(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        cached = self._robots.get(origin)
        if cached is not None and time.monotonic() - cached[1] < ROBOTS_TTL:
            return cached[0]
        parser = RobotFileParser(origin + "/robots.txt")
        try:
            found = self._with_retries(origin + "/robots.txt", {}, (), ROBOTS_MAX_BYTES)
        except FetchError as error:
            if error.code != "B605" or not error.detail.startswith("HTTP 4"):
                raise  # unreachable: RFC 9309 says assume everything is disallowed
            parser.parse([])  # no robots.txt (4xx): everything is allowed
        else:
            text = found.content.decode(found.charset or "utf-8", errors="replace")
            parser.parse(text.splitlines())
        self._robots[origin] = (parser, time.monotonic())
        return parser

    def _host_delay(self, url: str) -> float:
        parts = urlsplit(url)
        origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        cached = self._robots.get(origin)
        crawl_delay = cached[0].crawl_delay(self.robots_agent) if cached is not None else None
        return max(self.politeness.rate_limit, float(crawl_delay or 0))

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            last = self._last_request.get(host)
            wait = 0.0 if last is None else last + self._host_delay(url) - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            self._last_request[host] = time.monotonic()

    # --- one request, retried ----------------------------------------------------------
    def _with_retries(self, url: str, headers: dict[str, str], accept: tuple[str, ...],
                      max_bytes: int) -> Fetched:
        attempt = 0
        while True:
            try:
                return self._once(url, headers, accept, max_bytes)
            except _Transient as transient:
                attempt += 1
                if attempt > self.politeness.retries:
                    raise transient.error from transient
                pause = transient.retry_after
                if pause is None:
                    pause = self.politeness.backoff * 2 ** (attempt - 1)
                log.info("%s: %s; retry %d of %d in %.1fs", url, transient.error.detail,
                         attempt, self.politeness.retries, pause)
                self._sleep(min(pause, MAX_RETRY_AFTER))

    def _once(self, url: str, headers: dict[str, str], accept: tuple[str, ...],
              max_bytes: int) -> Fetched:
        self._wait_turn(url)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._read(response, accept, max_bytes)
        except httpx.TooManyRedirects as error:
            raise FetchError("B606", f"{url}: more than {MAX_REDIRECTS} redirects") from error
        except httpx.TimeoutException as error:
            raise _Transient(FetchError("B604", f"{url}: no answer within "
                                                f"{self.politeness.timeout:g}s")) from error
        except httpx.TransportError as error:
            if _caused_by(error, socket.gaierror):
                host = urlsplit(url).hostname
                raise FetchError("B602", f"{host}: {error}") from error
            raise _Transient(FetchError("B603", f"{url}: {error}")) from error

    def _read(self, response: httpx.Response, accept: tuple[str, ...],
              max_bytes: int) -> Fetched:
        url = str(response.url)
        status = response.status_code
        if status == 304:
            return Fetched(url=url, status=304)
        if status == 429 or status >= 500:
            raise _Transient(FetchError("B605", f"HTTP {status} from {url}"),
                             _retry_after(response.headers.get("Retry-After")))
        if status >= 400:
            raise FetchError("B605", f"HTTP {status} from {url}")
        content_type = response.headers.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if accept and media_type and not any(kind in media_type for kind in accept):
            raise FetchError("B607", f"{media_type} from {url}")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError("B608", f"{url} declares {int(declared):,} bytes; the limit is "
                                     f"{max_bytes:,}")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError("B608", f"{url} sent more than {max_bytes:,} bytes")
            chunks.append(chunk)
        return Fetched(url=url, status=status, content=b"".join(chunks),
                       content_type=media_type, charset=response.charset_encoding,
                       etag=response.headers.get("ETag"),
                       last_modified=response.headers.get("Last-Modified"))


class _Transient(Exception):
    """A failure worth retrying within this poll (timeouts, connection resets, 429, 5xx)."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        self.error = error
        self.retry_after = retry_after
        super().__init__(str(error))


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, or as an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
