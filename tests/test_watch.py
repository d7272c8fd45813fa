"""bilat watch: feeds file, polite fetching, and end-to-end polling against a server on 127.0.0.1.

The server runs in a thread on a free port and serves the fixture feeds and pages under
tests/resources/watch, plus one route for each way a feed can fail. Every test stops by
itself: single passes with small timeouts.
"""

from __future__ import annotations

import hashlib
import signal
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilat import __version__
from bilat.cli.main import cli
from bilat.errors import BilatError
from bilat.store import FeedLedger, Store
from bilat.watch import Fetcher, FetchError, Politeness, parse_config, user_agent, watch
from bilat.watch.parse import feed_items

FIXTURES = Path(__file__).resolve().parent / "resources" / "watch"
CONTACT = "https://bilat.example/watch-test"
ATOM_MODIFIED = "Sat, 03 May 2025 17:00:00 GMT"
NOW = datetime(2025, 8, 20, 6, 0, 0)


class FeedServer:
    """Fixture feeds and pages on 127.0.0.1, with a log of every request."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str], float]] = []
        self.extra_rss = ""  # items added to the RSS feed later
        self.broken_fixed = False
        self.flaky_failures = 1  # the Indonesia page answers 503 this many times first
        self.crawl_delay = ""  # a Crawl-delay line to add to robots.txt
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.hits[self.path] += 1
                server.requests.append((self.path, dict(self.headers), time.monotonic()))
                try:
                    server.answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (the 50 MB page)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def fixture(self, name: str) -> bytes:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        return text.replace("{base}", self.base).replace("{extra}", self.extra_rss).encode()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path == "/robots.txt":
            return _send(handler, 200, "text/plain",
                         self.fixture("robots.txt") + self.crawl_delay.encode())
        if path == "/feeds/defence.rss":
            body = self.fixture("defence.rss")
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if handler.headers.get("If-None-Match") == etag:
                return _send(handler, 304, None, b"")
            return _send(handler, 200, "application/rss+xml", body, {"ETag": etag})
        if path == "/feeds/defence.atom":
            if handler.headers.get("If-Modified-Since") == ATOM_MODIFIED:
                return _send(handler, 304, None, b"")
            return _send(handler, 200, "application/atom+xml", self.fixture("defence.atom"),
                         {"Last-Modified": ATOM_MODIFIED})
        if path == "/feeds/news-sitemap.xml":
            return _send(handler, 200, "application/xml", self.fixture("news-sitemap.xml"))
        if path == "/feeds/broken.rss":
            if self.broken_fixed:  # lists an article another feed listed already
                return _send(handler, 200, "application/xml", self.fixture("news-sitemap.xml"))
            return _send(handler, 500, "text/html", b"<h1>Internal Server Error</h1>")
        if path == "/feeds/slow.rss":
            time.sleep(1.5)
            return _send(handler, 200, "application/rss+xml", self.fixture("defence.rss"))
        if path == "/feeds/invalid.rss":
            return _send(handler, 200, "application/rss+xml", self.fixture("invalid.rss"))
        if path == "/feeds/huge.rss":  # 50 MB, no Content-Length: only counting bytes stops it
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.end_headers()
            block = b"<!-- " + b"x" * (1 << 20) + b" -->"
            for _ in range(50):
                handler.wfile.write(block)
            return None
        if path == "/feeds/photo.rss":
            return _send(handler, 200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        if path == "/feeds/loop.rss":
            handler.send_response(302)
            handler.send_header("Location", "/feeds/loop.rss")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if path == "/news/indonesia-rafale.html" and self.flaky_failures > 0:
            self.flaky_failures -= 1
            return _send(handler, 503, "text/html", b"busy", {"Retry-After": "0"})
        page = FIXTURES / path.lstrip("/")
        if path.startswith(("/news/", "/private/")) and page.is_file():
            return _send(handler, 200, "text/html; charset=utf-8", page.read_bytes())
        return _send(handler, 404, "text/html", b"<h1>Not Found</h1>")

    def page_hits(self) -> dict[str, int]:
        return {p: n for p, n in self.hits.items() if p.startswith(("/news/", "/private/"))}


def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str | None, body: bytes,
          headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def server():
    feed_server = FeedServer()
    feed_server.thread.start()
    yield feed_server
    feed_server.httpd.shutdown()
    feed_server.httpd.server_close()


def feeds_file(server: FeedServer, feeds: list[str]) -> str:
    lines = "\n".join(f"  - {server.base}{f}" if f.startswith("/") else f"  - {f}"
                      for f in feeds)
    return f"""# bilat watch, test settings: short timeouts, no waiting between requests
contact: {CONTACT}
interval: 1h
rate_limit: 0s
timeout: 0.5s
max_bytes: 1MB
retries: 1
backoff: 0.05s
feeds:
{lines}
"""


EVERY_FAILURE = {
    "/feeds/missing.rss": "B605",   # 404
    "/feeds/broken.rss": "B605",    # 500
    "/feeds/slow.rss": "B604",      # timeout
    "/feeds/invalid.rss": "B609",   # invalid XML
    "/feeds/huge.rss": "B608",      # a 50 MB body
    "/feeds/photo.rss": "B607",     # wrong content type
    "/feeds/loop.rss": "B606",      # redirect loop
    "http://feeds.bilat-test.invalid/defence.rss": "B602",  # DNS
}
GOOD_FEEDS = ["/feeds/defence.rss", "/feeds/defence.atom", "/feeds/news-sitemap.xml"]
STORED_PAGES = {"/news/india-japan-talks.html", "/news/alon-exercise.html",
                "/news/indonesia-rafale.html", "/news/healey-rajnath-call.html",
                "/news/hegseth-teodoro-manila.html"}


def _feed_key(server: FeedServer, feed: str) -> str:
    return server.base + feed if feed.startswith("/") else feed


# --- the feeds file ---------------------------------------------------------------------

def test_feeds_file_settings_and_feeds_are_read_with_units():
    config = parse_config("""contact: mailto:desk@example.org
interval: 10m
rate_limit: 1.5s
max_bytes: 2MB
feeds:
  - https://www.example.com/defence/rss.xml
  - url: https://www.example.com/news-sitemap.xml
    name: Example News
    interval: 1h
""")
    assert [f.url for f in config.feeds] == ["https://www.example.com/defence/rss.xml",
                                             "https://www.example.com/news-sitemap.xml"]
    assert [f.interval for f in config.feeds] == [600.0, 3600.0]
    assert config.feeds[1].name == "Example News" and config.feeds[1].line == 7
    assert config.politeness.rate_limit == 1.5 and config.politeness.max_bytes == 2_000_000
    assert "mailto:desk@example.org" in user_agent(config.politeness.contact)


@pytest.mark.parametrize("text, message", [
    ("feeds:\n  - https://a.example/rss\n  - url: https://b.example/rss\n    interval: soon\n",
     "FEEDS.yaml:4: 'interval' must be a duration such as 90s, 15m or 1h, got 'soon'"),
    ("intervall: 5m\nfeeds:\n  - https://a.example/rss\n",
     "FEEDS.yaml:1: unknown setting 'intervall'"),
    ("feeds:\n  - https://a.example/rss\n  - ftp://a.example/rss\n",
     "FEEDS.yaml:3: not an http(s) URL: 'ftp://a.example/rss'"),
    ("feeds:\n  - https://a.example/rss\n  - https://a.example/rss\n",
     "FEEDS.yaml:3: https://a.example/rss is listed twice (first on line 2)"),
    ("feeds:\n  - name: No address\n", "FEEDS.yaml:2: this feed has no 'url'"),
    ("feeds: [https://a.example/rss\n", "FEEDS.yaml:2: not valid YAML"),
    ("timeout: 5s\n", "FEEDS.yaml:1: no feeds"),
])
def test_a_bad_feeds_file_names_the_line_and_the_mistake(text, message):
    with pytest.raises(BilatError) as caught:
        parse_config(text)
    assert caught.value.code == "B601"
    assert message in str(caught.value)


# --- polite fetching --------------------------------------------------------------------

def test_requests_to_one_host_are_spaced_by_the_rate_limit_and_say_who_asks(server):
    politeness = Politeness(contact=CONTACT, rate_limit=0.3, timeout=2, retries=0)
    with Fetcher(politeness) as fetcher:
        for page in ("india-japan-talks", "alon-exercise", "healey-rajnath-call"):
            fetched = fetcher.get(f"{server.base}/news/{page}.html", accept=("text/html",))
            assert fetched.status == 200 and b"<article>" in fetched.content
    times = [t for path, _, t in server.requests]
    assert [path for path, _, _ in server.requests][0] == "/robots.txt"
    assert all(later - earlier >= 0.28 for earlier, later in zip(times[:-1], times[1:], strict=True))
    agents = {headers["User-Agent"] for _, headers, _ in server.requests}
    assert agents == {f"bilat/{__version__} (defence-diplomacy news reader; +{CONTACT})"}


def test_a_crawl_delay_in_robots_txt_slows_down_a_faster_rate_limit(server):
    server.crawl_delay = "Crawl-delay: 1\n"
    with Fetcher(Politeness(rate_limit=0, retries=0)) as fetcher:
        for page in ("india-japan-talks", "alon-exercise"):
            fetcher.get(f"{server.base}/news/{page}.html", accept=("text/html",))
    times = [t for path, _, t in server.requests if path.startswith("/news/")]
    assert times[1] - times[0] >= 0.95


def test_robots_txt_forbids_a_page_without_requesting_it(server):
    with Fetcher(Politeness(rate_limit=0, retries=0)) as fetcher:
        with pytest.raises(FetchError) as caught:
            fetcher.get(f"{server.base}/private/embargoed.html", accept=("text/html",))
    assert caught.value.code == "B610" and not caught.value.retry
    assert server.hits["/private/embargoed.html"] == 0


def test_a_503_is_retried_with_backoff_and_then_succeeds(server):
    with Fetcher(Politeness(rate_limit=0, retries=2, backoff=0.05)) as fetcher:
        fetched = fetcher.get(f"{server.base}/news/indonesia-rafale.html", accept=("text/html",))
    assert fetched.status == 200
    assert server.hits["/news/indonesia-rafale.html"] == 2


@pytest.mark.parametrize("feed, code", sorted(EVERY_FAILURE.items()))
def test_each_kind_of_failure_gets_its_code_and_reason(server, feed, code):
    politeness = Politeness(rate_limit=0, timeout=0.5, max_bytes=10**6, retries=0)
    with Fetcher(politeness) as fetcher:
        with pytest.raises(FetchError) as caught:
            fetched = fetcher.get(_feed_key(server, feed), accept=("xml", "rss", "atom"))
            feed_items(feed, fetched)
    assert caught.value.code == code
    assert str(caught.value).startswith(f"{code}: ")


# --- end to end: feeds to the store, restarts, retries --------------------------------------

@pytest.mark.model
def test_watch_stores_new_articles_logs_failures_and_remembers_across_restarts(server,
                                                                               tmp_path):
    from bilat.watch import load_config

    (tmp_path / "FEEDS.yaml").write_text(feeds_file(server, GOOD_FEEDS + list(EVERY_FAILURE)))
    config = load_config(tmp_path / "FEEDS.yaml")
    db = f"sqlite:///{tmp_path / 'bilat.db'}"

    # first pass: the good feeds' articles are stored while every bad feed fails
    first = watch(config, Store(db), max_cycles=1, clock=lambda: NOW)[0]
    assert first.articles_stored == 5 and first.events_new > 0
    assert set(server.page_hits()) == STORED_PAGES  # the robots.txt-forbidden page: never
    assert server.hits["/news/indonesia-rafale.html"] == 2  # a 503, then a retry
    failed = {url: error for url, error in first.failures}
    for feed, code in EVERY_FAILURE.items():
        assert failed[_feed_key(server, feed)].startswith(code)
    assert failed[server.base + "/feeds/missing.rss"].endswith("HTTP 404 from "
                                                               f"{server.base}/feeds/missing.rss")
    assert failed[server.base + "/private/embargoed.html"].startswith("B610")
    states = {state.url: state for state in FeedLedger(Store(db)).feeds()}
    for feed in EVERY_FAILURE:
        state = states[_feed_key(server, feed)]
        assert state.failures == 1 and state.next_check_at == NOW + timedelta(hours=1)
        assert state.last_error.startswith(EVERY_FAILURE[feed])
    assert all(states[server.base + f].failures == 0 for f in GOOD_FEEDS)

    from bilat.query import events, make_filter

    stored = events(Store(db), make_filter())
    pairs = {(e["type"], "-".join(e["countries"])) for e in stored}
    assert ("MEETING", "IND-JPN") in pairs and ("CALL", "GBR-IND") in pairs
    assert ("MEETING", "PHL-USA") in pairs

    # a restart before anything is due: not one request
    before = sum(server.hits.values())
    again = watch(config, Store(db), max_cycles=1, clock=lambda: NOW + timedelta(minutes=5))[0]
    assert again.feeds_polled == 0 and sum(server.hits.values()) == before

    # two hours on: the feeds are polled with their validators, only the new article is
    # fetched, the repaired feed recovers and the others back off further
    server.extra_rss = (f"<item><title>Pistorius in New Delhi</title><link>{server.base}"
                        "/news/pistorius-delhi-visit.html</link></item>")
    server.broken_fixed = True
    pages_before = server.page_hits()
    later = NOW + timedelta(hours=2)
    third = watch(config, Store(db), max_cycles=1, clock=lambda: later)[0]
    assert third.not_modified == 1  # the Atom feed, by Last-Modified
    assert third.new_items == 1 and third.articles_stored == 1
    assert server.page_hits() == {**pages_before, "/news/pistorius-delhi-visit.html": 1}
    rss_requests = [h for p, h, _ in server.requests if p == "/feeds/defence.rss"]
    assert "If-None-Match" not in rss_requests[0] and "If-None-Match" in rss_requests[-1]
    states = {state.url: state for state in FeedLedger(Store(db)).feeds()}
    assert states[server.base + "/feeds/broken.rss"].failures == 0
    assert states[server.base + "/feeds/loop.rss"].failures == 2
    assert states[server.base + "/feeds/loop.rss"].next_check_at == later + timedelta(hours=2)
    ledger = FeedLedger(Store(db))
    assert {i.url for i in ledger.items("stored")} == \
        {server.base + p for p in STORED_PAGES | {"/news/pistorius-delhi-visit.html"}}
    assert [i.url for i in ledger.items("dropped")] == [server.base + "/private/embargoed.html"]


@pytest.mark.model
def test_watch_command_runs_one_pass_and_stops(server, tmp_path):
    (tmp_path / "FEEDS.yaml").write_text(feeds_file(server, ["/feeds/defence.atom",
                                                             "/feeds/missing.rss"]))
    result = CliRunner().invoke(cli, ["watch", str(tmp_path / "FEEDS.yaml"), "--once",
                                      "--db", str(tmp_path / "bilat.db")])
    assert result.exit_code == 0, result.output
    assert "pass 1: 2 feeds polled (0 not modified), 1 new articles listed, 1 stored" in \
        result.output
    assert f"B605: HTTP error: HTTP 404 from {server.base}/feeds/missing.rss" in result.output
    assert server.hits["/news/healey-rajnath-call.html"] == 1


@pytest.mark.model
def test_watch_command_gives_back_the_signal_handlers_it_took(server, tmp_path):
    """Its Ctrl-C/SIGTERM handlers outliving it made forked workers ignore SIGTERM later in
    the same process, and a worker pool hang on closing."""
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    (tmp_path / "FEEDS.yaml").write_text(feeds_file(server, ["/feeds/defence.atom"]))
    result = CliRunner().invoke(cli, ["watch", str(tmp_path / "FEEDS.yaml"), "--once",
                                      "--db", str(tmp_path / "bilat.db")])
    assert result.exit_code == 0, result.output
    assert {number: signal.getsignal(number) for number in before} == before


def test_watch_command_reports_a_bad_feeds_file(tmp_path):
    (tmp_path / "FEEDS.yaml").write_text("feeds:\n  - url: https://a.example/rss\n"
                                         "    every: 5m\n")
    result = CliRunner().invoke(cli, ["watch", str(tmp_path / "FEEDS.yaml"), "--once",
                                      "--db", str(tmp_path / "bilat.db")])
    assert result.exit_code == 1
    assert f"B601: {tmp_path / 'FEEDS.yaml'}:3: unknown feed key 'every'" in result.output
