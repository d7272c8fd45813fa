"""Date expressions in news text, resolved at the precision the text gives.

Dates are ISO strings at their precision: "2025", "2025-02" or "2025-02-06". Relative
expressions ("on Saturday", "last month", "in June") resolve against the publication
date; without one they stay unresolved (``date=None``): a year is never invented.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

__all__ = ["DateMention", "find_dates", "parse_date"]


@dataclass(frozen=True)
class DateMention:
    """A date expression at ``text[start:end]``; ``end_date`` is set for ranges."""

    start: int
    end: int
    text: str
    date: str | None
    end_date: str | None = None


# --- vocabulary -------------------------------------------------------------------------

_FULL_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]
_ABBR_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov",
                "Dec"]
_MONTH_NUMBER = {name[:3].lower(): number for number, name in enumerate(_FULL_MONTHS, 1)}
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEEKDAY_NUMBER = {name.lower(): number for number, name in enumerate(_WEEKDAYS)}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _alternation(words: list[str]) -> str:
    # Title case or all capitals only: lower-case "may" and "march" are not months.
    forms = {form for word in words for form in (word, word.upper())}
    return "|".join(sorted(forms, key=len, reverse=True))


_MONTH_FORMS = (rf"(?:(?:{_alternation(_FULL_MONTHS)})(?![A-Za-z])"
                rf"|(?:{_alternation(_ABBR_MONTHS)})(?:\.(?=\s*\d))?(?![A-Za-z]))")
_WEEKDAY_FORMS = rf"(?:{_alternation(_WEEKDAYS)})(?![A-Za-z])"


def _month(name: str) -> str:
    return rf"(?P<{name}>{_MONTH_FORMS})"


def _day(name: str) -> str:
    # Not the start of a time ("3:30") or a decimal ("3.5").
    return rf"(?P<{name}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d|\.\d)"


def _year(name: str) -> str:
    return rf"(?P<{name}>(?:19|20)\d\d)(?!\d|%|s\b)"


_SEP = r"(?:\s*[-–—]\s*|\s+(?:to|till|until|through|and)\s+)"
_YEAR_CUE = (r"(?:\b(?i:in|since|by|until|till|from|during|before|after|through|throughout|of"
             r"|early|late|mid|year|fiscal|FY)\s+(?:(?i:the\s+year)\s+)?|\b(?i:mid|early|late)-)")
_MONTH_CUE = (r"(?:\b(?i:in|from|since|by|until|till|during|between|before|after|through"
              r"|throughout|early|late|mid|last|next|this|coming|end\s+of|beginning\s+of)\s+"
              r"|\b(?i:mid)-)")

_ISO = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-"
                  r"(?P<d>0[1-9]|[12]\d|3[01])(?!\d)")
_MDY = re.compile(rf"\b{_month('m')}\s*{_day('d')}(?:,?\s+{_year('y')})?")
_DMY = re.compile(rf"(?<![\d.,])\b{_day('d')}\s+(?:of\s+)?{_month('m')}(?:,?\s+{_year('y')})?")
_MD_RANGE = re.compile(rf"\b{_month('m')}\s*{_day('d')}{_SEP}{_day('d2')}"
                       rf"(?:,?\s+{_year('y')})?")
_DM_RANGE = re.compile(rf"(?<![\d.,])\b{_day('d')}{_SEP}{_day('d2')}\s+(?:of\s+)?{_month('m')}"
                       rf"(?:,?\s+{_year('y')})?")
_MONTH_YEAR = re.compile(rf"\b{_month('m')},?\s+{_year('y')}")
_MONTH_RANGE = re.compile(rf"\b(?i:from|between)\s+(?P<span>{_month('m')}"
                          rf"(?:\s*[-–]\s*|\s+(?i:to|and|till|until|through)\s+){_month('m2')}"
                          rf"(?:,?\s+{_year('y')})?)")
_MONTH_ALONE = re.compile(rf"{_MONTH_CUE}(?P<span>{_month('m')})(?!\s*,?\s*\d)")
_YEAR = re.compile(rf"{_YEAR_CUE}(?P<span>{_year('y')}"
                   r"(?:\s*[-–]\s*(?P<y2>(?:19|20)?\d\d)(?![\d%]))?)")
_YEAR_RANGE = re.compile(rf"\b(?i:from|between)\s+(?P<span>{_year('y')}"
                         rf"\s*(?:[-–]|\s(?i:to|and)\s)\s*{_year('y2')})")
_WEEKDAY = re.compile(rf"(?:\b(?P<mod>(?i:last|next|this|coming|past))\s+)?"
                      rf"\b(?P<wd>{_WEEKDAY_FORMS})")
_REL_DAY = re.compile(r"\b(?i:(?:the\s+)?day\s+before\s+yesterday|(?:the\s+)?day\s+after"
                      r"\s+tomorrow|yesterday|today|tomorrow|tonight)\b")
_REL_PERIOD = re.compile(r"\b(?i:(?:(?P<mod>earlier|later|early|late)\s+)?"
                         r"(?P<which>this|last|next|previous|coming)\s+"
                         r"(?P<unit>week|month|year))(?!\w)")
_AGO = re.compile(r"\b(?i:(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
                  r"\s+(?P<unit>day|week|month|year)s?\s+ago)\b")

# Cheap gates: most sentences hold no date word, so most patterns need not run at all.
_MONTH_GATE = re.compile(rf"\b{_MONTH_FORMS}")
_WEEKDAY_GATE = re.compile(rf"\b{_WEEKDAY_FORMS}")
_RELATIVE_GATE = re.compile(r"(?i:\b(?:yesterday|today|tomorrow|tonight|weeks?|months?|years?"
                            r"|ago)\b)")
_YEAR_GATE = re.compile(r"(?:19|20)\d\d")
_RANGE_GAP = re.compile(r"\s*[-–—]\s*|\s+(?i:to|till|until|through)\s+")
_AND_GAP = re.compile(r"\s+(?i:and)\s+")
_BETWEEN_BEFORE = re.compile(r"\b(?i:between)\s+$")
_THE_BEFORE = re.compile(r"\b(?i:the|over|past)\s+$")
_WEEKDAY_CUE_BEFORE = re.compile(r"\b(?i:on|by|since|until|till|from|before|after|next|last"
                                 r"|this|coming|every|late|early)\s+$")
_WEEKDAY_DATE_GAP = re.compile(r",?\s+(?:(?i:the)\s+)?")
_MOD_BEFORE = re.compile(r"\b(?i:(last|next|past|coming))\s+$")
_WORD_BEFORE = re.compile(r"[A-Za-z]\s*$")
_DIGIT = re.compile(r"\d")
_LOOKBEHIND = 24  # characters searched for a cue word before a match
_ISO_VALUE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?")
_ISO_ONLY = re.compile(r"\s*(?P<y>\d{4})(?:-(?P<m>\d\d)(?:-(?P<d>\d\d)(?:[T ][\d:.+\-Z ]*)?)?)?\s*")

_SLACK = timedelta(days=14)  # how far past the reference a yearless date may still fall


# --- atoms: what the patterns found, before resolution -----------------------------------


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int
    kind: str  # "abs", "weekday", "relday", "period", "ago"
    y: int | None = None
    m: int | None = None
    d: int | None = None
    y2: int | None = None
    m2: int | None = None
    d2: int | None = None
    ranged: bool = False
    key: str | None = None  # weekday number, relative word, unit
    mod: str | None = None
    n: int = 0


def _month_of(token: str) -> int:
    return _MONTH_NUMBER[token.rstrip(".").lower()[:3]]


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _before(pattern: re.Pattern[str], text: str, end: int) -> re.Match[str] | None:
    """``pattern`` (anchored with $) in the few characters before ``end``."""
    return pattern.search(text, max(0, end - _LOOKBEHIND), end)


def _span(match: re.Match[str]) -> tuple[int, int]:
    if match.groupdict().get("span") is not None:
        return match.span("span")
    return match.span()


def _abs(match: re.Match[str], text: str) -> _Atom | None:
    groups = match.groupdict()
    start, end = _span(match)
    month = _month_of(groups["m"]) if groups.get("m") else None
    day, year = _int(groups.get("d")), _int(groups.get("y"))
    if month is not None and day is not None and not _valid(year or 2000, month, day):
        return None
    return _Atom(start, end, "abs", y=year, m=month, d=day)


def _iso(match: re.Match[str], text: str) -> _Atom | None:
    y, m, d = (int(match.group(k)) for k in "ymd")
    return _Atom(*match.span(), "abs", y=y, m=m, d=d) if _valid(y, m, d) else None


def _day_range(match: re.Match[str], text: str) -> _Atom | None:
    month = _month_of(match.group("m"))
    d1, d2, year = int(match.group("d")), int(match.group("d2")), _int(match.group("y"))
    if d2 <= d1 or not _valid(year or 2000, month, d2):
        return None
    return _Atom(*match.span(), "abs", y=year, m=month, d=d1, y2=year, m2=month, d2=d2,
                 ranged=True)


def _month_range(match: re.Match[str], text: str) -> _Atom | None:
    m1, m2 = _month_of(match.group("m")), _month_of(match.group("m2"))
    y2 = _int(match.group("y"))
    y1 = None if y2 is None else (y2 if m1 <= m2 else y2 - 1)
    return _Atom(*match.span("span"), "abs", y=y1, m=m1, y2=y2, m2=m2, ranged=True)


def _year_atom(match: re.Match[str], text: str) -> _Atom | None:
    year = int(match.group("y"))
    second = match.group("y2")
    if second is None:
        return _Atom(*match.span("span"), "abs", y=year)
    end_year = int(second) if len(second) == 4 else year // 100 * 100 + int(second)
    if end_year <= year:
        return _Atom(match.start("span"), match.end("y"), "abs", y=year)
    return _Atom(*match.span("span"), "abs", y=year, y2=end_year, ranged=True)


def _weekday(match: re.Match[str], text: str) -> _Atom | None:
    mod = (match.group("mod") or "").lower() or None
    if mod is None and not _before(_WEEKDAY_CUE_BEFORE, text, match.start()):
        # a bare weekday before a capitalised word is a name ("Sunday Times")
        following = text[match.end():match.end() + 2]
        if len(following) == 2 and following[0] == " " and following[1].isupper():
            return None
    return _Atom(*match.span(), "weekday", key=match.group("wd").lower(), mod=mod)


def _relday(match: re.Match[str], text: str) -> _Atom | None:
    word = " ".join(match.group(0).lower().split())
    if match.group(0) == "Today" and _before(_WORD_BEFORE, text, match.start()):
        return None  # "India Today", a title
    offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}.get(word)
    if offset is None:
        offset = -2 if "before" in word else 2
    return _Atom(*match.span(), "relday", n=offset)


def _period(match: re.Match[str], text: str) -> _Atom | None:
    if _before(_THE_BEFORE, text, match.start()):
        return None  # "over the last year" is a duration, not a date
    which = match.group("which").lower()
    step = {"this": 0, "last": -1, "previous": -1, "next": 1, "coming": 1}[which]
    return _Atom(*match.span(), "period", key=match.group("unit").lower(), n=step)


def _ago(match: re.Match[str], text: str) -> _Atom | None:
    raw = match.group("n").lower()
    count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    return _Atom(*match.span(), "ago", key=match.group("unit").lower(), n=-count)


_PATTERNS: list[tuple[re.Pattern[str], list[tuple[re.Pattern[str], Any]]]] = [
    (_YEAR_GATE, [(_ISO, _iso), (_YEAR, _year_atom), (_YEAR_RANGE, _year_atom)]),
    (_MONTH_GATE, [(_MD_RANGE, _day_range), (_DM_RANGE, _day_range), (_MDY, _abs),
                   (_DMY, _abs), (_MONTH_YEAR, _abs), (_MONTH_RANGE, _month_range),
                   (_MONTH_ALONE, _abs)]),
    (_WEEKDAY_GATE, [(_WEEKDAY, _weekday)]),
    (_RELATIVE_GATE, [(_REL_DAY, _relday), (_REL_PERIOD, _period), (_AGO, _ago)]),
]


def _atoms(text: str) -> list[_Atom]:
    found: list[_Atom] = []
    for gate, patterns in _PATTERNS:
        if not gate.search(text):
            continue
        for pattern, build in patterns:
            for match in pattern.finditer(text):
                atom = build(match, text)
                if atom is not None:
                    found.append(atom)
    # the longest reading wins where readings overlap ("14-15 April" over "15 April")
    found.sort(key=lambda a: (a.start - a.end, a.start))
    chosen: list[_Atom] = []
    for atom in found:
        if all(atom.end <= c.start or atom.start >= c.end for c in chosen):
            chosen.append(atom)
    return sorted(chosen, key=lambda a: a.start)


def _compose(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """Join neighbours: "Saturday, February 8" and "Feb 28 - Mar 2, 2025"."""
    out: list[_Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        if prev is not None:
            joined = _join(text, prev, atom)
            if joined is not None:
                out[-1] = joined
                continue
        out.append(atom)
    return out


def _join(text: str, a: _Atom, b: _Atom) -> _Atom | None:
    gap = text[a.end:b.start]
    if a.kind == "weekday" and b.kind == "abs" and b.d is not None and not b.ranged \
            and _WEEKDAY_DATE_GAP.fullmatch(gap):
        return replace(b, start=a.start)
    if a.kind != "abs" or b.kind != "abs" or a.ranged or b.ranged or a.m is None \
            or b.m is None or (a.d is None) != (b.d is None):
        return None
    if not (_RANGE_GAP.fullmatch(gap) or (_AND_GAP.fullmatch(gap)
                                          and _before(_BETWEEN_BEFORE, text, a.start))):
        return None
    y1, y2 = a.y, b.y
    first, second = (a.m, a.d or 0), (b.m, b.d or 0)
    if y1 is None and y2 is not None:
        y1 = y2 if first <= second else y2 - 1
    elif y2 is None and y1 is not None:
        y2 = y1 if first <= second else y1 + 1
    if y1 is not None and y2 is not None and (y1, *first) >= (y2, *second):
        return None
    return _Atom(a.start, b.end, "abs", y=y1, m=a.m, d=a.d, y2=y2, m2=b.m, d2=b.d, ranged=True)


# --- resolution ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    year: int
    month: int | None
    day: int | None

    def latest(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)


def _valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _day_iso(day: date) -> str:
    return day.isoformat()


@lru_cache(maxsize=256)
def _reference(reference: str | None) -> _Ref | None:
    if not reference:
        return None
    match = _ISO_VALUE.match(reference.strip())
    if match is None:
        parsed = parse_date(reference)
        match = _ISO_VALUE.match(parsed) if parsed else None
        if match is None:
            return None
    y, m, d = int(match.group("y")), _int(match.group("m")), _int(match.group("d"))
    if m is not None and not 1 <= m <= 12:
        return None
    if m is not None and d is not None and not _valid(y, m, d):
        return None
    return _Ref(y, m, d)


def _year_for(m: int, d: int | None, ref: _Ref, future: bool, mod: str | None) -> int | None:
    if ref.month is None:
        return ref.year
    if d is None:
        if mod in ("last", "past"):
            return ref.year if m < ref.month else ref.year - 1
        if mod in ("next", "coming"):
            return ref.year if m > ref.month else ref.year + 1
        if future:
            return ref.year if m >= ref.month else ref.year + 1
        return ref.year if m <= ref.month else ref.year - 1
    year = ref.year
    if not future and _valid(year, m, d) and date(year, m, d) > ref.latest() + _SLACK:
        year -= 1
    elif future and _valid(year, m, d) and date(year, m, d) < ref.earliest() - _SLACK:
        year += 1
    return year if _valid(year, m, d) else None


def _resolve_abs(atom: _Atom, ref: _Ref | None, future: bool,
                 mod: str | None) -> tuple[str | None, str | None]:
    y = atom.y
    if y is None:
        if ref is None or atom.m is None:
            return None, None
        y = _year_for(atom.m, atom.d, ref, future, mod)
        if y is None:
            return None, None
    if atom.d is not None and atom.m is not None and not _valid(y, atom.m, atom.d):
        return None, None
    start = _fmt(y, atom.m, atom.d)
    if not atom.ranged:
        return start, None
    y2 = atom.y2
    if y2 is None:
        before = (atom.m2 or 0, atom.d2 or 0) < (atom.m or 0, atom.d or 0)
        y2 = y + 1 if before else y
    if atom.m2 is not None and atom.d2 is not None and not _valid(y2, atom.m2, atom.d2):
        return start, None
    return start, _fmt(y2, atom.m2, atom.d2)


def _resolve(atom: _Atom, ref: _Ref | None, future: bool,
             text: str) -> tuple[str | None, str | None]:
    if atom.kind == "abs":
        mod = None
        if atom.y is None:
            cue = _before(_MOD_BEFORE, text, atom.start)
            mod = cue.group(1).lower() if cue else None
        return _resolve_abs(atom, ref, future, mod)
    if ref is None:
        return None, None
    if atom.kind == "period" and atom.key == "year":
        return _fmt(ref.year + atom.n), None
    if atom.kind == "ago" and atom.key == "year":
        return _fmt(ref.year + atom.n), None
    if atom.kind in ("period", "ago") and atom.key == "month":
        if ref.month is None:
            return None, None
        index = ref.year * 12 + ref.month - 1 + atom.n
        return _fmt(index // 12, index % 12 + 1), None
    if ref.day is None or ref.month is None:
        return None, None
    today = date(ref.year, ref.month, ref.day)
    if atom.kind == "relday":
        return _day_iso(today + timedelta(days=atom.n)), None
    if atom.kind == "ago" and atom.key == "day":
        return _day_iso(today + timedelta(days=atom.n)), None
    if atom.kind in ("period", "ago"):  # weeks, Monday to Sunday
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=atom.n)
        return _day_iso(monday), _day_iso(monday + timedelta(days=6))
    target = _WEEKDAY_NUMBER[atom.key or ""]
    forward = atom.mod in ("next", "coming") or (future and atom.mod not in ("last", "past"))
    if forward:
        delta = (target - today.weekday()) % 7 or 7
    elif atom.mod in ("last", "past"):
        delta = -((today.weekday() - target) % 7 or 7)
    else:
        # Wire copy says "on Tuesday" of the day it is filed: the same day counts.
        delta = -((today.weekday() - target) % 7)
    return _day_iso(today + timedelta(days=delta)), None


def find_dates(text: str, reference: str | None, *, future: bool = False) -> list[DateMention]:
    """Every date expression in ``text``, in order, resolved against ``reference``.

    ``reference`` is the publication date (ISO at any precision, or None). ``future`` says
    the text speaks of what is to come, so "on Saturday" and "in June" look forward.
    """
    atoms = _compose(text, _atoms(text))
    if not atoms:
        return []
    ref = _reference(reference)
    mentions = []
    for atom in atoms:
        start, end = _resolve(atom, ref, future, text)
        mentions.append(DateMention(atom.start, atom.end, text[atom.start:atom.end], start, end))
    return mentions


def parse_date(text: str) -> str | None:
    """One date expression ("22 Nov 2024, 10:42 IST", "2024-11-22T10:42") as ISO, or None.

    Only absolute dates with a year resolve; a relative or yearless one gives None.
    """
    whole = _ISO_ONLY.fullmatch(text)
    if whole is not None:
        y, m, d = int(whole.group("y")), _int(whole.group("m")), _int(whole.group("d"))
        if m is not None and (not 1 <= m <= 12 or d is not None and not _valid(y, m, d)):
            return None
        return _fmt(y, m, d)
    for mention in find_dates(text, None):
        if mention.date is not None:
            return mention.date
    if len(text) > 80 or not _DIGIT.search(text):
        return None
    return _dateparser(text.strip())


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    # dateparser takes ~0.5 s to import: only pay for it when a numeric form needs it.
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "REQUIRE_PARTS": ["year"], "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
        "PARSERS": ["timestamp", "custom-formats", "absolute-time"]})


def _dateparser(text: str) -> str | None:
    try:
        data = _date_parser().get_date_data(text)
    except (ValueError, TypeError, OverflowError):
        return None
    if data is None or data.date_obj is None:
        return None
    parts = getattr(data, "parts", None) or ()
    found = data.date_obj
    if "day" in parts or (not parts and data.period == "day"):
        return _fmt(found.year, found.month, found.day)
    if "month" in parts or data.period == "month":
        return _fmt(found.year, found.month)
    return _fmt(found.year)
