"""bilat's spaCy components declare what they need and set."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model


def test_pipeline_components_are_registered_and_analysed():
    from bilat.annotate import GAZETTEER_SPANS, TRIGGER_SPANS, load_nlp

    nlp = load_nlp()
    assert nlp.pipe_names[-2:] == ["bilat_gazetteer", "bilat_triggers"]
    analysis = nlp.analyze_pipes()
    assert not analysis["problems"]["bilat_triggers"]
    assert "doc.spans" in analysis["summary"]["bilat_triggers"]["assigns"]
    doc = nlp("Defence Secretary Rajesh Kumar Singh visited Rome and met Guido Crosetto.")
    labels = {(s.text, s.label_) for s in doc.spans[GAZETTEER_SPANS]}
    assert ("Rome", "PLACE") in labels
    assert ("Rajesh Kumar Singh", "PERSON") in labels
    assert {s.label_ for s in doc.spans[TRIGGER_SPANS]} >= {"visit_verb", "meet_verb"}


def test_annotate_keeps_offsets_into_the_cleaned_text():
    from bilat.annotate import load_nlp
    from bilat.annotate.article import annotate_articles
    from bilat.records import Article

    text = "First paragraph here.\n\nSecond one, with two sentences. Here is the other."
    annotated = next(annotate_articles([Article(id="a", text=text)], load_nlp()))
    for sentence in annotated.sentences:
        assert text[sentence.start:sentence.end] == sentence.text
    assert len(annotated.sentences) == 3
