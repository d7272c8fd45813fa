"""Live feeds: ``bilat watch FEEDS.yaml`` polls RSS/Atom feeds and news sitemaps and stores
the articles they list.

- ``config``: FEEDS.yaml, with file:line errors (B601)
- ``fetch``: polite HTTP (robots.txt, per-host rate limit, conditional GET, retries, limits)
- ``parse``: feed and sitemap bodies -> the articles they list
- ``poll``: one cycle, and the loop that repeats it; state is kept in the store
  (``bilat.store.feeds``), so a restart neither fetches nor stores anything twice
"""

from __future__ import annotations

from .config import FeedConfig, Politeness, WatchConfig, load_config, parse_config
from .fetch import Fetcher, FetchError, user_agent
from .poll import CycleReport, poll_cycle, watch

__all__ = ["CycleReport", "FeedConfig", "FetchError", "Fetcher", "Politeness", "WatchConfig",
           "load_config", "parse_config", "poll_cycle", "user_agent", "watch"]
