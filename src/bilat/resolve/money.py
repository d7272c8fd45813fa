"""Money expressions ("$2.8 billion", "Rs 1,982 crore", "400 million euros") as ``Amount``.

Only a number tied to a currency marker is money: years, percentages and counts
("26 Rafale jets") never match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..records import Amount

__all__ = ["MoneyMention", "find_amounts", "parse_amount"]


@dataclass(frozen=True)
class MoneyMention:
    start: int
    end: int
    text: str
    amount: Amount


# Symbols and codes written before the number. Longer forms first: "US$" before "$".
_PREFIXES: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "USD": "USD", "A$": "AUD", "AU$": "AUD", "AUD": "AUD",
    "C$": "CAD", "CA$": "CAD", "CAD": "CAD", "NZ$": "NZD", "NZD": "NZD", "S$": "SGD",
    "SGD": "SGD", "HK$": "HKD", "HKD": "HKD", "$": "USD", "€": "EUR", "EUR": "EUR",
    "£": "GBP", "GBP": "GBP", "₹": "INR", "Rs.": "INR", "Rs": "INR", "RS.": "INR", "RS": "INR",
    "INR": "INR", "¥": "JPY", "JPY": "JPY", "CNY": "CNY", "RMB": "CNY", "₩": "KRW",
    "KRW": "KRW", "₽": "RUB", "RUB": "RUB", "CHF": "CHF", "SAR": "SAR", "AED": "AED",
    "₪": "ILS", "ILS": "ILS", "PKR": "PKR",
}
# Currency words, written after the number ("400 million euros") or, BBC style, before
# it with a scale ("dollars 1.13bn"). Qualified forms first.
_WORDS: dict[str, str] = {
    "us dollars": "USD", "u.s. dollars": "USD", "american dollars": "USD",
    "australian dollars": "AUD", "canadian dollars": "CAD", "new zealand dollars": "NZD",
    "singapore dollars": "SGD", "hong kong dollars": "HKD", "dollars": "USD", "dollar": "USD",
    "euros": "EUR", "euro": "EUR", "pounds sterling": "GBP", "sterling": "GBP",
    "pounds": "GBP", "pakistani rupees": "PKR", "sri lankan rupees": "LKR",
    "indian rupees": "INR", "rupees": "INR", "rupee": "INR", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "won": "KRW", "roubles": "RUB", "rubles": "RUB",
    "swiss francs": "CHF", "riyals": "SAR", "dirhams": "AED", "shekels": "ILS",
}
# Words that are also ordinary English after a bare number ("500 pounds of explosives").
_NEEDS_SCALE = {"pounds", "won", "dollar", "euro", "rupee"}

_SCALES: dict[str, Decimal] = {
    "thousand": Decimal(10) ** 3, "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6, "mn": Decimal(10) ** 6, "mln": Decimal(10) ** 6,
    "m": Decimal(10) ** 6, "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9, "trillion": Decimal(10) ** 12, "tn": Decimal(10) ** 12,
    "trn": Decimal(10) ** 12, "crore": Decimal(10) ** 7, "cr": Decimal(10) ** 7,
    "lakh": Decimal(10) ** 5, "lac": Decimal(10) ** 5,
}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER = r"\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Multi-word and word scales may follow a space; single letters only stick to the number.
_SCALE = (r"(?:\s*(?P<scale>(?i:(?:lakh|lac|thousand)\s+crores?|trillion|billion|million"
          r"|thousand|crores?|lakhs?|lacs?|bn|mn|mln|tn|trn|cr))|(?P<letter>[kmbKMB]))"
          r"(?![A-Za-z])")
_AMOUNT = rf"(?P<num>{_NUMBER})(?:(?:\s*(?:-|–|to)\s*(?P<num2>{_NUMBER}))?{_SCALE})?"
_WORD = rf"(?P<word>(?i:{_alternation(list(_WORDS))}))(?![A-Za-z])"

_PREFIXED = re.compile(rf"(?<![A-Za-z0-9$])(?P<cur>{_alternation(list(_PREFIXES))})"
                       rf"\s?{_AMOUNT}(?![\d%])")
_WORD_FIRST = re.compile(rf"(?<![A-Za-z]){_WORD}\s+{_AMOUNT}(?![\d%])")
_WORD_AFTER = re.compile(rf"(?<![\d.,$€£₹¥])(?:{_AMOUNT})\s+(?:{_WORD}"
                         rf"|(?P<code>{_alternation([k for k in _PREFIXES if k.isalpha()])})"
                         rf"(?![A-Za-z]))")
_GATE = re.compile(r"\d")
_SPACE = re.compile(r"\s")


def _value(match: re.Match[str]) -> Decimal | None:
    try:
        number = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    scale = match.group("scale") or match.group("letter")
    if scale is None:
        return number
    multiplier = Decimal(1)
    for word in scale.lower().split():
        multiplier *= _SCALES[word if word in _SCALES else word.rstrip("s")]
    return number * multiplier


def _amount(match: re.Match[str], currency: str) -> Amount | None:
    value = _value(match)
    if value is None:
        return None
    # Decimal keeps "1,982 crore" exact; rounding to cents drops binary float noise.
    return Amount(value=round(float(value), 2), currency=currency)


def _candidates(text: str) -> list[MoneyMention]:
    found: list[MoneyMention] = []
    for match in _PREFIXED.finditer(text):
        cur = match.group("cur")
        if cur.isalpha() and cur.isupper() and match.group("scale") is None \
                and match.group("letter") is None and not _SPACE.match(text, match.end("cur")):
            continue  # a code glued to a bare number ("SAR2") is more likely an identifier
        amount = _amount(match, _PREFIXES[cur])
        if amount is not None:
            found.append(MoneyMention(match.start(), match.end(), match.group(0), amount))
    for match in _WORD_FIRST.finditer(text):
        if match.group("scale") is None and match.group("letter") is None:
            continue
        amount = _amount(match, _WORDS[" ".join(match.group("word").lower().split())])
        if amount is not None:
            found.append(MoneyMention(match.start(), match.end(), match.group(0), amount))
    for match in _WORD_AFTER.finditer(text):
        has_scale = match.group("scale") is not None or match.group("letter") is not None
        if match.group("word"):
            word = " ".join(match.group("word").lower().split())
            currency = _WORDS[word]
            if word in _NEEDS_SCALE and not has_scale:
                continue
        else:
            currency = _PREFIXES[match.group("code")]
            if not has_scale:
                continue
        amount = _amount(match, currency)
        if amount is not None:
            found.append(MoneyMention(match.start(), match.end(), match.group(0), amount))
    return found


def find_amounts(text: str) -> list[MoneyMention]:
    """Every money expression in ``text``, in order; for "$2-3 billion" the lower bound."""
    if not _GATE.search(text):
        return []
    found = sorted(_candidates(text), key=lambda m: (m.start - m.end, m.start))
    chosen: list[MoneyMention] = []
    for mention in found:
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def parse_amount(text: str) -> Amount | None:
    """The amount of one money expression ("USD 1.2bn"), or None if there is not exactly one."""
    found = find_amounts(text)
    return found[0].amount if len(found) == 1 else None
