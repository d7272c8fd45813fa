"""bilat's catalogue of errors a user can quote.

Each code names one kind of failure and says what to do about it. Input problems are
reported as ``records.Problem`` and the run goes on; ``BilatError`` is raised only where
nothing sensible can continue (a broken install, a bad data file).
"""

from __future__ import annotations

from .records import Problem

CATALOGUE: dict[str, str] = {
    # B1xx: reading inputs
    "B101": "no such file or directory",
    "B102": "cannot read the file (permission or I/O error)",
    "B103": "looks binary, not text",
    "B104": "cannot decode as UTF-8 or cp1252",
    "B105": "malformed JSON line",
    "B106": "JSON record has no usable 'text'",
    "B107": "unsupported file type",
    "B108": "HTML page has no extractable main text",
    # B2xx: the install and its data
    "B201": "the spaCy English pipeline is not installed",
    "B202": "a bundled data file is invalid",
    # B3xx: evaluation
    "B301": "evaluation data not found",
    # B4xx: the store and its queries
    "B401": "bad dyad",
    "B402": "bad event type",
    "B403": "event not found",
    "B404": "cannot open the database",
    "B405": "entity not found",
    "B406": "bad date",
    # B5xx: the server (REST API and pages)
    "B501": "bad request (parameters or body)",
    "B502": "missing or wrong token",
    "B503": "document rejected; nothing was stored",
    "B504": "request body too large",
    "B505": "cannot fetch the URL",
    "B506": "no such ingest job",
    "B507": "not found",
    # B6xx: live feeds (bilat watch); a failed feed or page is retried later
    "B601": "bad feeds file",
    "B602": "cannot resolve the host name",
    "B603": "cannot connect",
    "B604": "timed out",
    "B605": "HTTP error",
    "B606": "too many redirects (a redirect loop?)",
    "B607": "unexpected content type",
    "B608": "response too large",
    "B609": "not a valid RSS/Atom feed or news sitemap",
    "B610": "disallowed by robots.txt",
    # B7xx: the archive on Spark (bilat spark-extract)
    "B701": "Spark is not available (install bilat[spark] and a Java 17+ runtime)",
    "B702": "not a spark-extract output folder",
}


class BilatError(Exception):
    """An error that stops the current command, carrying a catalogue code."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


def problem(code: str, detail: str, path: str | None = None, line: int | None = None) -> Problem:
    """A ``Problem`` whose message starts from the catalogue entry for ``code``."""
    return Problem(code=code, message=f"{CATALOGUE[code]}: {detail}" if detail else CATALOGUE[code],
                   path=path, line=line)
