"""The watcher's loop: poll the feeds that are due, fetch the articles they list, store them.

One cycle (``poll_cycle``):

1. each feed whose time has come is fetched with a conditional GET (a 304 costs nothing) and
   parsed; URLs never seen before are queued in the store (``store.feeds``);
2. each queued article whose time has come is fetched, its main text extracted
   (``ingest.html``), run through the pipeline and stored, one transaction per article.

A feed or page that fails is logged with its code and reason and tried again later, with a
growing wait, while the others go on. ``watch`` repeats cycles until stopped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from ..ingest.decode import decode
from ..ingest.html import html_document
from ..pipeline import process_documents
from ..records import Document, Problem
from ..store import Store
from ..store.feeds import DROPPED, QUEUED, STORED, FeedItem, FeedLedger
from .config import FeedConfig, WatchConfig
from .fetch import FEED_TYPES, PAGE_TYPES, Fetcher, FetchError
from .parse import feed_items

log = logging.getLogger("bilat.watch")

MAX_BACKOFF = timedelta(days=1)
MIN_SLEEP, MAX_SLEEP = 1.0, 3600.0


@dataclass
class CycleReport:
    """What one cycle did."""

    feeds_polled: int = 0
    not_modified: int = 0
    new_items: int = 0
    articles_stored: int = 0
    already_known: int = 0
    events_new: int = 0
    events_merged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, "B605: ...")

    def summary(self) -> str:
        return (f"{self.feeds_polled} feeds polled ({self.not_modified} not modified), "
                f"{self.new_items} new articles listed, {self.articles_stored} stored "
                f"({self.already_known} already known), {self.events_new} new events, "
                f"{self.events_merged} merged; {len(self.failures)} failures")


def utcnow() -> datetime:
    """Naive UTC, as the store keeps times."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def poll_cycle(config: WatchConfig, store: Store, fetcher: Fetcher, *, now: datetime,
               stop: threading.Event | None = None) -> CycleReport:
    ledger = FeedLedger(store)
    report = CycleReport()
    for feed in config.feeds:
        if stop is not None and stop.is_set():
            return report
        _poll_feed(feed, ledger, fetcher, now, report)
    intervals = {feed.url: feed.interval for feed in config.feeds}
    due = ledger.due_items(now)
    documents = _fetch_articles(due, ledger, fetcher, now, report, intervals,
                                config.politeness.max_attempts, stop)
    for result in process_documents(documents):
        ingested = store.ingest_result(result)
        ledger.item_done(result.article.id, STORED)
        report.articles_stored += ingested.articles
        report.already_known += ingested.known
        report.events_new += ingested.events_new
        report.events_merged += ingested.events_merged
        log.info("stored %s: %d events", result.article.id, len(result.events))
    return report


def _poll_feed(feed: FeedConfig, ledger: FeedLedger, fetcher: Fetcher, now: datetime,
               report: CycleReport) -> None:
    state = ledger.feed(feed.url)
    if state.next_check_at is not None and state.next_check_at > now:
        return
    report.feeds_polled += 1
    try:
        fetched = fetcher.get(feed.url, accept=FEED_TYPES, etag=state.etag,
                              last_modified=state.last_modified)
        items = [] if fetched.status == 304 else feed_items(feed.url, fetched)
    except FetchError as error:
        retry_at = now + _backoff(feed.interval, state.failures)
        ledger.feed_failed(feed.url, now, retry_at, str(error))
        report.failures.append((feed.url, str(error)))
        log.warning("feed %s failed: %s; next try at %s UTC", feed.url, error,
                    retry_at.isoformat(timespec="seconds"))
        return
    validators = None if fetched.status == 304 else (fetched.etag, fetched.last_modified)
    ledger.polled(feed.url, now, now + timedelta(seconds=feed.interval), validators=validators)
    if fetched.status == 304:
        report.not_modified += 1
        log.info("feed %s: not modified", feed.url)
        return
    new = ledger.add_items(items, now)
    report.new_items += len(new)
    log.info("feed %s: %d items, %d new", feed.url, len(items), len(new))


def _fetch_articles(items: list[FeedItem], ledger: FeedLedger, fetcher: Fetcher,
                    now: datetime, report: CycleReport, intervals: dict[str, float],
                    max_attempts: int, stop: threading.Event | None) -> Iterator[Document]:
    """The queued articles as Documents, fetched one by one as the pipeline asks for them."""
    for item in items:
        if stop is not None and stop.is_set():
            return  # the rest stay queued for the next run
        try:
            yield _article(item, fetcher)
        except FetchError as error:
            attempts = item.attempts + 1
            give_up = not error.retry or attempts >= max_attempts
            interval = intervals.get(item.feed_url, FeedConfig.interval)
            retry_at = None if give_up else now + _backoff(interval, item.attempts)
            ledger.item_done(item.url, DROPPED if give_up else QUEUED, error=str(error),
                             retry_at=retry_at)
            report.failures.append((item.url, str(error)))
            log.warning("article %s failed: %s; %s", item.url, error,
                        "dropped" if retry_at is None else
                        f"next try at {retry_at.isoformat(timespec='seconds')} UTC")


def _article(item: FeedItem, fetcher: Fetcher) -> Document:
    fetched = fetcher.get(item.url, accept=PAGE_TYPES)
    markup = _text(fetched.content, fetched.charset)
    if markup is None:
        raise FetchError("B104", item.url, retry=False)
    document = html_document(markup, item.url, item.url)
    if isinstance(document, Problem):
        raise FetchError(document.code, item.url, retry=False)
    # the feed's URL identifies the article (the store skips a URL it holds); the feed's
    # title and date fill what the page does not say
    return replace(document, url=item.url, title=document.title or item.title,
                   date=document.date or item.published)


def _text(content: bytes, charset: str | None) -> str | None:
    if charset:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(content)


def _backoff(interval: float, failures: int) -> timedelta:
    """The wait before the next try: the feed's interval, doubled after each failure."""
    return min(timedelta(seconds=interval * 2 ** failures), MAX_BACKOFF)


def watch(config: WatchConfig, store: Store, *, max_cycles: int | None = None,
          stop: threading.Event | None = None, clock: Callable[[], datetime] = utcnow,
          on_cycle: Callable[[CycleReport], object] | None = None,
          fetcher: Fetcher | None = None) -> list[CycleReport]:
    """Poll until ``stop`` is set or ``max_cycles`` cycles have run (1: a single pass)."""
    stop = stop or threading.Event()
    reports: list[CycleReport] = []
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.politeness, sleep=stop.wait)
    ledger = FeedLedger(store)
    try:
        while not stop.is_set():
            report = poll_cycle(config, store, fetcher, now=clock(), stop=stop)
            reports.append(report)
            if on_cycle is not None:
                on_cycle(report)
            if max_cycles is not None and len(reports) >= max_cycles:
                break
            wakeup = ledger.next_wakeup()
            pause = MAX_SLEEP if wakeup is None else (wakeup - clock()).total_seconds()
            stop.wait(min(max(pause, MIN_SLEEP), MAX_SLEEP))
    finally:
        if own:
            fetcher.close()
    return reports
