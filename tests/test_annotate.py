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


def test_the_gazetteer_tokenizes_every_name_as_the_tokenizer_does():
    from bilat.annotate import load_nlp
    from bilat.annotate.components import name_tokens
    from bilat.knowledge import load_knowledge

    nlp = load_nlp()
    names = sorted({text for text, _, _ in load_knowledge().surface_forms()})
    assert len(names) > 4000
    assert [name_tokens(nlp.tokenizer, name) for name in names] == [
        [token.text for token in nlp.make_doc(name)] for name in names]
    assert name_tokens(nlp.tokenizer, "Cannot Cannot") == ["Can", "not", "Can", "not"]


def test_the_gazetteer_marks_what_a_phrase_matcher_key_per_name_marks(sample_paragraphs):
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Span
    from spacy.util import filter_spans

    from bilat.annotate import GAZETTEER_SPANS, load_nlp
    from bilat.evaluation import demo_dir

    nlp = load_nlp()
    gazetteer = nlp.get_pipe("bilat_gazetteer")
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    for (as_written, values), pairs in gazetteer.names.items():
        for label, key in pairs:
            (exact if as_written else lower).add(f"{label}|{key}", [list(values)])
    texts = sample_paragraphs + [path.read_text(encoding="utf-8")
                                 for path in sorted((demo_dir() / "articles").iterdir())]
    marked = 0
    for doc in nlp.pipe(texts, disable=["ner"]):
        expected = filter_spans([
            Span(doc, start, end, label=label, kb_id=key)
            for matcher in (exact, lower) for match_id, start, end in matcher(doc)
            for label, key in [nlp.vocab.strings[match_id].split("|", 1)]])
        assert [(s.start, s.end, s.label_, s.kb_id_) for s in doc.spans[GAZETTEER_SPANS]] == \
            [(s.start, s.end, s.label_, s.kb_id_) for s in expected]
        marked += len(expected)
    assert marked > 1000
    assert len(gazetteer.names) > 4000


def test_annotate_keeps_offsets_into_the_cleaned_text():
    from bilat.annotate import load_nlp
    from bilat.annotate.article import annotate_articles
    from bilat.records import Article

    text = "First paragraph here.\n\nSecond one, with two sentences. Here is the other."
    annotated = next(annotate_articles([Article(id="a", text=text)], load_nlp()))
    for sentence in annotated.sentences:
        assert text[sentence.start:sentence.end] == sentence.text
    assert len(annotated.sentences) == 3


@pytest.fixture(scope="module")
def sample_paragraphs(shared) -> list[str]:
    """The paragraphs of the shared samples, as the annotator gets them."""
    from bilat.annotate.article import paragraphs

    return [text for path in sorted((shared / "samples").iterdir())
            for _, text in paragraphs(path.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def plain():
    """spaCy's pipeline as spaCy loads it (less the sentence recognizer bilat disables)."""
    import spacy

    from bilat.annotate import model_name

    return spacy.load(model_name(), exclude=["senter"])


def test_faster_matmul_and_matching_leave_every_annotation_as_spacy_gives_it(
        sample_paragraphs, plain):
    from bilat.annotate import load_nlp
    from bilat.annotate.matching import AnchoredMatcher

    ours = load_nlp()
    networks = [pipe.model for _, pipe in ours.pipeline if getattr(pipe, "model", None)]
    assert len(networks) == 4  # tok2vec, tagger, parser, ner
    assert all(not node.ops.use_blis for model in networks for node in model.walk())

    def annotations(nlp):
        return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i,
                 t.ent_type_, t.ent_iob_, t.norm_, t.shape_, t.prefix_, t.suffix_)
                for doc in nlp.pipe(sample_paragraphs) for t in doc]

    assert len(sample_paragraphs) > 10
    assert annotations(ours) == annotations(plain)
    # without the model's list of strings, every string the annotations give was added
    assert len(ours.vocab.strings) < 50_000 < len(plain.vocab.strings)
    ruler = ours.get_pipe("attribute_ruler")
    assert isinstance(ruler.matcher, AnchoredMatcher)
    assert ruler.patterns == plain.get_pipe("attribute_ruler").patterns  # it still saves
    def regex(tokenizer, setting):
        method = getattr(tokenizer, setting)  # a compiled regex's search, or None
        return method and (method.__self__.pattern, method.__self__.flags)

    ours_tokens, plain_tokens = ours.tokenizer, plain.tokenizer  # only the model's rules
    for setting in ("prefix_search", "suffix_search", "infix_finditer", "token_match",
                    "url_match"):
        assert regex(ours_tokens, setting) == regex(plain_tokens, setting), setting
    assert regex(ours_tokens, "suffix_search")
    assert ours_tokens.rules == plain_tokens.rules and len(ours_tokens.rules) > 1000
    assert ours_tokens.faster_heuristics == plain_tokens.faster_heuristics
    memos = [node.attrs["memo"] for model in networks for node in model.walk()
             if "memo" in node.attrs]
    assert len(memos) == 2  # the main tok2vec's embedding and the NER's
    assert all(memo.index for memo in memos)  # they were used


def test_entry_points_are_looked_up_once_while_the_model_loads_and_given_back_after():
    import catalogue
    import srsly.msgpack

    from bilat.annotate.components import entry_points_looked_up_once

    snapshot = catalogue.AVAILABLE_ENTRY_POINTS
    decoders = srsly.msgpack.msgpack_decoders.get_all()
    with entry_points_looked_up_once():
        memo = catalogue.AVAILABLE_ENTRY_POINTS
        assert memo is not snapshot
        for group in ("spacy_factories", "srsly_msgpack_decoders", "no_such_group"):
            assert list(memo.select(group=group)) == list(snapshot.select(group=group))
            assert memo.select(group=group) is memo.select(group=group)
        assert srsly.msgpack.msgpack_decoders.get_all() == decoders
    assert catalogue.AVAILABLE_ENTRY_POINTS is snapshot


def test_the_lemmatizer_looks_forms_up_in_a_set_and_gives_the_lemmas_spacy_gives(plain):
    """spaCy's rule lemmatizer asks whether each form its rules make is in the model's index
    of words, and the index was a list (57,528 nouns): a scan for every form the index lacks.
    """
    from bilat.annotate import load_nlp

    ours = load_nlp()
    index = ours.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert len(index) >= 4 and all(isinstance(words, frozenset) for words in index.values())
    assert index.get("noun") == frozenset(
        plain.get_pipe("lemmatizer").lookups.get_table("lemma_index").get("noun"))
    texts = ["The recommissioned frigates' sonars were upgraded before Rajnath Singh's visit.",
             "Officials reaffirmed MoUs, outbidding rivals; the drones arrived undamaged."]
    assert ([t.lemma_ for doc in ours.pipe(texts) for t in doc]
            == [t.lemma_ for doc in plain.pipe(texts) for t in doc])


def test_an_embedding_memo_gives_the_vectors_the_layer_gives_as_it_fills_and_starts_again(
        sample_paragraphs):
    import numpy

    from bilat.annotate import load_nlp
    from bilat.annotate.embedding import EmbeddingMemo, memoized

    nlp = load_nlp()
    embed = next(node for node in nlp.get_pipe("ner").model.walk()
                 if node.name.startswith("memoized(")).layers[0]
    small = memoized(embed)
    small.attrs["memo"] = memo = EmbeddingMemo(embed.get_dim("nO"), capacity=300)
    docs = [nlp.make_doc(text) for text in sample_paragraphs]
    batches = [docs[i:i + 4] for i in range(0, len(docs), 4)]
    distinct = len({tuple(row) for features in embed.layers[0].predict(docs)
                    for row in features.tolist()})
    assert distinct > 300  # the memo must start again on the way, and does not grow past it
    for batch in batches * 2:
        for ours, theirs in zip(small.predict(batch), embed.predict(batch), strict=True):
            assert ours.shape == theirs.shape
            assert numpy.allclose(ours, theirs, atol=1e-5)
        assert len(memo.index) <= 300
    whole = small.predict(docs)  # more distinct rows in one batch than the memo holds
    assert all(numpy.allclose(ours, theirs, atol=1e-5)
               for ours, theirs in zip(whole, embed.predict(docs), strict=True))


def test_anchored_trigger_matching_finds_what_one_matcher_finds(sample_paragraphs):
    from spacy.matcher import Matcher

    from bilat.annotate import load_nlp
    from bilat.codebook import load_codebook

    nlp = load_nlp()
    plain = Matcher(nlp.vocab)
    for trigger in load_codebook().triggers:
        if trigger.pattern is not None:
            plain.add(trigger.id, [trigger.pattern])
    anchored = nlp.get_pipe("bilat_triggers").matcher
    assert anchored.anchored  # most patterns name their words
    found = [sorted(anchored(doc)) for doc in nlp.pipe(sample_paragraphs)]
    assert sum(map(len, found)) > 10
    assert found == [sorted(plain(doc)) for doc in nlp.pipe(sample_paragraphs)]


def test_anchored_lookups_stay_right_as_their_memo_fills_starts_again_and_patterns_come(
        sample_paragraphs, monkeypatch):
    from spacy.matcher import Matcher

    from bilat.annotate import load_nlp, matching
    from bilat.annotate.matching import AnchoredMatcher

    nlp = load_nlp()
    patterns = {f"rule{i}": pattern for i, entry in
                enumerate(nlp.get_pipe("attribute_ruler").patterns)
                for pattern in entry["patterns"]}
    docs = list(nlp.pipe(sample_paragraphs))

    def matchers(keys):
        anchored, plain = AnchoredMatcher(nlp.vocab), Matcher(nlp.vocab)
        add(keys, anchored, plain)
        return anchored, plain

    def add(keys, *to):
        for matcher in to:
            for key in keys:
                matcher.add(key, [patterns[key]])

    def assert_same(anchored, plain) -> None:
        for doc in docs:
            assert sorted(anchored(doc)) == sorted(plain(doc, allow_missing=True))

    monkeypatch.setattr(matching, "ROW_MEMO_CAPACITY", 50)
    anchored, plain = matchers(patterns)
    assert_same(anchored, plain)
    assert sum(map(len, docs)) > 500 and len(anchored.row_keys) <= 50  # it started again
    monkeypatch.undo()
    tag_only = [key for key, pattern in patterns.items() if set(pattern[0]) == {"TAG"}]
    anchored, plain = matchers(patterns.keys() - set(tag_only))
    assert_same(anchored, plain)
    add(tag_only, anchored, plain)  # tokens matched before must be read again
    assert_same(anchored, plain)


def _annotated(text: str):
    from bilat.annotate import load_nlp
    from bilat.annotate.article import annotate_selected
    from bilat.extraction import can_propose
    from bilat.prefilter import load_prefilter
    from bilat.records import Article

    [annotated] = annotate_selected([Article(id="a", text=text)], load_nlp(), load_prefilter(),
                                    proposes=can_propose)
    return {s.text: s for s in annotated.sentences}


def test_the_ner_runs_only_on_sentences_that_can_report_an_event():
    from bilat.annotate import load_nlp

    met = ("New Delhi, Nov 22: Defence Minister Rajnath Singh met his Australian counterpart "
           "Richard Marles in Canberra on Thursday.")
    hoped = "Analysts hope Japan will join the exercise with India next year."
    sentences = _annotated(f"{met}\n\n{hoped}")
    assert sentences[hoped].parsed and not sentences[hoped].span.ents  # parse, no NER
    plain = load_nlp()(met)
    assert [(e.text, e.label_) for e in sentences[met].span.ents] == [
        (e.text, e.label_) for e in plain.ents]
    assert [t.dep_ for t in sentences[hoped].span] == [t.dep_ for t in load_nlp()(hoped)]


def test_the_ner_runs_before_he_on_the_sentences_he_may_stand_for():
    hoped = "Japan hopes to join the exercise next year, Defence Minister Gen Nakatani said."
    met = "He met Australian Defence Minister Richard Marles in Tokyo on Monday."
    sentences = _annotated(f"{hoped}\n\n{met}")
    assert "Gen Nakatani" in {e.text for e in sentences[hoped].span.ents}


def test_an_article_whose_two_countries_only_meet_in_a_hope_is_not_annotated():
    assert _annotated("Analysts hope India and Australia will hold a joint naval exercise "
                      "next year.\n\nBoth navies are expanding.") == {}


def test_the_ner_runs_where_a_name_an_event_gives_is_given_in_full():
    # the role "President" comes from the earlier sentence, which cannot report an event
    hoped = "Ukrainian President Viktor Yushchenko hopes to visit Brussels soon."
    met = "Viktor Yushchenko met US President George W Bush in Brussels on Tuesday."
    sentences = _annotated(f"{hoped}\n\n{met}")
    assert "Viktor Yushchenko" in {e.text for e in sentences[hoped].span.ents}


@pytest.mark.parametrize("module", ["bilat.annotate", "bilat.pipeline", "bilat.evaluation"])
def test_spacy_comes_without_its_command_line_until_that_is_asked_for(module):
    import subprocess
    import sys

    code = f"""
import sys
import {module}
assert "spacy" in sys.modules
assert "spacy.cli" not in sys.modules and "typer" not in sys.modules
import spacy
assert "pipelines" in spacy.info()
import spacy.cli
assert callable(spacy.cli.download) and "typer" in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_langcodes_is_imported_only_when_spacy_matches_a_language_code_with_it():
    import subprocess
    import sys

    code = """
import sys
import bilat.annotate
from bilat.annotate import load_nlp
import spacy.util
load_nlp()
assert spacy.util.get_lang_class("en").lang == "en"
assert "langcodes" not in sys.modules and "langcodes.data_dicts" not in sys.modules
assert spacy.util.find_matching_language("nb-NO") == "nb"  # langcodes' own work
assert "langcodes.data_dicts" in sys.modules
import langcodes
assert langcodes.tag_is_valid("en") and sys.modules["langcodes"] is langcodes
assert spacy.util.langcodes.closest_supported_match is langcodes.closest_supported_match
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_attribute_ruler_sets_the_indexed_token_and_refuses_an_index_outside_its_match():
    import spacy

    from bilat.annotate.components import anchor_attribute_ruler

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "defence"}, {"LOWER": "secretary"}]], {"LEMMA": "secretary-post"},
              index=-1)
    ruler.add([[{"LOWER": "joint"}]], {"LEMMA": "together"}, index=1)
    anchor_attribute_ruler(ruler)
    doc = ruler(nlp.make_doc("The Defence Secretary arrived."))
    assert [t.lemma_ for t in doc] == ["", "", "secretary-post", "", ""]
    with pytest.raises(ValueError, match="E1001"):
        ruler(nlp.make_doc("A joint exercise."))
