"""Extract: sentences -> event candidates, by the codebook's triggers and the parse.

A candidate is one type of event reported in one sentence, with the raw names around its
trigger sorted into sides (subject, object, location, topic). ``resolve`` turns those names
into people, organisations and countries; ``merge`` keeps the candidates that hold up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from .annotate import GAZETTEER_SPANS, TRIGGER_SPANS
from .annotate.article import AnnotatedArticle, Sentence
from .codebook import STATUS_ORDER, Codebook, Trigger, load_codebook
from .knowledge import load_knowledge
from .titles import role_mentions

NER_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
PRONOUNS = {"he", "she", "his", "her", "him"}
TOPIC_PREPS = {"on", "about", "regarding", "over", "concerning", "into"}
TOPIC_HEADS = {"situation", "crisis", "war", "conflict", "developments", "development",
               "peace", "stability", "security", "tensions", "tension", "attack", "attacks",
               "invasion", "aggression", "threat", "threats", "issue", "issues", "region"}
LOCATION_PREPS = {"in", "at"}
REPORTING_VERBS = {"say", "report", "state", "tell", "add", "note", "according", "quote",
                   "announce", "confirm", "tweet", "post", "write"}
# What the tagger sometimes takes for a name: acronyms of document types, bare title words.
NOT_NAMES = {"MoU", "MoUs", "MoA", "LoI", "Defence", "Defense", "Ministry", "Minister",
             "Secretary", "Navy", "Army"}

AGREEMENT_WORDS = {"agreement", "agreements", "mou", "mous", "memorandum", "memoranda", "pact",
                   "pacts", "treaty", "treaties", "accord", "accords", "arrangement",
                   "arrangements", "roadmap", "framework", "protocol", "declaration",
                   "loi", "moa", "charter", "understanding", "compact", "partnership"}
DEAL_WORDS = {"contract", "contracts", "deal", "deals", "order", "orders", "procurement",
              "purchase", "sale", "sales", "acquisition", "export", "exports", "loa"}
DEAL_VERBS = {"sign", "ink", "seal", "clinch", "award", "finalise", "finalize", "conclude",
              "approve", "clear", "announce", "win", "place", "negotiate", "deliver", "buy",
              "purchase", "procure", "acquire", "order", "sell", "export", "supply", "unveil",
              "secure", "bag", "receive", "hand", "induct", "commission"}
FIRM_DEAL_WORDS = {"contract", "contracts", "deal", "deals", "order", "orders", "procurement",
                   "purchase", "acquisition", "loa"}
EXERCISE_CUES = {"joint", "bilateral", "trilateral", "multilateral", "naval", "military",
                 "maritime", "air", "army", "combined", "counter-terrorism", "war", "field",
                 "amphibious", "special", "forces", "navy", "navies", "armies", "troops",
                 "contingent", "drills", "warships", "ships", "fighter", "soldiers",
                 "sailors", "marines", "personnel", "aircraft", "jets"}
AID_CUES = {"military", "security", "defence", "defense", "weapons", "arms", "lethal",
            "equipment", "package", "drawdown", "ammunition", "munitions", "artillery",
            "missiles", "humanitarian", "grant", "grants", "financing", "fmf"}
# Verbs under which an event word is a subject of talk, not an event: "discussed the
# proposed purchase of drones", "reviewed progress on co-production".
DISCUSSION_VERBS = {"discuss", "review", "explore", "consider", "deliberate", "focus",
                    "highlight", "underscore", "emphasise", "emphasize", "stress", "push",
                    "pursue", "seek", "note", "mull", "weigh", "assess", "cover",
                    "touch", "raise", "underline", "identify", "examine", "evaluate", "study"}
COMMENTATORS = {"analyst", "analysts", "expert", "experts", "observer", "observers", "critic",
                "critics", "commentator", "commentators"}
PROCUREMENT_CUES = {"procurement", "procure", "purchase", "buy", "acquisition", "acquire",
                    "supply", "sale", "sales", "produce", "production", "co-production",
                    "manufacture", "manufacturing", "joint venture", "venture", "contract",
                    "order", "orders", "deliveries", "delivery"}
GOODS = {"drones", "drone", "jets", "jet", "aircraft", "fighters", "helicopters", "helicopter",
         "missiles", "missile", "submarines", "submarine", "frigates", "frigate", "vessels",
         "vessel", "ships", "ship", "corvette", "corvettes", "tanks", "tank", "howitzers",
         "rifles", "guns", "engines", "engine", "radars", "radar", "munitions", "ammunition",
         "rounds", "shells", "vehicles", "boats", "boat", "batteries", "launchers", "systems"}
AID_GIVING = {"provide", "give", "donate", "gift", "hand", "announce", "approve", "pledge",
              "send", "deliver", "sign", "allocate", "extend", "unveil", "commit", "grant",
              "transfer", "ship", "dispatch", "offer", "receive", "include", "provides"}
# Verbs whose subject is an event only talked about: "the exercise would help ...".
COMMENT_VERBS = {"help", "reflect", "mark", "underline", "underscore", "show", "demonstrate",
                 "signal", "highlight", "represent", "symbolise", "symbolize", "reinforce",
                 "strengthen", "boost", "deepen", "enhance", "send", "come", "consolidate",
                 "cement", "showcase", "provide", "give", "add", "aim",
                 "seek", "allow", "enable", "open", "pave", "build", "expand"}
SIGNING_TRIGGERS = {"agree_sign", "agree_signing"}  # what was signed says agreement or deal
BACK_REFERENCE_PREPS = {"after", "before", "following", "at", "since", "ahead"}
DISTINCT_CUES = {"separate", "separately", "one-on-one", "another", "previous"}
# A name found in a sentence before its side is known: (start, end, label, key).
NameSpan = tuple[int, int, str, str | None]


@dataclass(frozen=True)
class Name:
    """A name (or pronoun) in a sentence, with its place relative to the trigger."""

    start: int  # token index in the paragraph Doc
    end: int
    text: str
    label: str  # gazetteer label, NER label, "PREFIX" or "PRONOUN"
    key: str | None
    side: str  # "subject", "object", "location" or "topic"


@dataclass(frozen=True)
class Candidate:
    type: str
    triggers: tuple[str, ...]
    sentence: Sentence
    trigger_start: int  # token index of the trigger's head in the paragraph Doc
    names: tuple[Name, ...]
    mode: str | None = None
    status: str | None = None
    planned: bool = False
    agreement: str | None = None
    direction: str | None = None  # DEAL: "buy" or "sell", by the verb
    forum: str | None = None  # a named meeting: "India-Italy Defence Industry Roundtable"
    distinct: bool = False  # "a separate meeting": not the event reported around it
    cues: frozenset[str] = field(default_factory=frozenset)


def extract_candidates(annotated: AnnotatedArticle) -> Iterator[Candidate]:
    codebook = load_codebook()
    for sentence in annotated.sentences:
        if sentence.parsed:  # context sentences (see annotate_selected) only help resolve
            yield from _sentence_candidates(sentence, codebook)


def can_propose(sent: Span) -> bool:
    """Can a parsed sentence propose a candidate, whatever the NER would find in it?

    Much of what a trigger must pass - quotation, gap, type, hope, refusal, talk about it,
    the evidence of its type that needs no names - needs the parse alone, so the pipeline
    runs the NER only on sentences where a trigger passes (``annotate_selected``).
    """
    lemmas = {t.lemma_.lower() for t in sent}
    lowers = {t.lower_ for t in sent}
    return any(True for _ in _readings(sent, _trigger_spans(sent), load_codebook(), lemmas,
                                        lowers, entities=False))


def _readings(sent: Span, triggers: list[Span], codebook: Codebook, lemmas: set[str],
              lowers: set[str], entities: bool = True
              ) -> Iterator[tuple[Span, Trigger, Token, str]]:
    """(trigger span, trigger, head, event type) of each reading the parse lets stand.

    Without ``entities`` (the NER has not run) a signing read as an agreement may also
    be a deal: an amount the NER would find makes it one.
    """
    for span in triggers:
        trigger = codebook.trigger_by_id[span.label_]
        if _quoted(span):
            continue
        if trigger.max_gap is not None and len(span) > trigger.max_gap + 2:
            continue
        if trigger.mode_only:
            continue  # "on the sidelines" sets the mode of a meeting reported by other words
        head = _head(span)
        event_type = _event_type(trigger, span, sent, lemmas, lowers)
        if event_type is None:
            continue
        types = [event_type]
        if not entities and event_type == "AGREEMENT" and trigger.id in SIGNING_TRIGGERS:
            types.append("DEAL")
        for reading in types:
            if _hedged(head, sent, codebook, reading) or _negated(head, codebook):
                continue
            if reading not in ("MEETING", "CALL", "VISIT") and _under_discussion(head, sent):
                continue
            if not _plausible_by_parse(trigger, reading, span, head, sent, lowers):
                continue
            yield span, trigger, head, reading


def _trigger_spans(sent: Span) -> list[Span]:
    """The sentence's trigger matches and named exercises."""
    doc = sent.doc
    return [s for s in doc.spans[TRIGGER_SPANS] if sent.start <= s.start and s.end <= sent.end] \
        + _named_exercises(sent)


def _sentence_candidates(sentence: Sentence, codebook: Codebook) -> Iterator[Candidate]:
    sent = sentence.span
    triggers = _trigger_spans(sent)
    if not triggers:
        return
    lemmas = {t.lemma_.lower() for t in sent}
    lowers = {t.lower_ for t in sent}
    by_type: dict[str, Candidate] = {}
    agreements: list[Candidate] = []
    found: list[NameSpan] | None = None  # the same for every reading
    for span, trigger, head, event_type in _readings(sent, triggers, codebook, lemmas, lowers):
        if found is None:
            found = _sentence_names(sent)
        names = _names(sent, found, head, span)
        if not _plausible(trigger, event_type, span, head, sent, names, lemmas, lowers):
            continue
        candidate = Candidate(
            type=event_type,
            triggers=(trigger.id,),
            sentence=sentence,
            trigger_start=head.i,
            names=tuple(names),
            mode=trigger.mode,
            status=_status(trigger, event_type, head, sent, lemmas),
            planned=trigger.status == "planned" or _planned(head, sent, codebook),
            agreement=_agreement_name(sent, head) if event_type == "AGREEMENT" else None,
            direction=_deal_direction(sent, head) if event_type == "DEAL" else None,
            forum=(_forum(head) or ("roundtable" if trigger.id == "meet_roundtable" else None))
            if event_type == "MEETING" else None,
            distinct=bool(lowers & DISTINCT_CUES) or any(
                c.lower_ in ("last", "earlier") and c.dep_ in ("advmod", "amod")
                for c in head.children),
            cues=frozenset(lowers),
        )
        if event_type == "AGREEMENT":
            agreements.append(candidate)
            continue
        if event_type in by_type:
            candidate = _combine(by_type[event_type], candidate)
        by_type[event_type] = candidate
    yield from _distinct_agreements(agreements)
    sidelines = any(codebook.trigger_by_id[s.label_].mode_only for s in triggers)
    for candidate in by_type.values():
        if sidelines and candidate.type == "MEETING" and candidate.mode is None:
            candidate = Candidate(**{**candidate.__dict__, "mode": "third-party"})
        yield candidate


def _combine(first: Candidate, second: Candidate) -> Candidate:
    """Two triggers of one type in a sentence report one event: keep the richer reading."""
    keep = first if len(first.names) >= len(second.names) else second
    return Candidate(
        type=keep.type, triggers=first.triggers + second.triggers, sentence=keep.sentence,
        trigger_start=keep.trigger_start, names=keep.names,
        mode=first.mode or second.mode, status=_stronger_status(first.status, second.status),
        planned=first.planned or second.planned, agreement=first.agreement or second.agreement,
        direction=first.direction or second.direction, forum=first.forum or second.forum,
        distinct=first.distinct or second.distinct, cues=keep.cues,
    )


def _stronger_status(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return max(a, b, key=STATUS_ORDER.index) if a in STATUS_ORDER and b in STATUS_ORDER else a


def _distinct_agreements(candidates: list[Candidate]) -> Iterator[Candidate]:
    """One candidate per agreement named in the sentence; unnamed ones fold together."""
    seen: dict[str | None, Candidate] = {}
    for candidate in candidates:
        key = candidate.agreement
        if key in seen:
            seen[key] = _combine(seen[key], candidate)
        else:
            seen[key] = candidate
    named = {k: v for k, v in seen.items() if k}
    if named and None in seen:
        seen.pop(None)
    for candidate in seen.values():
        yield from _split_agreements(candidate)


def _split_agreements(candidate: Candidate) -> Iterator[Candidate]:
    names = _all_agreement_names(candidate.sentence.span)
    if len(names) < 2:
        yield candidate
        return
    for name in names:
        yield Candidate(**{**candidate.__dict__, "agreement": name})


def _head(span: Span) -> Token:
    """The token of a trigger span whose head lies outside the span."""
    for token in span:
        if token.head.i < span.start or token.head.i >= span.end or token.head == token:
            return token
    return span.root


def _event_type(trigger: Trigger, span: Span, sent: Span, lemmas: set[str],
                lowers: set[str]) -> str | None:
    if trigger.id in SIGNING_TRIGGERS:
        # "signed" reports an agreement or a deal according to what was signed.
        has_agreement = bool(lowers & AGREEMENT_WORDS)
        has_deal = bool(lowers & DEAL_WORDS)
        if has_deal and not has_agreement:
            return "DEAL"
        if has_agreement:
            # Words inside a name ("Security of Supply Arrangement") are not cues.
            plain = {t.lower_ for t in sent if not t.is_title and not t.is_upper}
            plain_lemmas = {t.lemma_.lower() for t in sent if not t.is_title and not t.is_upper}
            procurement = plain & PROCUREMENT_CUES or plain_lemmas & PROCUREMENT_CUES or \
                "joint venture" in sent.text.lower() or _has_money_or_platform(sent, [])
            return "DEAL" if procurement else "AGREEMENT"
        return None
    if trigger.id == "agree_agreed":
        # "agreed to conclude/sign/draft an agreement" is a planned agreement; "agreed to
        # deepen ties" is an aim, not an event.
        if lowers & AGREEMENT_WORDS and lemmas & {"conclude", "sign", "draft", "finalise",
                                                   "finalize", "negotiate", "work"}:
            return "AGREEMENT"
        return None
    return trigger.type


def _plausible(trigger: Trigger, event_type: str, span: Span, head: Token, sent: Span,
               names: list[Name], lemmas: set[str], lowers: set[str]) -> bool:
    """Type-specific evidence that the trigger reports an event, not a topic or a comment,
    from the names around it (what the parse alone says is ``_plausible_by_parse``)."""
    people = [n for n in names if _person_like(n) and n.side != "topic"]
    if trigger.require_entity == "person" and not people:
        return False
    if trigger.require_money and not any(t.ent_type_ == "MONEY" or t.text in ("$", "€", "£", "₹")
                                         for t in sent):
        return False
    if trigger.id == "meet_receive" and not any(
            _person_like(n) and span.doc[n.end - 1].dep_ == "dobj" and
            span.doc[n.end - 1].head.i == head.i for n in names):
        return False  # "received a takeover approach from X": a meeting receives a person
    if event_type == "DEAL":
        goods = _has_money_or_platform(sent, names) or bool(lowers & GOODS)
        governing = {t.lemma_.lower() for t in _ancestors(head, sent, limit=4)}
        if trigger.id == "deal_contract" and not governing & DEAL_VERBS and not (
                goods and span[0].lower_ not in ("export", "exports", "sale", "sales")):
            return False  # "exports rose", "Boeing and Airbus have been taking orders"
        if trigger.id in ("deal_buy", "deal_sell", "deal_approve", "deal_deliver") and not (
                goods or lowers & FIRM_DEAL_WORDS):
            return False  # "Denmark exports its products to Greece": trade, not a deal
    if event_type == "AID":
        given = lowers & AID_CUES or lowers & GOODS or _has_money_or_platform(sent, names)
        if not given:
            return False
        if not lemmas & AID_GIVING and not _has_money_or_platform(sent, names):
            return False
    if event_type == "VISIT" and not any(_person_like(n) and n.side == "subject" for n in names) \
            and not lowers & {"delegation", "minister", "ministers", "president", "leader",
                              "secretary", "chief", "officials", "team"}:
        return False  # a visit is a person's or a delegation's, not a warship's
    if event_type in ("MEETING", "VISIT") and head.pos_ in ("NOUN", "PROPN") and \
            not any(n.side in ("subject", "object") for n in names):
        # A bare noun ("the meeting focused on ...") refers back; it adds a source to an
        # event another sentence reports but proposes none without participants.
        return False
    return True


def _plausible_by_parse(trigger: Trigger, event_type: str, span: Span, head: Token,
                        sent: Span, lowers: set[str]) -> bool:
    """The part of ``_plausible`` that needs no names: the parse and the words alone."""
    if trigger.max_gap is not None and span[-1].i not in {t.i for t in span[0].subtree}:
        return False  # "has come towards meeting": the noun is not what was held
    if trigger.id == "meet_noun" and span.end < sent.end and \
            span.doc[span.end].pos_ in ("DET", "PRON"):
        return False  # "meeting the Lisbon targets": the verb, not a meeting
    if head.pos_ in ("NOUN", "PROPN") and head.dep_ == "pobj" and head.head.lower_ == "of" \
            and head.head.head.lower_ in ("ahead", "eve", "run-up", "wake", "aftermath") \
            and not any(c.dep_ == "prep" for c in head.children):
        return False  # "ahead of the meeting": the meeting is the backdrop, reported elsewhere
    if head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("nsubj", "nsubjpass") and any(
            c.lower_ in ("unlikely", "likely", "expected", "set", "bound") for c in
            head.head.children):
        return False  # "the meeting is thought unlikely to produce ..."
    if trigger.call_on and _followed_by_to_verb(span):
        return False  # "called on X to stop" is a demand, not a meeting
    if trigger.id == "meet_verb" and (any(c.dep_ == "nsubjpass" for c in head.children) or any(
            c.dep_ in ("dobj", "nsubjpass") and c.lower_ in (
                "demands", "needs", "requirements", "targets", "expectations", "deadline",
                "criteria", "standards", "goals", "obligations", "conditions")
            for c in head.children)):
        return False  # "their demands are met", "met the deadline"
    if event_type == "DEAL":
        if head.lemma_ == "order" and head.pos_ == "VERB" and _followed_by_to_verb(span):
            return False  # "asked the court to order Russia to arbitration"
        following = span.doc[span.end] if span.end < len(span.doc) else None
        preceding = span.doc[span.start - 1] if span.start > 0 else None
        if following is not None and following.lower_ in load_codebook().restrictions:
            return False  # "export controls"
        if head.dep_ == "pobj" and head.head.head.lower_ in load_codebook().restrictions:
            return False  # "barriers to U.S. exports"
        if span[0].lower_ in ("order", "orders") and preceding is not None and \
                preceding.lower_ in ("rules-based", "world", "international", "in", "global",
                                     "regional", "based", "executive"):
            return False
        if lowers & {"aid", "assistance", "donated", "donate", "gift", "gifted"} and not (
                lowers & DEAL_WORDS):
            return False
    if event_type == "EXERCISE":
        if not (lowers & EXERCISE_CUES or any(t.text[:1].isupper() for t in span)):
            return False
        if any(c.lower_ in ("this", "these", "such", "those") for c in head.children) or \
                sent.text[span.end_char - sent.start_char:].lower().startswith(" like this"):
            return False  # "exercises like this", "such drills": exercises in general
        if head.dep_ == "pobj" and head.head.lower_ == "for" and \
                head.head.head.pos_ == "NOUN":
            return False  # "the rules for joint training": what a pact covers
        if span[0].lower_ in ("exercise", "exercises") and head.pos_ == "VERB":
            return False  # "exercise restraint", "exercise its right"
        if head.lower_ in ("exercise", "exercises") and _is_verb_use(head):
            return False
    if event_type == "AID":
        if "access" in lowers:
            return False
        if trigger.require_aid_cue and not (lowers & {"gift", "gifted", "donation", "aid",
                                                      "assistance", "grant"} or lowers & GOODS):
            return False
    if head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("nsubj", "nsubjpass") and \
            head.head.lemma_ in COMMENT_VERBS and trigger.id != "exercise_named":
        return False  # "the exercise would help the two armies ...": a comment on it
    if event_type in ("MEETING", "VISIT") and head.pos_ in ("NOUN", "PROPN") and \
            head.dep_ == "pobj" and head.head.lower_ in BACK_REFERENCE_PREPS and not any(
                c.dep_ == "prep" for c in head.children) and not trigger.mode and \
            _forum(head) is None:
        return False  # "said after the talks"
    return True


def _person_like(name: Name) -> bool:
    """A person, or a surname the tagger took for a place or a firm ("Singh")."""
    if name.label in ("PERSON", "PRONOUN", "ROLE"):
        return True
    return name.label in ("GPE", "ORG", "NORP") and " " not in name.text and bool(
        load_knowledge().officeholders_with_surname(name.text))


def _is_verb_use(token: Token) -> bool:
    return token.dep_ == "ROOT" and token.pos_ == "VERB"


def _followed_by_to_verb(span: Span) -> bool:
    doc = span.doc
    for token in doc[span.end: min(span.end + 8, span.sent.end)]:
        if token.lower_ == "to" and token.i + 1 < len(doc) and doc[token.i + 1].pos_ in (
                "VERB", "AUX"):
            return True
        if token.is_punct and token.text in ".;":
            break
    return False


def _has_money_or_platform(sent: Span, names: list[Name]) -> bool:
    if any(n.label == "PLATFORM" for n in names):
        return True
    return any(t.ent_type_ == "MONEY" or t.text in ("$", "€", "£", "₹", "¥") or
               t.lower_ in ("crore", "rs", "rs.", "inr", "usd", "eur", "gbp")
               for t in sent)


def _hedged(head: Token, sent: Span, codebook: Codebook, event_type: str) -> bool:
    """Is the trigger governed by a hope, aim, possibility or comment?"""
    planned_governors = {"scheduled", "set", "slated", "due", "expected", "plan", "plans",
                         "planned", "likely"}
    approved_sale = event_type == "DEAL" and any(t.lemma_ in ("approve", "clear") for t in sent)
    for ancestor in [head, *_ancestors(head, sent, limit=6)]:
        word = ancestor.lower_
        if ancestor.lemma_ == "call" and any(c.lower_ == "for" for c in ancestor.children):
            return True  # "called for aid"
        if ancestor.lemma_ in ("say", "argue", "believe", "caution", "warn", "think") and any(
                c.dep_ == "nsubj" and c.lower_ in COMMENTATORS for c in ancestor.children):
            return True  # "analysts said the purchase consolidated ..."
        if ancestor.i == head.i:
            continue
        if word in planned_governors and head.pos_ in ("VERB", "AUX") and \
                head.head == ancestor and _to_infinitive_between(ancestor, head):
            return False  # "is expected to visit": planned, not hoped
        if word in codebook.hedges or ancestor.lemma_.lower() in codebook.hedges:
            return True
    for child in head.children:
        if child.lower_ in ("possible", "potential", "proposed") and not approved_sale:
            return True
    for child in head.children:
        if child.dep_ == "aux" and child.lower_ in codebook.hedges:
            return True
    return False


def _under_discussion(head: Token, sent: Span) -> bool:
    for ancestor in _ancestors(head, sent, limit=7):
        if ancestor.lemma_ in DISCUSSION_VERBS:
            return True
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in ancestor.children)
        if ancestor.pos_ == "VERB" and not infinitive and ancestor.lemma_ not in (
                "include", "be", "have"):
            return False  # a finite verb of its own: the event is reported, not discussed
    return False


def _quoted(span: Span) -> bool:
    """Is the trigger inside a quotation: someone's words, not the reporter's account?"""
    sent = span.sent
    before = sent.doc[sent.start: span.start].text
    return sum(before.count(q) for q in ('"', "“", "”")) % 2 == 1


def _named_exercises(sent: Span) -> list[Span]:
    """Named exercises in the gazetteer ("Yudh Abhyas", "Malabar") act as triggers."""
    kb = load_knowledge()
    found = []
    for span in sent.doc.spans[GAZETTEER_SPANS]:
        if span.label_ == "DIALOGUE" and sent.start <= span.start and span.end <= sent.end:
            dialogue = kb.dialogue(span.kb_id_ or span.text)
            if dialogue is not None and dialogue.type == "EXERCISE":
                found.append(Span(sent.doc, span.start, span.end, label="exercise_named"))
    return found


def _to_infinitive_between(governor: Token, head: Token) -> bool:
    return any(c.lower_ == "to" for c in head.children) or governor.i < head.i


def _negated(head: Token, codebook: Codebook) -> bool:
    for token in [head, *(_ancestors(head, head.sent, limit=4))]:
        for child in token.children:
            if child.dep_ == "neg" or child.lower_ in ("never",):
                return True
        if token.lemma_.lower() in codebook.refusals:
            return True  # "refused to meet", "rejected an offer to host a summit"
    return False


def _planned(head: Token, sent: Span, codebook: Codebook) -> bool:
    tokens = [head, *(_ancestors(head, sent, limit=3))]
    for token in tokens:
        for child in token.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in ("will", "shall", "'ll"):
                return True
            if child.dep_ == "aux" and child.lower_ == "to":
                governor = token.head  # "moves to finalise the purchase", "agreed to sign"
                if governor.lower_ in codebook.planned or governor.lemma_ in codebook.planned \
                        or governor.lemma_ in ("agree", "decide", "resolve", "invite",
                                               "invitation", "accept"):
                    return True
        if token.lower_ in ("scheduled", "slated", "due", "upcoming", "forthcoming"):
            return True
    window = sent.doc[max(sent.start, head.i - 3): head.i]
    return any(t.lower_ in ("upcoming", "forthcoming", "proposed", "planned", "next")
               for t in window)


def _status(trigger: Trigger, event_type: str, head: Token, sent: Span,
            lemmas: set[str]) -> str | None:
    if event_type == "DEAL":
        if trigger.status:
            return trigger.status
        if lemmas & {"deliver", "delivery", "handover", "induct", "receive", "arrive"}:
            return "delivered"
        if lemmas & {"sign", "ink", "seal", "clinch", "award", "finalise", "finalize",
                     "conclude"}:
            return "signed"
        if lemmas & {"approve", "clear", "approval", "clearance"}:
            return "approved"
        if lemmas & {"negotiate", "negotiation", "talk"}:
            return "negotiating"
        return "announced"
    if event_type == "AGREEMENT":
        return "signed"
    return None


def _ancestors(token: Token, sent: Span, limit: int) -> Iterator[Token]:
    current = token
    for _ in range(limit):
        head = current.head  # a new Token object at each read: read it once
        if head.i == current.i or not (sent.start <= head.i < sent.end):
            return
        current = head
        yield current


def _governing_verb(head: Token, sent: Span) -> Token | None:
    if head.pos_ in ("VERB", "AUX"):
        return head
    for ancestor in _ancestors(head, sent, limit=4):
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
    return None


def _sentence_names(sent: Span) -> list[NameSpan]:
    """(start, end, label, key) of every name in the sentence, in order: the gazetteer's,
    the NER's, compound prefixes ("Indo-"), pronouns and roles standing for a person."""
    doc = sent.doc
    found: list[NameSpan] = []
    taken: set[int] = set()
    for span in doc.spans[GAZETTEER_SPANS]:
        if sent.start <= span.start and span.end <= sent.end and span.label_ != "NOT_COUNTRY":
            found.append((span.start, span.end, span.label_, span.kb_id_ or None))
            taken.update(range(span.start, span.end))
    blocked = {i for s in doc.spans[GAZETTEER_SPANS] if s.label_ == "NOT_COUNTRY"
               for i in range(s.start, s.end)}
    for ent in sent.ents:
        if ent.label_ in NER_LABELS and not taken.intersection(range(ent.start, ent.end)) \
                and not blocked.intersection(range(ent.start, ent.end)) \
                and ent.text not in NOT_NAMES and ent.text.lstrip("the ") not in NOT_NAMES:
            found.append((ent.start, ent.end, ent.label_, None))
            taken.update(range(ent.start, ent.end))
    kb = load_knowledge()
    for token in sent:
        if token.i in taken or token.i in blocked:
            continue
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if nxt is not None and nxt.text in ("-", "–") and kb.prefix(token.text):
            found.append((token.i, token.i + 1, "PREFIX", kb.prefix(token.text)))
        elif token.lower_ in PRONOUNS and token.pos_ == "PRON":
            found.append((token.i, token.i + 1, "PRONOUN", None))
    for start, end, _ in role_mentions(sent, taken):
        found.append((start, end, "ROLE", None))
    found.sort()
    return found


def _names(sent: Span, found: list[NameSpan], head: Token, trigger: Span) -> list[Name]:
    """The sentence's names (``_sentence_names``), each with its side relative to the
    trigger at ``head``."""
    doc = sent.doc
    subject_tokens = _subject_tokens(head, sent)
    names = []
    for start, end, label, key in found:
        side = _side(doc[start:end], head, sent, subject_tokens, label, trigger)
        names.append(Name(start=start, end=end, text=doc[start:end].text, label=label, key=key,
                          side=side))
    return names


def _subjects_of(verb: Token) -> set[int]:
    """Tokens of a verb's subject; a relative 'who' stands for the noun it follows."""
    tokens: set[int] = set()
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass", "csubj", "agent"):
            continue
        tokens.update(t.i for t in child.subtree)
        if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
            antecedent = verb.head  # "Prabowo, who arrived in New Delhi": Prabowo arrived
            tokens.update(t.i for t in antecedent.subtree if t.i < verb.i)
    return tokens


def _subject_tokens(head: Token, sent: Span) -> set[int]:
    """Tokens on the trigger's subject side: its subject, or a noun trigger's possessor."""
    if head.pos_ in ("VERB", "AUX"):
        tokens = _subjects_of(head)
        controller = head
        for _ in range(3):  # "Singh accepted an invitation to visit": Singh is to visit
            if tokens or controller.dep_ not in ("xcomp", "acl", "advcl", "relcl", "ccomp") \
                    or controller.head == controller:
                break
            controller = controller.head
            if controller.pos_ in ("NOUN", "PROPN"):
                controller = controller.head
            tokens = _subjects_of(controller)
        return tokens
    tokens = set()
    for child in head.children:
        if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("of", "by")):
            tokens.update(t.i for t in child.subtree)  # "Marles' visit", "the visit of X"
    verb = _governing_verb(head, sent)
    if verb is not None:
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
        if not any(head in c.subtree for c in subjects):
            tokens |= _subjects_of(verb)
    return tokens


def _side(span: Span, head: Token, sent: Span, subject_tokens: set[int], label: str,
          trigger: Span) -> str:
    root = span.root
    if in_other_clause(root, head):
        return "topic"  # "... as China looms", "who took office in Canberra"
    chain = [root, *_ancestors(root, sent, limit=6)]
    for ancestor in chain:
        if ancestor == head or trigger.start <= ancestor.i < trigger.end:
            break
        if ancestor.dep_ == "prep" and ancestor.lower_ in TOPIC_PREPS:
            return "topic"
        if ancestor.lower_ in TOPIC_HEADS and ancestor.i != root.i:
            return "topic"
        if ancestor.dep_ in ("nsubj", "nsubjpass") and ancestor.head.lemma_ in REPORTING_VERBS \
                and ancestor.head.pos_ == "VERB" and head not in ancestor.head.subtree:
            return "topic"  # "..., the Ministry of Defence said": the reporter, not a party
        if ancestor.dep_ in ("nsubj", "nsubjpass") and ancestor.head.lemma_ in REPORTING_VERBS \
                and ancestor.head.pos_ == "VERB" and ancestor.head.i > head.i:
            return "topic"  # "..., a US official said"
    if root.dep_ == "pobj" and root.head.lower_ in LOCATION_PREPS and \
            label in ("PLACE", "GPE", "COUNTRY", "LOC", "FAC") and \
            root.head.head.lower_ not in TOPIC_HEADS:
        attached = root.head.head
        verb = _governing_verb(head, sent)
        if attached.i == head.i or (verb is not None and attached.i == verb.i) or \
                attached.head.i == head.i:
            return "location"  # "met in Tokyo", "talks in New Delhi"
        return "topic"  # "to co-produce engines in India": where else something happens
    if subject_tokens:
        inside = any(t.i in subject_tokens for t in span)
        return "subject" if inside else "object"
    return "subject" if span.end <= trigger.start else "object"


SUBORDINATE = {"advcl", "relcl", "ccomp"}


def in_other_clause(token: Token, head: Token) -> bool:
    """Is ``token`` inside a subordinate clause that does not hold the trigger ``head``?"""
    current = token
    for _ in range(12):
        if current.dep_ in SUBORDINATE and current.pos_ in ("VERB", "AUX") and \
                head not in current.subtree:
            return True
        if current.head == current:
            return False
        current = current.head
    return False


def _agreement_chunks(sent: Span) -> list[Span]:
    chunks = []
    for chunk in sent.noun_chunks:
        words = {t.lower_ for t in chunk}
        before = chunk.doc[chunk.start - 1] if chunk.start > 0 else None
        if words & AGREEMENT_WORDS and not (before is not None and before.text == "("):
            chunks.append(chunk)
    return chunks


_BRACKETED = re.compile(r"\s*\([^)]*\)\s*$")


def _clean_agreement(chunk: Span) -> str | None:
    """The agreement's name: its capitalised words around the chunk's head, and its tail."""
    doc = chunk.doc
    sent = chunk.sent
    root = chunk.root
    if root.lower_ in ("agreements", "pacts", "mous", "accords", "arrangements", "treaties") \
            and not any(t.is_title for t in chunk if t != root):
        return None  # "two agreements": a count, not a name
    start = root.i
    while start - 1 >= sent.start:
        prev = doc[start - 1]
        if prev.dep_ in ("det", "poss", "nummod") or prev.lower_ in (
                "important", "key", "landmark", "historic", "new", "significant"):
            break
        if prev.is_title or prev.is_upper or prev.text in ("-", "–") or prev.like_num:
            start -= 1
        elif prev.lower_ in ("of", "for", "on", "and") and start - 2 >= sent.start and \
                (doc[start - 2].is_title or doc[start - 2].is_upper):
            start -= 1
        elif prev.pos_ in ("ADJ", "NOUN") and prev.head == root:
            start -= 1
        else:
            break
    text = doc[start: root.i + 1].text
    tail = doc[root.i + 1: min(root.i + 13, sent.end)]
    if len(tail) and tail[0].lower_ in ("of", "on", "for", "regarding", "concerning") and \
            (tail[0].lower_ != "of" or root.lower_ in ("memorandum", "letter")):
        extension = []
        for token in tail:
            if token.is_punct and token.text not in ("-", "–") or token.lower_ in (
                    "between", "with", "was", "were", "by", "during", "at", "and", "after",
                    "to", "under", "which", "that", "in"):
                break
            extension.append(token)
        if extension:
            text = f"{text} {doc[extension[0].i: extension[-1].i + 1].text}"
    return text.strip() or None


def _all_agreement_names(sent: Span) -> list[str]:
    names: list[str] = []
    for chunk in _agreement_chunks(sent):
        name = _clean_agreement(chunk)
        if not name:
            continue
        name = name.strip("()[] ")
        if name in names or name.lower() in ("agreement", "agreements", "mou", "mous") or \
                f"({name})" in sent.text:
            continue
        names.append(name)
    # "an MoU" and "Memorandum of Understanding (MoU)" in one chunk list name one thing
    return [n for n in names if not any(n != m and n in m for m in names)]


def _agreement_name(sent: Span, head: Token) -> str | None:
    names = _all_agreement_names(sent)
    return names[0] if names else None


def _forum(head: Token) -> str | None:
    """The proper name of a meeting the trigger is part of ("... Defence Industry Roundtable")."""
    noun = head
    if noun.pos_ not in ("NOUN", "PROPN"):
        return None
    if noun.dep_ == "compound" and noun.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head
    left = [t for t in noun.lefts if t.dep_ in ("compound", "amod", "nmod") and
            (t.is_title or t.is_upper or t.like_num)]
    if not left and not noun.is_title:
        return None
    start = min([t.left_edge.i for t in left] + [noun.i])
    tokens = [t for t in noun.doc[start: noun.i + 1] if t.dep_ not in ("det", "poss")
              and not t.is_punct or t.text in ("-", "–", "+")]
    words = [t for t in tokens if t.is_alpha]
    if len(words) < 2 or not any(t.is_title or t.is_upper for t in words):
        return None
    text = noun.doc[tokens[0].i: noun.i + 1].text
    return re.sub(r"^(?:\d+(?:st|nd|rd|th)\s+)", "", text)


def _deal_direction(sent: Span, head: Token) -> str | None:
    for token in [head, *_ancestors(head, sent, limit=3)]:
        lemma = token.lemma_.lower()
        if lemma in ("buy", "purchase", "procure", "acquire", "order", "receive", "induct"):
            return "buy"
        if lemma in ("sell", "export", "supply", "deliver", "offer"):
            return "sell"
    return None
