"""The prefilter keeps what can report an event and drops clearly off-topic text."""

from __future__ import annotations

import pytest

from bilat.annotate.article import paragraphs

pytestmark = pytest.mark.model  # the lemma tables come from the spaCy model

ON_TOPIC = """New Delhi, Nov 22 (PTI): Defence Minister Rajnath Singh met his Australian counterpart Richard Marles in Canberra on Thursday and the two sides signed an agreement on submarine rescue.

The ministers also reviewed joint exercises between the two navies.

Bilateral trade has grown steadily over the past decade.

He later spoke by phone with US Defence Secretary Lloyd Austin."""

OFF_TOPIC = """Chelsea extended their lead at the top of the Premier League with a 2-0 win over Fulham on Saturday.

The manager said he was pleased with the performance and the team would meet again on Tuesday for training.

Shares in the club's sponsor rose 3% after it announced a new deal with a sportswear maker."""


@pytest.fixture(scope="module")
def prefilter():
    from bilat.prefilter import load_prefilter

    return load_prefilter()


def test_keeps_the_sentences_that_report_events(prefilter):
    selection = prefilter.select(ON_TOPIC, paragraphs(ON_TOPIC))
    assert selection.relevant
    kept = [text for _, text in selection.parse]
    assert any(text.startswith("New Delhi, Nov 22 (PTI): Defence Minister Rajnath Singh met")
               for text in kept)
    assert "He later spoke by phone with US Defence Secretary Lloyd Austin." in kept
    assert "Bilateral trade has grown steadily over the past decade." not in kept
    for start, text in selection.parse:  # offsets point into the article as given
        assert ON_TOPIC[start:start + len(text)] == text


def test_drops_an_article_that_names_no_two_countries(prefilter):
    selection = prefilter.select(OFF_TOPIC, paragraphs(OFF_TOPIC))
    assert not selection.relevant
    assert selection.parse == [] and selection.context == []


def test_trigger_words_come_in_every_inflection_the_lemmatizer_knows(prefilter):
    for sentence in ("Wang Yi met Jaishankar.", "Austin spoke with Lecornu.",
                     "Poland bought Apache helicopters from the United States.",
                     "India and Japan co-chaired the dialogue."):
        assert prefilter.signal(sentence).trigger, sentence
    assert not prefilter.signal("India and Japan enjoy warm relations.").trigger


def test_countries_come_from_every_kind_of_known_name(prefilter):
    signal = prefilter.signal("Rajnath Singh inspected the Rafale jets at Ambala with "
                              "Indo-Pacific partners from the Quad.")
    assert {"IND", "FRA", "USA", "JPN", "AUS"} <= signal.countries
    assert prefilter.signal("Officials in the US said so.").countries == {"USA"}
    assert prefilter.signal("Tell us what you think.").countries == frozenset()


def test_proper_names_count_only_as_written(prefilter):
    # The gazetteer matches a group, platform or forum only as written: "squad" is a team.
    assert prefilter.signal("The Squad defence ministers met in Manila.").countries == {
        "AUS", "JPN", "PHL", "USA"}
    assert not prefilter.signal("Seventeen of the current squad signed new contracts, "
                                "the club said after talks with its trust.").countries


def test_a_person_introduced_in_full_is_parsed_for_later_surnames(prefilter):
    text = ("Prime Minister Tony Blair arrived in Brussels on Monday.\n\n"
            "Mr Blair met his EU counterparts on Tuesday to discuss Turkey.")
    kept = [t for _, t in prefilter.select(text, paragraphs(text)).parse]
    assert "Prime Minister Tony Blair arrived in Brussels on Monday." in kept


def test_rough_sentences_do_not_end_at_abbreviations(prefilter):
    text = "U.S. Secretary of State Blinken met Mr. Wang. They talked for an hour."
    assert [s for _, s in prefilter.sentences(text)] == [
        "U.S. Secretary of State Blinken met Mr. Wang.", "They talked for an hour."]


def test_misses_no_gold_event_of_the_demo_corpus():
    from bilat.bench import prefilter_recall

    (demo,) = prefilter_recall(None)
    assert demo["total"] == 130
    assert demo["kept"] == demo["total"], demo["missed"]


def test_events_are_the_same_with_and_without_the_prefilter():
    # on the first 20 demo articles; `bilat bench --agreement` counts whole corpora
    from bilat.evaluation import _documents, demo_dir
    from bilat.pipeline import process_documents

    documents = list(_documents([str(demo_dir() / "articles")]))[:20]
    with_filter = [[e.to_dict() for e in r.events] for r in process_documents(documents)]
    everything = [[e.to_dict() for e in r.events]
                  for r in process_documents(documents, prefilter=False)]
    assert with_filter == everything
    assert sum(map(len, with_filter)) > 30
