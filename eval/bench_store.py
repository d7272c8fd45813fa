"""Store benchmarks (not tests): ingest cost as the store grows, and query latency at scale.

    .venv/bin/python eval/bench_store.py ingest --events 100000 [--db URL]
    .venv/bin/python eval/bench_store.py query --events 1000000 [--db URL]

``ingest`` folds synthetic articles (seeded, reproducible; no NLP, so only the store's own
cost is measured) into a fresh store through ``Store.ingest_result`` and prints the time per
article at each step of store size. ``query`` bulk-loads N synthetic events and times the
queries the CLI offers, 20 runs each, printing p50 and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, text

from bilat.pipeline import Result
from bilat.query import dyads, event, events, make_filter, timeline
from bilat.records import Article, Entity, Event, Location, SourceRef, stable_id
from bilat.store import Store
from bilat.store.gateway import _search_text
from bilat.store.registry import entity_id
from bilat.store.tables import (
    ArticleRow,
    DyadCountRow,
    EntityRow,
    EventCountryRow,
    EventEntityRow,
    EventRow,
    MentionRow,
)

COUNTRIES = ["IND", "USA", "GBR", "FRA", "DEU", "ITA", "JPN", "AUS", "RUS", "CHN", "ISR", "KOR",
             "SAU", "ARE", "EGY", "PHL", "VNM", "IDN", "SGP", "BRA", "ZAF", "CAN", "POL", "UKR",
             "TUR", "GRC", "ESP", "NLD", "SWE", "NOR", "BGD", "LKA", "NPL", "MDV", "OMN", "QAT",
             "KEN", "NGA", "ARM", "CYP"]
TYPES = ["MEETING", "CALL", "VISIT", "AGREEMENT", "DEAL", "EXERCISE", "AID"]
CAMEO = {"MEETING": "040", "CALL": "041", "VISIT": "042", "AGREEMENT": "057", "DEAL": "062",
         "EXERCISE": "062", "AID": "072"}
PLOVER = {"MEETING": "CONSULT", "CALL": "CONSULT", "VISIT": "CONSULT", "AGREEMENT": "AGREE",
          "DEAL": "COOPERATE", "EXERCISE": "COOPERATE", "AID": "AID"}
VOCABULARY = [f"w{i:04d}" for i in range(5000)]
PEOPLE = [f"Minister {chr(65 + i)}{chr(97 + j)}son" for i in range(26) for j in range(20)]


def synthetic_event(rng: random.Random, number: int, document: str) -> Event:
    a, b = rng.sample(COUNTRIES[:12] if rng.random() < 0.7 else COUNTRIES, 2)
    kind = rng.choice(TYPES)
    day = date(2019, 1, 1) + timedelta(days=rng.randrange(7 * 365))
    actor = Entity(name=rng.choice(PEOPLE), kind="person", role="Defence Minister", country=a)
    recipient = Entity(name=rng.choice(PEOPLE), kind="person", role="Defence Minister",
                       country=b)
    sentence = f"{actor.name} of {a} and {recipient.name} of {b}: {kind.lower()} number {number}."
    return Event(type=kind, event=PLOVER[kind], mode=None, context="military",
                 cameo=CAMEO[kind], status=None, date=day.isoformat(), end_date=None,
                 actor=(actor,), recipient=(recipient,), countries=tuple(sorted((a, b))),
                 location=Location(name="Capital", country=b), amount=None, quantity=None,
                 platform=None, agreement=None,
                 sources=(SourceRef(document=document, sentence=sentence, start=0,
                                    end=len(sentence)),),
                 confidence=0.8, id=stable_id(document, number))


def bench_ingest(url: str, total: int, step: int) -> None:
    store = Store(url)
    rng = random.Random(7)
    number = 0
    print(f"{'stored events':>14}  {'ms per article':>14}  {'articles/s':>10}")
    while number < total:
        started = time.perf_counter()
        articles = 0
        for _ in range(step // 3):
            document = f"synthetic-{number}.txt"
            found = [synthetic_event(rng, number + i, document) for i in range(3)]
            # real articles share few 5-word runs; neither should the synthetic ones
            filler = " ".join(rng.choice(VOCABULARY) for _ in range(300))
            text = " ".join(e.sources[0].sentence for e in found) + " " + filler
            store.ingest_result(Result(article=Article(id=document, text=text,
                                                       date=found[0].date), events=found))
            number += 3
            articles += 1
        elapsed = time.perf_counter() - started
        print(f"{store.count_events():>14}  {1000 * elapsed / articles:>14.2f}  "
              f"{articles / elapsed:>10.0f}", flush=True)


def bulk_load(store: Store, total: int, batch: int = 20000) -> None:
    rng = random.Random(11)
    now = datetime.now(timezone.utc)
    with store.engine.begin() as connection:
        connection.execute(insert(ArticleRow), [
            {"id": 1, "doc_id": "synthetic.txt", "url": None, "title": None, "outlet": None,
             "published": None, "text": "", "content_hash": "0" * 64, "signature": [],
             "duplicate_of": None, "ingested_at": now}])
        entities: dict[str, dict] = {}
        stored: set[str] = set()
        totals: Counter[tuple[str, str, str, str]] = Counter()
        for start in range(0, total, batch):
            rows, countries, links, mentions = [], [], [], []
            for number in range(start, min(total, start + batch)):
                found = synthetic_event(rng, number, "synthetic.txt")
                record = found.to_dict()
                record.update(num_sources=1, num_articles=1, first_reported=found.date,
                              document="synthetic.txt")
                rows.append({"id": found.id, "type": found.type,
                             "countries": ",".join(found.countries), "date": found.date,
                             "end_date": None, "status": None, "cameo": found.cameo,
                             "amount_value": None, "amount_currency": None, "platform": None,
                             "confidence": found.confidence, "num_sources": 1,
                             "num_articles": 1, "first_reported": found.date,
                             "sort_date": found.date, "search_text": _search_text(record),
                             "record": record, "updated_at": now})
                countries += [{"event_id": found.id, "country": c, "type": found.type,
                               "sort_date": found.date} for c in found.countries]
                mentions.append({"event_id": found.id, "article_id": 1, "record": record})
                for side, people in (("actor", found.actor), ("recipient", found.recipient)):
                    for person in people:
                        key = entity_id("person", person.name, person.country)
                        entities.setdefault(key, {"id": key, "kind": "person",
                                                  "name": person.name,
                                                  "country": person.country,
                                                  "aliases": [],
                                                  "roles": [{"role": person.role,
                                                             "since": found.date,
                                                             "until": found.date,
                                                             "source": "reported"}]})
                        links.append({"event_id": found.id, "entity_id": key, "side": side})
            connection.execute(insert(EventRow), rows)
            connection.execute(insert(EventCountryRow), countries)
            connection.execute(insert(MentionRow), mentions)
            new = [e for key, e in entities.items() if key not in stored]
            if new:
                connection.execute(insert(EntityRow), new)
                stored.update(e["id"] for e in new)
            connection.execute(insert(EventEntityRow), links)
            for row in rows:
                pair = row["countries"].split(",")
                totals[(pair[0], pair[1], row["type"], row["date"][:4])] += 1
            print(f"loaded {min(total, start + batch)} events", flush=True)
        connection.execute(insert(DyadCountRow), [
            {"country_a": a, "country_b": b, "type": t, "year": y, "events": n}
            for (a, b, t, y), n in totals.items()])


def bench_query(url: str, total: int, runs: int) -> None:
    store = Store(url)
    if store.count_events() < total:
        bulk_load(store, total - store.count_events())
        with store.engine.begin() as connection:  # planner statistics, as a live store has
            connection.execute(text("ANALYZE"))
    sample = events(store, make_filter(dyad="IND-USA", limit=1))[0]["id"]
    person = PEOPLE[42]
    queries = {
        "events --dyad IND-USA": lambda: events(store, make_filter(dyad="IND-USA", limit=100)),
        "events --country IND --type AGREEMENT,DEAL": lambda: events(
            store, make_filter(countries=["IND"], types=["AGREEMENT", "DEAL"], limit=100)),
        "events --person NAME": lambda: events(store, make_filter(person=person, limit=100)),
        "events --since 2024-06 --until 2024-07": lambda: events(
            store, make_filter(since="2024-06", until="2024-07", limit=100)),
        "events --text WORD": lambda: events(store, make_filter(text="exercise number 4242",
                                                                limit=100)),
        "dyads --since 2025": lambda: dyads(store, make_filter(since="2025")),
        "timeline IND USA (first 100)": lambda: timeline(store, "IND", "USA", limit=100),
        "show EVENT_ID": lambda: event(store, sample),
    }
    print(f"{'query':<45}{'p50 ms':>9}{'p95 ms':>9}")
    for name, run in queries.items():
        run()  # warm the caches once
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            run()
            times.append(1000 * (time.perf_counter() - started))
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        print(f"{name:<45}{statistics.median(times):>9.1f}{p95:>9.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["ingest", "query"])
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--step", type=int, default=10000, help="ingest: events per row")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    print(f"database: {url.split('@')[-1]}")
    if args.what == "ingest":
        bench_ingest(url, args.events, args.step)
    else:
        bench_query(url, args.events, args.runs)


if __name__ == "__main__":
    main()
