"""Feed bodies to the articles they list: RSS and Atom through feedparser, news sitemaps by hand.

feedparser does not read sitemaps (``<urlset>``), so those are parsed with lxml, with
entities and network access off.
"""

from __future__ import annotations

import time
from datetime import date

import feedparser
from lxml import etree

from ..store.feeds import FeedItem
from .fetch import Fetched, FetchError

_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
_SNIFF = 2048


def feed_items(feed_url: str, fetched: Fetched) -> list[FeedItem]:
    """The articles a feed or news sitemap lists, in its order; B609 when it is neither."""
    head = fetched.content[:_SNIFF]
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap_items(feed_url, fetched.content)
    parsed = feedparser.parse(fetched.content, response_headers={
        "content-location": fetched.url, "content-type": fetched.content_type or "text/xml"})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no RSS or Atom root element"
        raise FetchError("B609", f"{fetched.url}: {reason}")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link or not link.startswith(("http://", "https://")):
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(FeedItem(url=link, feed_url=feed_url, title=entry.get("title") or None,
                              published=_iso(stamp)))
    return items


def _sitemap_items(feed_url: str, content: bytes) -> list[FeedItem]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise FetchError("B609", f"{feed_url}: {error}") from error
    if root.tag == f"{_SITEMAP}sitemapindex":
        raise FetchError("B609", f"{feed_url} is a sitemap index; list its news sitemaps in "
                                 f"the feeds file", retry=False)
    items = []
    for entry in root.iter(f"{_SITEMAP}url"):
        loc = (entry.findtext(f"{_SITEMAP}loc") or "").strip()
        if not loc.startswith(("http://", "https://")):
            continue
        title = entry.findtext(f"{_NEWS}news/{_NEWS}title")
        published = entry.findtext(f"{_NEWS}news/{_NEWS}publication_date") or \
            entry.findtext(f"{_SITEMAP}lastmod")
        items.append(FeedItem(url=loc, feed_url=feed_url,
                              title=title.strip() if title else None,
                              published=_iso_text(published)))
    return items


def _iso(stamp: time.struct_time | None) -> str | None:
    return date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday).isoformat() if stamp else None


def _iso_text(value: str | None) -> str | None:
    """The date part of a W3C datetime ("2025-04-16T08:30:00+05:30" -> "2025-04-16")."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None
