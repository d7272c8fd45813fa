"""Clean: a raw scrape (``Document``) -> main text and metadata (``Article``).

Removes padding, boilerplate lines and trailing teaser blocks; lifts the headline, the
date line and the dateline ("Rome [Italy], April 16 (ANI):") into metadata. Paragraph
text is otherwise kept byte for byte: event sources quote it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from .records import Article, Document
from .resolve.dates import find_dates, parse_date

__all__ = ["clean"]

_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\f": "\n",
                             "\v": "\n"})
_INVISIBLE = " \t\xa0\u200b\u200c\u200d\u2060\ufeff"
_TAIL_PUNCT = r"\s*[:|.\-–—>»]*"

# --- boilerplate lines ------------------------------------------------------------------

_TEASER_HEADING = re.compile(
    r"(?i:more like this|top (?:stories|news|headlines)|related (?:news|stories|articles|posts"
    r"|content|coverage|reads)|related|you (?:may|might) also like|(?:you )?may also read"
    r"|latest (?:news|stories|updates|videos|headlines)|recommended(?: stories| for you"
    r"| articles| reads| videos)?|don['’]t miss(?: this| it)?|must read|read next|more (?:stories"
    r"|news|headlines)|also read|read more|editor['’]s picks?|most (?:read|popular|viewed"
    r"|shared)|popular (?:stories|now)|trending(?: now| news| stories| topics)?"
    r"|in case you missed it|what to read next|up next|next story|more from [\w .'’&-]{1,40})"
    + _TAIL_PUNCT)
_DROP_EXACT = re.compile(
    r"(?i:advertisements?|advert|ad|sponsored(?: content| stories| links| post)?"
    r"|story continues below(?: this)? advertisement|continue reading(?: below| the story)?"
    r"|scroll (?:down )?to continue(?: with content)?|share(?: this)?(?: article| story| post)?"
    r"|tags?|topics?|read also|click here|print|e-?mail|comments?|listen to (?:this )?"
    r"(?:article|story)|follow us|subscribe(?: now)?|sign up|log ?in|sign in|skip to (?:main )?"
    r"content|menu|search|home|close|loading)" + _TAIL_PUNCT)
_DROP_PREFIX = re.compile(
    r"(?i:(?:also\s+read|read\s+also|read\s+more|must\s+read|read|watch|listen|see\s+also"
    r"|also\s+see|tags|topics)\s*[:|\-–—>»])|ALSO READ\b|READ MORE\b|READ ALSO\b|MUST READ\b"
    r"|(?i:read more\b)")
_PROMO_PREFIX = re.compile(
    r"(?i:share (?:this|on|via|the)\b|follow (?:us|@\w+|[\w .]{1,30}? on (?:twitter|x"
    r"|facebook|instagram|linkedin|youtube|telegram|whatsapp|google news|threads))\b"
    r"|subscribe\b|sign up\b|join (?:us|our) (?:on|whatsapp|telegram)|download (?:the|our) "
    r".{0,30}app|get (?:the latest|breaking) news|for (?:more|the latest) (?:news|updates)"
    r"|click here|tap here)")
_CREDIT_LINE = re.compile(
    r"\(?\s*(?i:(?:photo|photograph|image|picture|pic|video|graphic|illustration|courtesy"
    r"|credit|photo credit|image credit|image source|representational (?:image|photo|picture)"
    r"|representative (?:image|photo))s?\b\s*(?:[:|/\-–—]|by\b|$)|file (?:photo|image|picture)"
    r"\b)")
_CAPTION_TAIL = re.compile(
    r"(?i:\((?:photo|image|picture|pic|file photo|file image|representational (?:image|photo)"
    r"|credit|courtesy)s?\b[^()]{0,80}\)|\|\s*(?:photo|image) credit\s*:.*)\s*$")
_COPYRIGHT = re.compile(r"(?i:^copyright\b|copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)\s*\d{4}"
                        r"|all rights reserved)")
_COPYRIGHT_WORDS = ("copyright", "©", "(c)", "all rights reserved")
_COOKIES = re.compile(r"(?i:\b(?:we use cookies|(?:this|our) (?:web)?site uses cookies"
                      r"|use of cookies|accept (?:all )?cookies|cookie (?:policy|settings"
                      r"|preferences|notice|consent)|by continuing to (?:use|browse))\b)")
_MENU_SPLIT = re.compile(r"\s*\|\s*|\s+[•·»>/]\s+")
_MENU_SEPARATORS = "|•·»>/"
_SOCIAL = (r"(?:facebook|twitter|x|whatsapp|linkedin|telegram|email|e-mail|print|reddit"
           r"|copy link|share|tweet|pinterest|koo|threads)")
# one separator form between words keeps matching linear on long lines
_SOCIAL_ROW = re.compile(rf"(?i:{_SOCIAL}(?:(?:\s*[|•·,/]\s*|\s+){_SOCIAL})*\s*[|•·,/]?)")
_READ_TIME = re.compile(r"(?i:\d+\s*(?:min|mins|minutes?)\s+read)")
_BYLINE = re.compile(r"(?i:by|written by|reported by|edited by)\s+[A-Z][\w.'’-]*"
                     r"(?:\s+[\w.'’&-]+){0,8}")

# --- date lines ---------------------------------------------------------------------------

_DATE_PREFIX = re.compile(
    r"(?i:(?P<kind>last\s+updated|updated|first\s+published|published|posted|dated|date"
    r"|created|modified)\b(?:\s+(?:on|at))?)\s*[:\-–—|]?\s*")
_TIME_NOISE = re.compile(
    r"(?i:\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\b\.?)?|\b\d{1,2}\s*[ap]\.?m\b\.?"
    r"|\b(?:IST|GMT|UTC|BST|EST|EDT|PST|PDT|CET|CEST|JST|KST|AEST|AEDT|SGT|PKT|hrs|hours)\b"
    r"|\bT(?=\d\d:)|[+-]\d{1,2}(?::?\d{2})?\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b\.?|\b(?:at|on)\b"
    r"|[,|:;()\-–—])")
_DATE_SEGMENTS = re.compile(r"\s*\|\s*")
_DIGIT = re.compile(r"\d")
_ISO_STAMP = re.compile(r"\d{4}-\d\d-\d\d(?:[T ][\d:.+\-Z]*)?")
_NUMERIC_DATE = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}")
_CLICK_HERE = re.compile(r"(?i:\bclick here\b)")
_SENTENCE_END = re.compile(r"[.!?;]$")
_COMPOUND = re.compile(r"[A-Z]\w*-[A-Z]")
_YEAR = re.compile(r"\d{4}")

# --- dateline -----------------------------------------------------------------------------

_WORD = r"[A-Z][A-Za-z'’\-]*\.?"
_PLACE = rf"{_WORD}(?:(?:\s+|/)(?:{_WORD}|(?:de|da|del|es|al|el|of|upon)(?=\s+[A-Z]))){{0,3}}"
_WHEN = (r"[A-Z][A-Za-z]{2,8}\.?\s*\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?"
         r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][A-Za-z]{2,8}\.?(?:,?\s+\d{4})?")
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE})"
    r"(?:\s*\([^()\n]{1,40}\)(?=\s*\[))?"  # "Srinagar (Jammu and Kashmir) [India]"
    r"(?:\s*\[[^\[\]\n]{1,40}\])?"
    rf"(?:\s*,\s*(?P<region>{_WORD}(?:\s+{_WORD}){{0,2}})(?=\s*,))?"
    rf"(?:\s*,\s*(?P<when>{_WHEN}))?"
    r"(?:\s*\((?P<agency>[A-Za-z][A-Za-z .&/]{0,24})\))?"
    # no separator only straight after "(PTI)": "Washington, Dec 3 (PTI) The US has ..."
    r"(?P<sep>\s*:|\s*[–—]|\s+--?|\s*\.|(?<=\)))(?:\s+(?=[\"“‘'A-Z0-9(])|\s*$)")
_NOT_PLACES = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "adm", "prof", "sen", "rep",
    "gov", "sgt", "brig", "cdr", "rev", "hon", "no", "vol", "fig", "the", "a", "an", "in",
    "on", "at", "it", "he", "she", "they", "we", "this", "that", "but", "and", "meanwhile",
    "however", "also", "earlier", "later", "today", "yesterday", "officials", "sources",
    "exclusive", "breaking", "watch", "video", "opinion", "analysis", "explained", "update",
    "updated", "live", "editorial", "interview", "report", "photos", "note", "q",
}
_AGENCY_NAMES = {"reuters": "Reuters", "xinhua": "Xinhua", "bloomberg": "Bloomberg",
                 "yonhap": "Yonhap", "kyodo": "Kyodo", "bernama": "Bernama",
                 "antara": "Antara"}
_YEAR_WINDOW = timedelta(days=35)  # a dateline follows the events it reports by weeks


@dataclass(frozen=True)
class _Dateline:
    place: str
    when: str | None
    agency: str | None
    rest: str


def clean(document: Document) -> Article:
    """The article's main text, title, publication date, dateline, url and outlet."""
    lines = _lines(document.text)
    lines = _cut_trailing_teasers(lines)
    dated = [_date_line(line) or _byline_date(line) for line in lines]
    kept = [line for line, found in zip(lines, dated, strict=True)
            if not _is_boilerplate(line) and (found is None or found[0] == "bare")]
    body_dates = [found for found in dated if found is not None and found[0] != "bare"]
    paragraphs = _paragraphs(kept)

    meta_title = _squash(document.title)
    title, header_dates, paragraphs = _take_header(paragraphs, meta_title)
    dateline, paragraphs = _take_dateline(paragraphs)
    text = "\n\n".join("\n".join(paragraph) for paragraph in paragraphs)

    meta_date = parse_date(document.date) if document.date else None
    line_date = _choose_line_date(header_dates + body_dates)
    dateline_date = _dateline_date(dateline, meta_date, text) if dateline else None
    outlet = document.outlet or (_agency(dateline.agency) if dateline else None)
    return Article(id=document.id, text=text, title=meta_title or title,
                   date=_pick_date(meta_date, line_date, dateline_date), url=document.url,
                   outlet=outlet, dateline=dateline.place if dateline else None)


# --- lines and paragraphs ----------------------------------------------------------------


def _lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SEPARATORS)
    return [line.strip(_INVISIBLE) for line in text.split("\n")]


def _paragraphs(lines: list[str]) -> list[list[str]]:
    return [list(block) for filled, block in itertools.groupby(lines, key=bool) if filled]


def _squash(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(unicodedata.normalize("NFC", text).split()) or None


def _words(line: str) -> int:
    return len(line.split())


# --- boilerplate ---------------------------------------------------------------------------


def _is_boilerplate(line: str) -> bool:
    if not line:
        return False
    words = _words(line)
    if _TEASER_HEADING.fullmatch(line) or _DROP_EXACT.fullmatch(line):
        return True
    if words <= 40 and _DROP_PREFIX.match(line):
        return True
    if words <= 30 and _PROMO_PREFIX.match(line):
        return True
    # The searches below scan the whole line: each first asks for a word it cannot match
    # without, which most lines of an article do not hold.
    lower = line.lower()
    if words <= 20 and "click here" in lower and _CLICK_HERE.search(line):
        return True
    if words <= 15 and _CREDIT_LINE.match(line):
        return True
    if words <= 45 and ("(" in line or "|" in line) and _CAPTION_TAIL.search(line):
        return True
    if words <= 30 and any(w in lower for w in _COPYRIGHT_WORDS) and _COPYRIGHT.search(line):
        return True
    if words <= 80 and ("cookie" in lower or "by continuing" in lower) and \
            _COOKIES.search(line):
        return True
    return bool(_SOCIAL_ROW.fullmatch(line) or _READ_TIME.fullmatch(line) or _is_menu(line))


def _is_menu(line: str) -> bool:
    """ "Home | India | World", "Home > News > Defence": short segments, no sentences."""
    if not any(separator in line for separator in _MENU_SEPARATORS):
        return False
    segments = [s for s in _MENU_SPLIT.split(line) if s]
    if len(segments) < 2 or (len(segments) == 2 and segments[0].lower() != "home"):
        return False
    return all(_words(s) <= 4 and not _SENTENCE_END.search(s) for s in segments)


def _ends_ellipsis(line: str) -> bool:
    return line.endswith(("...", "…"))


def _headline_like(line: str) -> bool:
    return (2 <= _words(line) <= 20 and not line.endswith((".", ":", ";", ","))
            and (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘"))


def _teaser_like(line: str) -> bool:
    return (_ends_ellipsis(line) and _words(line) <= 50) or _headline_like(line) \
        or _is_boilerplate(line)


def _cut_trailing_teasers(lines: list[str]) -> list[str]:
    """Drop a trailing "Related News"-style block, or a trailing run of teasers."""
    filled = [i for i, line in enumerate(lines) if line]
    for position, index in enumerate(filled):
        if position == 0 or not _TEASER_HEADING.fullmatch(lines[index]):
            continue
        if not _has_body([[lines[i] for i in filled[:position]]]):
            continue  # a heading in the page furniture above the article
        rest = [lines[i] for i in filled[position + 1:]]
        body = any(_words(line) > 30 and not _ends_ellipsis(line) for line in rest)
        teasers = sum(_teaser_like(line) for line in rest)
        if not body and teasers * 2 >= len(rest):
            return lines[:index]
    run: list[int] = []
    start = len(lines)
    for index in reversed(filled):
        line = lines[index]
        if (_ends_ellipsis(line) and _words(line) <= 50) or \
                (_headline_like(line) and _words(line) >= 3):
            run.append(index)
        elif not _is_boilerplate(line):  # a footer under the teasers does not end the run
            break
        start = index
    ellipses = sum(_ends_ellipsis(lines[i]) for i in run)
    if len(run) >= 2 and ellipses and start > filled[0]:
        return lines[:start]
    return lines


# --- header: headline, date line, byline ---------------------------------------------------


def _date_line(line: str) -> tuple[str, str] | None:
    """("published" | "updated" | "bare", ISO date) if ``line`` only states a date."""
    if not line or _words(line) > 16 or not _DIGIT.search(line):
        return None  # a date stated alone has a day or a year: "Monday" gives no date
    found: list[tuple[str, str]] = []
    for segment in _DATE_SEGMENTS.split(line):
        if not _TIME_NOISE.sub(" ", segment).strip():
            continue  # "22 Nov 2024 | 10:42 IST": the time part
        prefix = _DATE_PREFIX.match(segment)
        if prefix:
            kind = prefix.group("kind").lower()
            kind = "updated" if "updated" in kind or "modified" in kind else "published"
            iso = _date_only(segment[prefix.end():])
        else:
            iso, kind = _date_only(segment), "bare"
        if iso is None:
            return None
        found.append((kind, iso))
    if not found:
        return None
    return next((f for f in found if f[0] == "published"), found[0])


def _date_only(segment: str) -> str | None:
    """The date ``segment`` states, if it states nothing but a date (and a time)."""
    segment = segment.strip()
    if _ISO_STAMP.fullmatch(segment):
        return parse_date(segment)
    mentions = [m for m in find_dates(segment, None) if m.date]
    if not mentions:
        numeric = _TIME_NOISE.sub(" ", segment).strip()
        if _NUMERIC_DATE.fullmatch(numeric):
            return parse_date(numeric)
        return None
    first = mentions[0]
    residue = segment[:first.start] + " " + _BYLINE.sub(" ", segment[first.end:])
    return None if _TIME_NOISE.sub(" ", residue).strip() else first.date


def _byline_date(line: str) -> tuple[str, str] | None:
    """The date a byline states: "By Breaking Defense Staff on October 15, 2024 at 11:32 AM"."""
    if not line.startswith("By ") or _words(line) > 16:
        return None
    stated = [m.date for m in find_dates(line, None) if m.date and len(m.date) == 10]
    return ("published", stated[0]) if stated else None


def _byline(line: str) -> bool:
    return _words(line) <= 10 and bool(_BYLINE.fullmatch(line))


def _title_like(line: str) -> bool:
    return (0 < _words(line) < 25 and not line.endswith((".", ":", ",", ";"))
            and not _ends_ellipsis(line))


def _has_body(paragraphs: list[list[str]]) -> bool:
    return any(_words(line) > 20 or (_words(line) >= 6 and line.endswith((".", "\"", "”")))
               for paragraph in paragraphs for line in paragraph)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold().strip(" .:#") == b.casefold().strip(" .:#")


def _take_header(paragraphs: list[list[str]], meta_title: str | None
                 ) -> tuple[str | None, list[tuple[str, str]], list[list[str]]]:
    paragraphs = [list(p) for p in paragraphs]
    title: str | None = None
    dates: list[tuple[str, str]] = []
    have_title = False
    for _ in range(8):
        if not paragraphs:
            break
        first = paragraphs[0]
        line = first[0]
        found = _date_line(line)
        if found is not None:
            dates.append(found)
        elif _byline(line):
            pass
        elif not have_title and meta_title and _same(line, meta_title):
            have_title = True
        elif _title_like(line) and _stands_alone(first) and \
                _has_body([first[1:]] + paragraphs[1:]):
            # A section label ("Ministry of Defence") can stand above the headline: the
            # longer of the two is the headline.
            candidate = line.lstrip("#").strip() or None
            if candidate and (title is None or len(candidate) > len(title)):
                title = candidate
            have_title = True
        else:
            break
        first.pop(0)
        if not first:
            paragraphs.pop(0)
    return title, dates, paragraphs


def _stands_alone(paragraph: list[str]) -> bool:
    """A headline is followed by a blank line, or by the date line or byline under it."""
    return len(paragraph) == 1 or _date_line(paragraph[1]) is not None or _byline(paragraph[1])


def _choose_line_date(found: list[tuple[str, str]]) -> str | None:
    for kind in ("published", "bare", "updated"):
        for found_kind, iso in found:
            if found_kind == kind:
                return iso
    return None


# --- dateline ------------------------------------------------------------------------------


def _take_dateline(paragraphs: list[list[str]]) -> tuple[_Dateline | None, list[list[str]]]:
    if not paragraphs:
        return None, paragraphs
    dateline = _parse_dateline(paragraphs[0][0])
    if dateline is None:
        return None, paragraphs
    first = list(paragraphs[0])
    if dateline.rest:
        first[0] = dateline.rest
    else:
        first.pop(0)
    return dateline, ([first] if first else []) + paragraphs[1:]


def _parse_dateline(line: str) -> _Dateline | None:
    match = _DATELINE.match(line)
    if match is None:
        return None
    place, when, agency = match.group("place"), match.group("when"), match.group("agency")
    words = place.replace("/", " ").split()
    if words[0].lower().rstrip(".") in _NOT_PLACES or place.lower().rstrip(".") in _NOT_PLACES:
        return None
    if when is not None and not find_dates(when, "2000"):
        return None
    if agency is not None and _words(agency) > 4:
        return None
    sep = match.group("sep").strip()
    if not sep and when is None:
        return None  # "Defence Minister (retd) Singh": a date must show it is a dateline
    if when is None and agency is None:
        if _COMPOUND.search(place):
            return None  # "India-France talks:" is a headline, not a place
        if sep == "." and not (place.isupper() or all(len(w) >= 3 for w in words)):
            return None
    rest = line[match.end():]
    if not rest and sep not in (":", "—", "–", "-", "--"):
        return None
    return _Dateline(_place_name(place.rstrip(".")), when, agency, rest)


def _place_name(place: str) -> str:
    if not place.isupper():
        return place
    return " ".join("-".join(part.capitalize() for part in word.split("-"))
                    for word in place.split())


def _agency(tag: str | None) -> str | None:
    if not tag:
        return None
    tag = " ".join(tag.split())
    return _AGENCY_NAMES.get(tag.lower(), tag)


def _dateline_date(dateline: _Dateline, meta_date: str | None, body: str) -> str | None:
    """The dateline's month/day with a year from metadata or from a date just before it."""
    if dateline.when is None:
        return None
    if _YEAR.search(dateline.when):
        return parse_date(dateline.when)
    if meta_date:
        return _on_year(dateline.when, int(meta_date[:4]))
    for mention in find_dates(body, None):
        latest = mention.end_date or mention.date
        if latest is None or len(latest) != 10:
            continue
        reported = date.fromisoformat(latest)
        for year in (reported.year, reported.year + 1):
            candidate = _on_year(dateline.when, year)
            if candidate and reported <= date.fromisoformat(candidate) \
                    <= reported + _YEAR_WINDOW:
                return candidate
    return None


def _on_year(when: str, year: int) -> str | None:
    found = [m.date for m in find_dates(when, f"{year:04d}") if m.date]
    return found[0] if found and len(found[0]) == 10 else None


def _pick_date(*candidates: str | None) -> str | None:
    """The first known date, made more precise by a later one that agrees with it."""
    known = [c for c in candidates if c]
    if not known:
        return None
    best = known[0]
    for other in known[1:]:
        if len(other) > len(best) and other.startswith(best):
            best = other
    return best
