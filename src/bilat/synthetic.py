"""A synthetic on-topic corpus: defence-diplomacy news written from templates and the data.

For benchmarks (``bilat bench``): as many articles as asked, the same ones for the same
seed (article *n* depends only on the seed and *n*, so a corpus can be streamed). The
people, countries, cities, platforms and exercises come from the knowledge files, with
officeholders in office on the article's date; the sentences come from the templates
below. An article mixes what the codebook reports (visits, talks, calls, agreements,
deals, exercises, aid) with what news around it says: background, figures, quotes,
descriptions of equipment, analysts' views and plans. No sentence of the demo corpus is
reused.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from .knowledge import KnowledgeBase, Officeholder, Platform, load_knowledge
from .records import Document

FIRST_DAY = date(2019, 6, 1)
DAYS = (date(2025, 6, 30) - FIRST_DAY).days
ROLES = ("Defence Minister", "Foreign Minister")
AGENCIES = ("PTI", "ANI", "IANS", "Reuters", "AFP", "Kyodo", "AP")
TOPICS = ("defence industrial cooperation", "maritime security", "military medicine",
          "cyber security", "hydrography", "defence research", "training exchanges",
          "logistics support", "space cooperation", "counter-terrorism",
          "white shipping information", "cadet exchanges", "submarine rescue")
ITEMS = ("ammunition", "armoured vehicles", "night-vision equipment", "air defence interceptors",
         "artillery shells", "patrol boats", "radars", "medical supplies", "drones")

LEDE = {
    "VISIT": (
        "{a_title} {a_name} arrived in {city} on {weekday} on a {days}-day official visit to "
        "{b}, the first by {a_dem} defence minister in {gap} years.",
        "{a_title} {a_name} began a visit to {b} on {weekday}, with talks on defence "
        "industrial cooperation at the top of the agenda.",
    ),
    "MEETING": (
        "{a_title} {a_name} held talks with {b_dem} {b_title} {b_name} in {city} on "
        "{weekday}, covering maritime security and joint production of equipment.",
        "{a_name} met his {b_dem} counterpart {b_name} in {city} on {weekday} and reviewed "
        "the defence partnership between the two countries.",
        "{a_dem} {a_title} {a_name} and {b_dem} {b_title} {b_name} held delegation-level "
        "talks in {city} on {weekday}.",
    ),
    "CALL": (
        "{a_title} {a_name} spoke by telephone with {b_dem} {b_title} {b_name} on {weekday}, "
        "{a_ministry} said in a statement.",
        "{a_name} and {b_name} held a phone call on {weekday} to discuss regional security, "
        "officials said.",
    ),
    "AGREEMENT": (
        "{a} and {b} on {weekday} signed a memorandum of understanding on {topic} during "
        "talks between {a_title} {a_name} and {b_title} {b_name} in {city}.",
        "{a_dem} and {b_dem} officials signed an agreement on {topic} in {city} on "
        "{weekday}, in the presence of {a_name} and {b_name}.",
    ),
    "DEAL": (
        "{buyer} has signed a contract worth {money} with {maker} for {quantity} "
        "{platform} {category_plural}, the {buyer_dem} defence ministry said on {weekday}.",
        "{buyer} on {weekday} ordered {quantity} {platform} {category_plural} from {seller} "
        "in a deal valued at {money}.",
        "{seller} will supply {quantity} {platform} {category_plural} to {buyer} under a "
        "{money} agreement signed in {city} on {weekday}.",
    ),
    "EXERCISE": (
        "The armed forces of {a} and {b} began the {nth} edition of {exercise} in {city} on "
        "{weekday}, with more than {troops} personnel taking part.",
        "Troops from {a} and {b} are taking part in {exercise}, which opened in {city} on "
        "{weekday} and runs for two weeks.",
    ),
    "AID": (
        "{a} announced a {money} military aid package for {b} on {weekday}, including "
        "{item} and {item2}.",
        "{a} will provide {money} in security assistance to {b}, {a_title} {a_name} said "
        "on {weekday}.",
    ),
}

FOLLOW_UP = (
    "The two ministers also discussed ways to expand joint exercises and staff talks.",
    "During the visit, {a_name} also called on {b_leader_title} {b_leader}.",
    "{a_name} is also scheduled to visit a shipyard in {city2} before returning home.",
    "Officials from both sides signed an agreement on {topic} after the talks.",
    "{b_name} said the two countries had agreed to hold the next round of talks in {a} "
    "later this year.",
    "The talks took place on the sidelines of the {forum}.",
)

BACKGROUND = (
    "Bilateral trade between {a} and {b} stood at about {trade} billion dollars last year.",
    "{a} and {b} established diplomatic relations in {year_est}.",
    "The {platform} is a {category} built by {maker}.",
    "{b} has been steadily raising its defence budget, which is expected to grow by "
    "{pct} per cent this year.",
    "The defence ministry did not give further details.",
    "Analysts in {city} described the outcome as a sign of a maturing relationship.",
    "The two countries share concerns about freedom of navigation in the region.",
    "{a_name} took office in {took_office}.",
    "Both navies operate from ports on the Indian Ocean and have conducted passage "
    "exercises in the past.",
    "The ministry said the schedule included a wreath-laying ceremony and a briefing on "
    "the armed forces' modernisation plans.",
    "Opposition lawmakers in {a} have questioned the cost of recent procurement programmes.",
    "Officials said a joint working group would meet every six months to review progress.",
    "Industry executives from both countries attended a business session in the evening.",
    "Local media reported that security was tight around the venue.",
)

QUOTES = (
    "\"Our partnership with {b} is built on trust and shared interests,\" {a_name} said.",
    "\"We discussed the full range of our defence cooperation,\" {b_name} told reporters.",
    "\"This is a milestone for our armed forces,\" a senior official said, asking not to be "
    "named.",
    "\"The region needs stability, and we will work with our partners to provide it,\" "
    "{a_name} said after the talks.",
)

PLANS = (
    "The two sides are expected to sign a logistics agreement next year.",
    "{a} is considering buying more {platform} {category_plural}, officials said.",
    "A decision on the second batch is likely by the end of the year.",
    "{b} may also join the exercise as an observer next year.",
)


@dataclass(frozen=True)
class _Cast:
    """The countries, people, places and equipment of one article."""

    day: date
    a: str
    b: str
    a_person: Officeholder
    b_person: Officeholder
    b_leader: Officeholder | None
    platform: Platform
    exercise: str


def synthetic_documents(count: int, seed: int = 0) -> Iterator[Document]:
    """``count`` articles; article *n* depends only on ``seed`` and *n*."""
    kb = load_knowledge()
    holders = _holders_by_country(kb)
    countries = sorted(holders)
    for number in range(count):
        rng = random.Random(f"{seed}:{number}")
        yield _article(kb, holders, countries, rng, f"synthetic-{seed}-{number:06d}")


def _holders_by_country(kb: KnowledgeBase) -> dict[str, list[Officeholder]]:
    found: dict[str, list[Officeholder]] = {}
    for holder in kb.officeholders:
        if holder.country and holder.role in ROLES and kb.country_record(holder.country):
            found.setdefault(holder.country, []).append(holder)
    return found


def _in_office(holders: list[Officeholder], day: date, rng: random.Random) -> Officeholder:
    serving = [h for h in holders if h.in_office(day.isoformat())]
    return rng.choice(serving or holders)


def _cast(kb: KnowledgeBase, holders: dict[str, list[Officeholder]], countries: list[str],
          rng: random.Random) -> _Cast:
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    a, b = rng.sample(countries, 2)
    leaders = [h for h in kb.officeholders if h.country == b and
               h.role in ("Prime Minister", "President") and h.in_office(day.isoformat())]
    platforms = [p for p in kb.platforms if p.country == a] or list(kb.platforms)
    exercises = [d.name for d in kb.dialogues if d.type == "EXERCISE"
                 and {a, b} <= set(d.countries)]
    return _Cast(day=day, a=a, b=b, a_person=_in_office(holders[a], day, rng),
                 b_person=_in_office(holders[b], day, rng),
                 b_leader=rng.choice(leaders) if leaders else None,
                 platform=rng.choice(platforms),
                 exercise=f"exercise {rng.choice(exercises)}" if exercises
                 else "their annual joint military exercise")


def _article(kb: KnowledgeBase, holders: dict[str, list[Officeholder]], countries: list[str],
             rng: random.Random, doc_id: str) -> Document:
    cast = _cast(kb, holders, countries, rng)
    values = _values(kb, cast, rng)
    event_type = rng.choice(sorted(LEDE))
    paragraphs = [rng.choice(LEDE[event_type]).format(**values)]
    pool = [*rng.sample(FOLLOW_UP, rng.randint(1, 3)), *rng.sample(BACKGROUND, rng.randint(4, 7)),
            *rng.sample(QUOTES, rng.randint(1, 2)), *rng.sample(PLANS, rng.randint(0, 2))]
    rng.shuffle(pool)
    paragraphs.extend(template.format(**values) for template in pool)
    if rng.random() < 0.5:  # a second event further down, as wire stories often have
        second = rng.choice(sorted(set(LEDE) - {event_type}))
        paragraphs.insert(rng.randint(2, len(paragraphs)),
                          rng.choice(LEDE[second]).format(**values))
    dateline = (f"{values['city']}, {cast.day.strftime('%b')} {cast.day.day} "
                f"({rng.choice(AGENCIES)}): ")
    headline = f"{values['a']} and {values['b']}: {event_type.lower()} reported"
    text = "\n\n".join([headline, f"date {cast.day.isoformat()}",
                        dateline + paragraphs[0], *paragraphs[1:]])
    return Document(id=doc_id, text=text, format="json", date=cast.day.isoformat())


def _values(kb: KnowledgeBase, cast: _Cast, rng: random.Random) -> dict[str, str]:
    a, b = kb.country_record(cast.a), kb.country_record(cast.b)
    assert a is not None and b is not None
    cities = [p.name for p in kb.places if p.country == cast.b and p.kind in ("capital", "city")]
    cities = cities or [b.name]
    seller, buyer = (a, b) if rng.random() < 0.5 else (b, a)
    platform = cast.platform
    category = platform.category
    return {
        "a": a.name, "b": b.name,
        "a_dem": (a.demonyms or (a.name,))[0], "b_dem": (b.demonyms or (b.name,))[0],
        "a_name": cast.a_person.name, "a_title": cast.a_person.title,
        "b_name": cast.b_person.name, "b_title": cast.b_person.title,
        "b_leader": cast.b_leader.name if cast.b_leader else cast.b_person.name,
        "b_leader_title": cast.b_leader.title if cast.b_leader else cast.b_person.title,
        "a_ministry": f"the {(a.demonyms or (a.name,))[0]} defence ministry",
        "city": rng.choice(cities), "city2": rng.choice(cities),
        "weekday": cast.day.strftime("%A"), "days": str(rng.randint(2, 5)),
        "gap": str(rng.randint(3, 12)), "topic": rng.choice(TOPICS),
        "buyer": buyer.name, "buyer_dem": (buyer.demonyms or (buyer.name,))[0],
        "seller": seller.name, "maker": platform.maker, "platform": platform.name,
        "category": category, "category_plural": _plural(category),
        "quantity": str(rng.choice((2, 4, 6, 8, 12, 16, 24, 26, 36))),
        "money": _money(rng), "exercise": cast.exercise,
        "nth": _ordinal(rng.randint(2, 14)), "troops": str(rng.choice((300, 500, 800, 1200))),
        "item": rng.choice(ITEMS), "item2": rng.choice(ITEMS),
        "forum": rng.choice(("Shangri-La Dialogue", "ASEAN Defence Ministers' Meeting-Plus",
                             "NATO summit", "Munich Security Conference")),
        "trade": f"{rng.randint(2, 120)}.{rng.randint(0, 9)}",
        "year_est": str(rng.randint(1947, 1995)), "pct": str(rng.randint(3, 15)),
        "took_office": cast.a_person.start[:4],
    }


def _money(rng: random.Random) -> str:
    value = rng.choice((85, 120, 250, 400, 750, 1.2, 2.5, 3.9))
    unit = "billion" if value < 10 else "million"
    return f"{rng.choice(('$', '€', '£'))}{value} {unit}"


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return f"{noun}es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return f"{noun[:-1]}ies"
    return f"{noun}s"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
