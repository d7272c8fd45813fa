"""FEEDS.yaml: which feeds to poll and how politely; errors name the file and line.

```yaml
contact: https://example.org/crawler.html   # optional: goes into the User-Agent
interval: 15m        # how often each feed is polled (default)
rate_limit: 2s       # at least this long between two requests to one host
timeout: 20s
max_bytes: 10MB      # a larger feed or page is refused
retries: 3           # within one poll, for timeouts, 429 and 5xx, with backoff
backoff: 1s          # first wait between retries; doubles each time
max_attempts: 5      # an article that failed this often is dropped
feeds:
  - https://www.example.com/defence/rss.xml
  - url: https://www.example.com/news-sitemap.xml
    name: Example News
    interval: 5m
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import yaml

from ..errors import BilatError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|kB|KB|KiB|MB|MiB|GB|GiB)?\s*$")
_SIZE_UNITS = {"B": 1, "kB": 1000, "KB": 1000, "KiB": 1024, "MB": 10**6, "MiB": 2**20,
               "GB": 10**9, "GiB": 2**30}


@dataclass(frozen=True)
class Politeness:
    """How the watcher treats the sites it reads."""

    contact: str | None = None
    rate_limit: float = 2.0  # seconds between two requests to one host
    timeout: float = 20.0
    max_bytes: int = 10 * 10**6
    retries: int = 3
    backoff: float = 1.0
    max_attempts: int = 5


@dataclass(frozen=True)
class FeedConfig:
    url: str
    name: str | None = None
    interval: float = 900.0  # seconds between polls
    line: int | None = None  # where FEEDS.yaml declares it


@dataclass(frozen=True)
class WatchConfig:
    feeds: tuple[FeedConfig, ...]
    politeness: Politeness = field(default_factory=Politeness)
    path: str | None = None


_SETTINGS = {
    "contact": "text", "interval": "duration", "rate_limit": "duration",
    "timeout": "duration", "max_bytes": "size", "retries": "count", "backoff": "duration",
    "max_attempts": "count", "feeds": "list",
}
_FEED_KEYS = {"url": "text", "name": "text", "interval": "duration"}


def load_config(path: str | Path) -> WatchConfig:
    """Read FEEDS.yaml; a mistake raises ``BilatError`` B601 naming the file and line."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BilatError("B601", f"{where}: cannot read: {error}") from error
    return parse_config(text, where)


def parse_config(text: str, where: str = "FEEDS.yaml") -> WatchConfig:
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error)
        raise BilatError("B601", f"{where}{line}: not valid YAML: {reason}") from error
    if root is None:
        raise BilatError("B601", f"{where}: empty; it needs a 'feeds' list")
    if not isinstance(root, yaml.MappingNode):
        _fail(where, root, "expected settings and a 'feeds' list at the top level")
    settings: dict[str, Any] = {}
    feed_nodes: list[yaml.Node] = []
    for key_node, value_node in root.value:
        key = key_node.value
        if key not in _SETTINGS:
            _fail(where, key_node, f"unknown setting {key!r}; expected one of "
                                   f"{', '.join(sorted(_SETTINGS))}")
        if key == "feeds":
            if not isinstance(value_node, yaml.SequenceNode):
                _fail(where, value_node, "'feeds' must be a list of URLs or {url, name, "
                                         "interval} entries")
            feed_nodes = value_node.value
        else:
            settings[key] = _value(where, value_node, key, _SETTINGS[key])
    if not feed_nodes:
        _fail(where, root, "no feeds: add a 'feeds' list")
    interval = settings.pop("interval", FeedConfig.interval)
    feeds: list[FeedConfig] = []
    seen: dict[str, int] = {}
    for node in feed_nodes:
        feed = _feed(where, node, interval)
        if feed.url in seen:
            _fail(where, node, f"{feed.url} is listed twice (first on line {seen[feed.url]})")
        seen[feed.url] = node.start_mark.line + 1
        feeds.append(feed)
    return WatchConfig(feeds=tuple(feeds), politeness=replace(Politeness(), **settings),
                       path=where)


def _feed(where: str, node: yaml.Node, interval: float) -> FeedConfig:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return FeedConfig(url=_url(where, node), interval=interval, line=line)
    if not isinstance(node, yaml.MappingNode):
        _fail(where, node, "a feed is a URL or an entry with 'url' (and 'name', 'interval')")
    values: dict[str, Any] = {"interval": interval}
    url = None
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in _FEED_KEYS:
            _fail(where, key_node, f"unknown feed key {key!r}; expected url, name or interval")
        if key == "url":
            url = _url(where, value_node)
        else:
            values[key] = _value(where, value_node, key, _FEED_KEYS[key])
    if url is None:
        _fail(where, node, "this feed has no 'url'")
    return FeedConfig(url=url, line=line, **values)


def _url(where: str, node: yaml.Node) -> str:
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    parts = urlsplit(value.strip()) if isinstance(value, str) else None
    if value is None or parts is None or parts.scheme not in ("http", "https") or \
            not parts.hostname:
        _fail(where, node, f"not an http(s) URL: {value!r}")
    return str(value).strip()


def _value(where: str, node: yaml.Node, key: str, kind: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        _fail(where, node, f"{key!r} must be a single value")
    raw = node.value
    if kind == "text":
        if not raw.strip():
            _fail(where, node, f"{key!r} is empty")
        return raw.strip()
    if kind == "count":
        if not raw.strip().isdigit():
            _fail(where, node, f"{key!r} must be a whole number, got {raw!r}")
        return int(raw)
    if kind == "duration":
        match = _DURATION.match(raw)
        if match is None:
            _fail(where, node, f"{key!r} must be a duration such as 90s, 15m or 1h, got {raw!r}")
        return float(match.group(1)) * _DURATION_UNITS[match.group(2) or "s"]
    match = _SIZE.match(raw)
    if match is None:
        _fail(where, node, f"{key!r} must be a size such as 500kB or 10MB, got {raw!r}")
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2) or "B"])


def _fail(where: str, node: yaml.Node, message: str) -> NoReturn:
    raise BilatError("B601", f"{where}:{node.start_mark.line + 1}: {message}")
