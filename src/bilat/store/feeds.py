"""What ``bilat watch`` remembers between runs: each feed's state and every article URL seen.

The rows live in the store beside the articles, so a restarted watcher neither fetches a page
again nor stores an article twice. The rest of bilat sees the frozen records below, never rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .gateway import Store
from .tables import Base

# An item waits in the queue until it is stored, or until it has failed this often.
STORED, QUEUED, DROPPED = "stored", "queued", "dropped"


class FeedRow(Base):
    """One polled feed: its validators for conditional GET, and when to poll it next."""

    __tablename__ = "feeds"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime)
    failures: Mapped[int] = mapped_column(Integer)  # in a row; 0 after a good poll
    last_error: Mapped[str | None] = mapped_column(Text)


class FeedItemRow(Base):
    """One article URL a feed listed, and what became of it."""

    __tablename__ = "feed_items"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    feed_url: Mapped[str] = mapped_column(ForeignKey("feeds.url"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))  # queued, stored or dropped
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_feed_items_status_next_try", "status", "next_try_at"),)


@dataclass(frozen=True)
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    checked_at: datetime | None = None
    next_check_at: datetime | None = None
    failures: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class FeedItem:
    """An article a feed lists: its URL, and the title and date the feed gives."""

    url: str
    feed_url: str
    title: str | None = None
    published: str | None = None  # ISO date
    attempts: int = 0
    status: str = QUEUED
    last_error: str | None = None
    next_try_at: datetime | None = None


def _state(row: FeedRow) -> FeedState:
    return FeedState(url=row.url, etag=row.etag, last_modified=row.last_modified,
                     checked_at=row.checked_at, next_check_at=row.next_check_at,
                     failures=row.failures, last_error=row.last_error)


def _item(row: FeedItemRow) -> FeedItem:
    return FeedItem(url=row.url, feed_url=row.feed_url, title=row.title,
                    published=row.published, attempts=row.attempts, status=row.status,
                    last_error=row.last_error, next_try_at=row.next_try_at)


class FeedLedger:
    """Reads and writes the watcher's state through the store's sessions."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def feed(self, url: str) -> FeedState:
        with self.store.session() as session:
            row = session.get(FeedRow, url)
            return _state(row) if row is not None else FeedState(url=url)

    def feeds(self) -> list[FeedState]:
        with self.store.session() as session:
            return [_state(r) for r in session.scalars(select(FeedRow).order_by(FeedRow.url))]

    def polled(self, url: str, when: datetime, next_check: datetime, *,
               validators: tuple[str | None, str | None] | None) -> None:
        """A good poll: new content with its (ETag, Last-Modified), or None for a 304."""
        with self.store.session() as session, session.begin():
            row = self._feed_row(session, url)
            if validators is not None:
                row.etag, row.last_modified = validators
            row.checked_at, row.next_check_at = when, next_check
            row.failures, row.last_error = 0, None

    def feed_failed(self, url: str, when: datetime, retry_at: datetime, error: str) -> None:
        with self.store.session() as session, session.begin():
            row = self._feed_row(session, url)
            row.checked_at, row.next_check_at = when, retry_at
            row.failures += 1
            row.last_error = error

    def add_items(self, items: Iterable[FeedItem], when: datetime) -> list[FeedItem]:
        """Queue the URLs never seen before; returns those."""
        items = list({item.url: item for item in items}.values())
        if not items:
            return []
        with self.store.session() as session, session.begin():
            urls = [item.url for item in items]
            seen: set[str] = set()
            for start in range(0, len(urls), 500):  # stay under SQL parameter limits
                seen.update(session.scalars(select(FeedItemRow.url)
                                            .where(FeedItemRow.url.in_(urls[start:start + 500]))))
            new = [item for item in items if item.url not in seen]
            session.add_all(FeedItemRow(url=i.url, feed_url=i.feed_url, title=i.title,
                                        published=i.published, status=QUEUED, attempts=0,
                                        first_seen=when, next_try_at=when) for i in new)
        return new

    def due_items(self, when: datetime) -> list[FeedItem]:
        """Queued articles whose turn has come, oldest first."""
        with self.store.session() as session:
            query = select(FeedItemRow).where(
                FeedItemRow.status == QUEUED,
                or_(FeedItemRow.next_try_at.is_(None), FeedItemRow.next_try_at <= when)) \
                .order_by(FeedItemRow.first_seen, FeedItemRow.url)
            return [_item(row) for row in session.scalars(query)]

    def items(self, status: str | None = None) -> list[FeedItem]:
        with self.store.session() as session:
            query = select(FeedItemRow).order_by(FeedItemRow.first_seen, FeedItemRow.url)
            if status is not None:
                query = query.where(FeedItemRow.status == status)
            return [_item(row) for row in session.scalars(query)]

    def next_wakeup(self) -> datetime | None:
        """The earliest time a feed or a queued article is due."""
        with self.store.session() as session:
            feeds = session.scalars(select(FeedRow.next_check_at)
                                    .where(FeedRow.next_check_at.is_not(None))
                                    .order_by(FeedRow.next_check_at)).first()
            items = session.scalars(select(FeedItemRow.next_try_at)
                                    .where(FeedItemRow.status == QUEUED,
                                           FeedItemRow.next_try_at.is_not(None))
                                    .order_by(FeedItemRow.next_try_at)).first()
        times = [t for t in (feeds, items) if t is not None]
        return min(times) if times else None

    def item_done(self, url: str, status: str, *, error: str | None = None,
                  retry_at: datetime | None = None) -> None:
        """Record one fetch of an article: stored, queued again for ``retry_at``, or dropped."""
        with self.store.session() as session, session.begin():
            row = session.get(FeedItemRow, url)
            if row is None:
                return
            row.attempts += 1
            row.status, row.last_error = status, error
            row.next_try_at = retry_at

    @staticmethod
    def _feed_row(session: Session, url: str) -> FeedRow:
        row = session.get(FeedRow, url)
        if row is None:
            row = FeedRow(url=url, failures=0)
            session.add(row)
        return row
