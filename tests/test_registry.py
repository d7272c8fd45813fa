"""The store's entity registry, full-text search and visit links, on both backends.

Events are built by hand here (no spaCy), so each test says exactly what the extractor
would have handed the store.
"""

from __future__ import annotations

from bilat.pipeline import Result
from bilat.query import entities, entity, event, events, make_filter
from bilat.records import Article, Entity, Event, Location, SourceRef, stable_id
from bilat.store import Store

PLOVER = {"MEETING": ("CONSULT", "040"), "VISIT": ("CONSULT", "042"),
          "AGREEMENT": ("AGREE", "057"), "CALL": ("CONSULT", "041")}


def person(name: str, country: str, role: str | None = None) -> Entity:
    return Entity(name=name, kind="person", role=role, country=country)


def report(document: str, sentence: str, kind: str, day: str, actor: Entity,
           recipient: Entity, *, end: str | None = None, where: Location | None = None,
           number: int = 0) -> Result:
    plover, cameo = PLOVER[kind]
    found = Event(type=kind, event=plover, mode=None, context="diplomatic", cameo=cameo,
                  status=None, date=day, end_date=end, actor=(actor,), recipient=(recipient,),
                  countries=tuple(sorted({actor.country or "", recipient.country or ""})),
                  location=where, amount=None, quantity=None, platform=None, agreement=None,
                  sources=(SourceRef(document=document, sentence=sentence, start=0,
                                     end=len(sentence)),),
                  confidence=0.9, id=stable_id(document, number))
    return Result(article=Article(id=document, text=sentence, date=day), events=[found])


def india_france() -> list[Result]:
    singh, mathou = person("Rajesh Kumar Singh", "IND"), person("Thierry Mathou", "FRA")
    return [report("a.txt", "India and France signed the Rafale-M contract in New Delhi.",
                   "AGREEMENT", "2025-04-28", singh, mathou),
            report("b.txt", "India and France held talks on submarines in Paris.", "MEETING",
                   "2025-05-12", singh, mathou)]


def participants(record):
    return {e["name"]: e["id"] for e in record["actor"] + record["recipient"]}


def test_a_surname_in_a_later_article_resolves_to_the_person_first_met(store_url):
    store = Store(store_url)
    store.ingest([
        report("a.txt", "Foreign Secretary Vikram Misri met US Under Secretary Allison Hooker "
                        "in Washington.", "MEETING", "2025-05-28",
               person("Vikram Misri", "IND", "Foreign Secretary"),
               person("Allison Hooker", "USA", "Under Secretary")),
        report("b.txt", "Misri called Hooker's deputy on Friday to review the talks.", "CALL",
               "2025-06-20", person("Misri", "IND", "Foreign Secretary"),
               person("Christopher Landau", "USA", "Deputy Secretary of State")),
    ])
    meeting, call = events(store, make_filter(types=["MEETING"]))[0], \
        events(store, make_filter(types=["CALL"]))[0]
    misri = participants(meeting)["Vikram Misri"]
    assert participants(call)["Vikram Misri"] == misri  # named as the registry names him
    found = entity(store, misri)
    assert found["aliases"] == ["Misri"] and found["events"] == 2
    reported = [r for r in found["roles"] if r["role"] == "Foreign Secretary"]
    assert reported and reported[0]["since"] <= "2025-05-28"
    assert {c["name"] for c in found["counterparts"]} == {"Allison Hooker", "Christopher Landau"}
    assert [e["type"] for e in found["latest"]] == ["CALL", "MEETING"]
    assert len(events(store, make_filter(person="misri"))) == 2


def test_a_fuller_name_reported_later_becomes_the_canonical_one(store_url):
    store = Store(store_url)
    store.ingest([
        report("a.txt", "Hooker met Misri in Washington.", "MEETING", "2025-05-28",
               person("Hooker", "USA"), person("Misri", "IND")),
        report("b.txt", "Under Secretary Allison Hooker called Misri.", "CALL", "2025-06-20",
               person("Allison Hooker", "USA", "Under Secretary"), person("Misri", "IND")),
    ])
    [found] = entities(store, "hooker")
    assert found["name"] == "Allison Hooker" and found["aliases"] == ["Hooker"]
    assert found["events"] == 2


def test_a_bare_surname_shared_by_two_officials_goes_by_the_role(store_url):
    store = Store(store_url)
    minister = person("Rajnath Singh", "IND", "Defence Minister")
    secretary = person("Rajesh Kumar Singh", "IND", "Defence Secretary")
    us = person("Elbridge Colby", "USA", "Under Secretary of Defense")
    store.ingest([
        report("a.txt", "Rajnath Singh met Colby.", "MEETING", "2025-03-03", minister, us),
        report("b.txt", "Rajesh Kumar Singh met Colby.", "MEETING", "2025-04-14", secretary, us),
        report("c.txt", "Defence Secretary Singh called Colby.", "CALL", "2025-05-19",
               person("Singh", "IND", "Defence Secretary"), us),
        report("d.txt", "Singh spoke to Colby.", "CALL", "2025-05-26", person("Singh", "IND"),
               us, number=1),
    ])
    by_date = {e["date"]: participants(e) for e in events(store, make_filter(types=["CALL"]))}
    assert "Rajesh Kumar Singh" in by_date["2025-05-19"]
    assert "Singh" in by_date["2025-05-26"]  # no role to tell them apart: no guess
    minister_entry = entity(store, participants(
        events(store, make_filter(since="2025-03-03", until="2025-03-03"))[0])["Rajnath Singh"])
    # the knowledge files know his tenure as Defence Minister
    known = [r for r in minister_entry["roles"] if r["source"] == "knowledge"]
    assert any(r["role"] == "Defence Minister" and r["since"].startswith("2019") for r in known)


def test_text_search_needs_every_word_as_a_word_prefix(store_url):
    store = Store(store_url)
    store.ingest(india_france())

    def found(words):
        return sorted(e["type"] for e in events(store, make_filter(text=words)))

    assert found("rafale") == ["AGREEMENT"]
    assert found("Rafale-M contract") == ["AGREEMENT"]
    assert found("submarine") == ["MEETING"]  # a prefix of the word
    assert found("france india") == ["AGREEMENT", "MEETING"]
    assert found("rafale paris") == []
    assert found("marine") == []  # inside a word is not a word prefix
    assert found("mathou") == ["AGREEMENT", "MEETING"]  # names count too
    assert found("'; DROP TABLE events; --") == []
    assert store.count_events() == 2


def test_meetings_and_signings_during_a_visit_are_linked_to_it(store_url):
    store = Store(store_url)
    modi, trump = person("Narendra Modi", "IND", "Prime Minister"), \
        person("Donald Trump", "USA", "President")
    washington = Location(name="Washington", country="USA")
    store.ingest([
        # the meeting is reported first, the visit later: the link is made either way
        report("talks.txt", "Modi held talks with Trump at the White House.", "MEETING",
               "2025-02-13", modi, trump, where=washington),
        report("visit.txt", "Modi arrived in Washington on a two-day visit.", "VISIT",
               "2025-02-12", modi, trump, end="2025-02-13", where=washington),
        report("pact.txt", "India and the US signed a defence framework in Washington.",
               "AGREEMENT", "2025-02-13", modi, trump, where=washington),
        report("later.txt", "Modi met Trump again in New York.", "MEETING", "2025-09-24",
               modi, trump, where=Location(name="New York", country="USA")),
    ])
    [visit] = events(store, make_filter(types=["VISIT"]))
    links = event(store, visit["id"])["linked"]
    assert sorted((link["type"], link["relation"]) for link in links) == [
        ("AGREEMENT", "includes"), ("MEETING", "includes")]
    talks = next(e for e in events(store, make_filter(types=["MEETING"]))
                 if e["date"] == "2025-02-13")
    assert [(link["id"], link["relation"]) for link in event(store, talks["id"])["linked"]] \
        == [(visit["id"], "during")]
    assert store.count_events() == 4  # linked, never merged


def test_articles_are_searched_by_title_and_text_and_events_counted_by_month(store_url):
    store = Store(store_url)
    store.ingest([
        *india_france(),
        report("c.txt", "India and France held talks on engines in Paris.", "MEETING",
               "2025-05-30", person("Rajesh Kumar Singh", "IND"),
               person("Thierry Mathou", "FRA"), number=1),
    ])
    [article] = store.find_articles("submarine paris")
    assert article["document"] == "b.txt" and len(article["events"]) == 1
    assert [a["document"] for a in store.find_articles("talks")] == ["c.txt", "b.txt"]
    assert store.find_articles("--") == []
    assert store.event_counts(make_filter(dyad="FRA-IND")) == [
        {"type": "AGREEMENT", "month": "2025-04", "events": 1},
        {"type": "MEETING", "month": "2025-05", "events": 2}]
    page = store.get_event(events(store, make_filter(types=["AGREEMENT"]))[0]["id"],
                           with_text=True)
    source = page["reports"][0]["sources"][0]
    assert page["reports"][0]["text"][source["start"]:source["end"]] == source["sentence"]


def test_a_name_held_by_many_events_filters_the_same_way(store_url, monkeypatch):
    import bilat.store.gateway as gateway

    store = Store(store_url)
    misri = person("Vikram Misri", "IND", "Foreign Secretary")
    store.ingest([report(f"{day}.txt", f"Misri met Hooker on May {day}.", "MEETING",
                         f"2025-05-{day:02d}", misri, person("Allison Hooker", "USA"))
                  for day in (1, 9, 17, 25)])
    few = [e["id"] for e in events(store, make_filter(person="misri", limit=3))]
    monkeypatch.setattr(gateway, "FEW", 2)  # now too many events to carry as values
    assert [e["id"] for e in events(store, make_filter(person="misri", limit=3))] == few
    monkeypatch.setattr(gateway, "FEW", 0)  # and too many people
    assert [e["id"] for e in events(store, make_filter(person="misri", limit=3))] == few
    assert len(few) == 3
