"""Evaluation: precision, recall and F1 of bilat's events against gold annotations.

Corpora:
- ``demo``: the bundled demo corpus with its hand-annotated gold (``data/demo``);
- ``samples``: the shared scraped samples with bilat's gold (``data/gold/samples.jsonl``);
- ``plover``: PLOVER gold-standard sentences; AGREE, CONSULT, COOPERATE and AID map to
  bilat's types, every other category must yield no event (the false-event rate);
- ``petr2``: PETRARCH2 validation sentences with CAMEO codes.

An extracted event matches a gold event of the same type when one of its source sentences
contains one of the gold evidence strings (or the reverse). Matching is one-to-one.
Argument fields (countries, people, date, amount) are scored on the matched pairs.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .codebook import EVENT_TYPES
from .errors import BilatError
from .ingest import read_inputs
from .pipeline import process_documents
from .records import Document, Event, Problem

CONFLICT_CATEGORIES = ("DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE",
                       "SANCTION", "COERCE", "ASSAULT", "FIGHT", "INVESTIGATE")
PLOVER_MAPPED = ("AGREE", "CONSULT", "COOPERATE", "AID")
CAMEO_ROOTS = {"04": "CONSULT", "05": "AGREE", "06": "COOPERATE", "07": "AID"}
FIELDS = ("countries", "people", "date", "amount")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(self.f1, 3), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Report:
    corpus: str
    documents: int = 0
    by_type: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    fields: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    extra: dict[str, object] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)  # unmatched events, for reading

    @property
    def overall(self) -> Score:
        total = Score()
        for score in self.by_type.values():
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total

    def as_dict(self) -> dict:
        return {
            "corpus": self.corpus, "documents": self.documents,
            "events": self.overall.as_dict(),
            "by_type": {t: s.as_dict() for t, s in sorted(self.by_type.items())},
            "fields": {f: s.as_dict() for f, s in self.fields.items()},
            **self.extra,
        }


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _matches(event: Event, gold: dict) -> bool:
    if event.type != gold["type"]:
        return False
    sentences = [_norm(s.sentence) for s in event.sources]
    for evidence in gold.get("evidence", []):
        ev = _norm(evidence)
        if any(ev in s or s in ev for s in sentences):
            return True
    return False


def _people(event: Event) -> set[str]:
    return {e.name for e in event.actor + event.recipient if e.kind == "person"}


def _score_set(score: Score, predicted: set, gold: set) -> None:
    score.tp += len(predicted & gold)
    score.fp += len(predicted - gold)
    score.fn += len(gold - predicted)


def _score_value(score: Score, predicted: object, gold: object) -> None:
    if predicted is not None and predicted == gold:
        score.tp += 1
        return
    if predicted is not None:
        score.fp += 1
    if gold is not None:
        score.fn += 1


def _amount_key(amount: dict | None) -> tuple | None:
    if not amount:
        return None
    return (round(float(amount["value"]) / 1e4), amount["currency"])


def score_document(report: Report, events: list[Event], gold_events: list[dict],
                   document: str) -> None:
    unmatched = list(events)
    for gold in gold_events:
        match = next((e for e in unmatched if _matches(e, gold)), None)
        if match is None:
            report.by_type[gold["type"]].fn += 1
            report.errors.append({"document": document, "kind": "missed", "gold": gold})
            continue
        unmatched.remove(match)
        report.by_type[gold["type"]].tp += 1
        predicted = match.to_dict()
        _score_set(report.fields["countries"], set(match.countries), set(gold["countries"]))
        _score_set(report.fields["people"], _people(match), set(gold.get("people", [])))
        _score_value(report.fields["date"], (match.date, match.end_date) if match.date else None,
                     (gold["date"], gold.get("end_date")) if gold.get("date") else None)
        _score_value(report.fields["amount"], _amount_key(predicted["amount"]),
                     _amount_key(gold.get("amount")))
        wrong = {f: (predicted.get(f), gold.get(f)) for f in ("countries", "date")
                 if f in gold and (list(predicted.get(f) or []) if f == "countries"
                                   else predicted.get(f)) != gold.get(f)}
        if _people(match) != set(gold.get("people", [])):
            wrong["people"] = (sorted(_people(match)), gold.get("people"))
        if wrong:
            report.errors.append({"document": document, "kind": "arguments", "type": gold["type"],
                                  "evidence": gold.get("evidence", [""])[0], "wrong": wrong})
    for event in unmatched:
        report.by_type[event.type].fp += 1
        report.errors.append({"document": document, "kind": "spurious", "type": event.type,
                              "countries": list(event.countries),
                              "sentence": event.sources[0].sentence})


def _read_gold(path: Path) -> dict[str, list[dict]]:
    gold = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                gold[record["document"]] = record["events"]
    return gold


def evaluate_documents(corpus: str, documents: Iterable[Document],
                       gold: dict[str, list[dict]], prefilter: bool = True) -> Report:
    report = Report(corpus=corpus)
    for result in process_documents(documents, prefilter=prefilter):
        report.documents += 1
        document = result.article.id
        score_document(report, result.events, gold.get(document, []), document)
    for event_type in EVENT_TYPES:
        report.by_type.setdefault(event_type, Score())
    return report


def _documents(paths: list[str]) -> Iterator[Document]:
    for item in read_inputs(paths):
        if isinstance(item, Problem):
            raise BilatError("B301", str(item))
        yield item


def demo_dir() -> Path:
    return Path(str(resources.files("bilat") / "data" / "demo"))


def evaluate_demo(prefilter: bool = True) -> Report:
    root = demo_dir()
    return evaluate_documents("demo", _documents([str(root / "articles")]),
                              _read_gold(root / "gold.jsonl"), prefilter)


def evaluate_samples(shared: Path, prefilter: bool = True) -> Report:
    samples = shared / "samples"
    if not samples.is_dir():
        raise BilatError("B301", f"{samples} (give --shared DIR)")
    gold = _read_gold(Path(str(resources.files("bilat") / "data" / "gold" / "samples.jsonl")))
    return evaluate_documents("samples", _documents([str(samples)]), gold, prefilter)


def _sentence_records(path: Path) -> list[dict]:
    if not path.is_file():
        raise BilatError("B301", f"{path} (give --shared DIR)")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _iso_date(raw: str | None) -> str | None:
    if not raw:
        return None
    digits = raw.replace("-", "")
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return None


def _category_report(corpus: str, records: list[dict], gold_categories,
                     predicted_category, mapped: tuple[str, ...],
                     conflict: tuple[str, ...] | None, prefilter: bool) -> Report:
    """Sentence-level scoring: which mapped categories a sentence reports."""
    report = Report(corpus=corpus)
    documents = [Document(id=r["id"], text=r["text"], date=_iso_date(r["meta"].get("date")),
                          format="json") for r in records]
    by_id = {r["id"]: r for r in records}
    negatives: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])  # [sentences, with event]
    for result in process_documents(documents, prefilter=prefilter):
        report.documents += 1
        record = by_id[result.article.id]
        gold = set(gold_categories(record))
        predicted = {predicted_category(e) for e in result.events}
        for category in mapped:
            score = report.by_type[category]
            if category in gold and category in predicted:
                score.tp += 1
            elif category in predicted:
                score.fp += 1
                report.errors.append({"document": record["id"], "kind": "spurious",
                                      "type": category, "text": record["text"]})
            elif category in gold:
                score.fn += 1
        if not gold & set(mapped):
            for category in gold or {"NONE"}:
                negatives[category][0] += 1
                negatives[category][1] += bool(predicted)
            if predicted:
                report.errors.append({"document": record["id"], "kind": "false event",
                                      "gold": sorted(gold), "text": record["text"]})
    total = [sum(v[0] for v in negatives.values()), sum(v[1] for v in negatives.values())]
    rates: dict[str, object] = {
        "other": _rate(total),
        "by_category": {k: _rate(v) for k, v in sorted(negatives.items())},
    }
    if conflict:
        rates["conflict"] = _rate([sum(negatives[c][0] for c in conflict),
                                   sum(negatives[c][1] for c in conflict)])
    report.extra["false_event_rate"] = rates
    return report


def _rate(counts: list[int]) -> dict[str, float | int]:
    sentences, with_event = counts
    return {"sentences": sentences, "with_event": with_event,
            "rate": round(with_event / sentences, 3) if sentences else 0.0}


def evaluate_plover(shared: Path, prefilter: bool = True) -> Report:
    records = _sentence_records(shared / "datasets" / "plover_gsr.jsonl")
    return _category_report(
        "plover", records,
        gold_categories=lambda r: {g["type"] for g in r["gold"] if g.get("kind") == "event"},
        predicted_category=lambda e: e.event,
        mapped=PLOVER_MAPPED, conflict=CONFLICT_CATEGORIES, prefilter=prefilter)


def evaluate_petr2(shared: Path, prefilter: bool = True) -> Report:
    records = _sentence_records(shared / "datasets" / "petr2_gsr_validation.jsonl")
    return _category_report(
        "petr2", records,
        gold_categories=lambda r: {CAMEO_ROOTS.get(g["type"][:2], "OTHER-" + g["type"][:2])
                                   for g in r["gold"]},
        predicted_category=lambda e: CAMEO_ROOTS.get(e.cameo[:2], e.event),
        mapped=PLOVER_MAPPED, conflict=None, prefilter=prefilter)


def find_shared(start: Path | None = None) -> Path | None:
    """The shared evaluation folder: $BILAT_SHARED, else a 'shared' beside a parent."""
    if os.environ.get("BILAT_SHARED"):
        return Path(os.environ["BILAT_SHARED"])
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        candidate = folder / "shared"
        if (candidate / "samples").is_dir() or (candidate / "datasets").is_dir():
            return candidate
        candidate = folder.parent / "shared"
        if (candidate / "samples").is_dir():
            return candidate
    return None


def evaluate_merge(prefilter: bool = True) -> Report:
    """Merging across sources on the demo corpus: residual duplicates and wrong merges.

    The demo corpus reports 21 events in two or three articles each (``gold_clusters.jsonl``).
    The corpus is ingested into a fresh store; each stored event's reports are matched to
    gold events; a stored event holding two gold events is a wrong merge, and a gold event
    spread over several stored events leaves residual duplicates.
    """
    import tempfile

    from .pipeline import process_paths
    from .store import Store

    root = demo_dir()
    gold = _read_gold(root / "gold.jsonl")
    cluster_of: dict[tuple[str, str], str] = {}
    with open(root / "gold_clusters.jsonl", encoding="utf-8") as handle:
        for line in handle:
            cluster = json.loads(line)
            for member in cluster["reports"]:
                cluster_of[(member["document"], member["evidence"])] = cluster["event"]
    report = Report(corpus="merge")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/merge.db")
        store.ingest(process_paths([str(root / "articles")], prefilter=prefilter))
        held: dict[str, set[str]] = defaultdict(set)  # stored event -> gold events in it
        placed: dict[tuple[str, str], str] = {}  # gold report -> the stored event it went to
        for event_id, record in store.mention_records():
            document = record["document"]
            for gold_event in gold.get(document, []):
                if _record_matches(record, gold_event):
                    key = (document, gold_event["evidence"][0])
                    held[event_id].add(cluster_of.get(key, f"{document}|{key[1]}"))
                    placed.setdefault(key, event_id)
                    break
        report.documents = len(gold)
        stored = store.count_events()
    wrong = [sorted(c) for c in held.values() if len(c) > 1]
    spread: dict[str, set[str]] = defaultdict(set)
    for key, event_id in placed.items():
        if key in cluster_of:
            spread[cluster_of[key]].add(event_id)
    residual = sum(len(events) - 1 for events in spread.values())
    report.extra["merge"] = {
        "stored_events": stored, "events_matched_to_gold": len(held),
        "wrong_merges": len(wrong), "residual_duplicates": residual,
        "residual_duplicate_rate": round(residual / len(held), 3) if held else 0.0,
        "multi_report_events": len(set(cluster_of.values())),
        "merged_fully": sum(1 for events in spread.values() if len(events) == 1),
    }
    report.errors.extend({"kind": "wrong merge", "gold": c} for c in wrong)
    report.errors.extend({"kind": "residual duplicate", "gold": c, "stored_events": len(e)}
                         for c, e in spread.items() if len(e) > 1)
    return report


def _record_matches(record: dict, gold: dict) -> bool:
    if record["type"] != gold["type"] or list(record["countries"]) != gold["countries"]:
        return False
    sentences = [_norm(s["sentence"]) for s in record["sources"]]
    return any(_norm(ev) in s or s in _norm(ev) for ev in gold.get("evidence", [])
               for s in sentences)


CORPORA = {
    "demo": lambda shared, prefilter: evaluate_demo(prefilter),
    "merge": lambda shared, prefilter: evaluate_merge(prefilter),
    "samples": evaluate_samples,
    "plover": evaluate_plover,
    "petr2": evaluate_petr2,
}


def evaluate(corpora: Iterable[str], shared: Path | None, prefilter: bool = True
             ) -> list[Report]:
    """Score the corpora; ``prefilter=False`` parses everything, to show what it costs."""
    reports = []
    for name in corpora:
        if name != "demo" and shared is None:
            raise BilatError("B301", f"corpus {name!r} needs the shared data (--shared DIR)")
        reports.append(CORPORA[name](shared, prefilter))
    return reports


def check_baseline(reports: Iterable[Report], baseline: dict) -> list[str]:
    """Scores that fell below the pinned baseline: ``{corpus: {"events_f1": x, ...}}``."""
    failures = []
    for report in reports:
        floors = baseline.get(report.corpus, {})
        if not isinstance(floors, dict):
            continue
        observed: dict[str, float] = {"events_f1": report.overall.f1}
        if report.corpus == "merge":
            observed = {}
        observed.update({f"{t}_f1": s.f1 for t, s in report.by_type.items()})
        observed.update({f"field_{f}_f1": s.f1 for f, s in report.fields.items()})
        rates = report.extra.get("false_event_rate")
        if isinstance(rates, dict) and "conflict" in rates:
            observed["conflict_false_event_rate_max"] = rates["conflict"]["rate"]
        merge = report.extra.get("merge")
        if isinstance(merge, dict):
            observed["wrong_merges_max"] = merge["wrong_merges"]
            observed["residual_duplicate_rate_max"] = merge["residual_duplicate_rate"]
        for key, floor in floors.items():
            value = observed.get(key)
            if value is None:
                continue
            if key.endswith("_max"):
                if value > floor + 1e-9:
                    failures.append(f"{report.corpus} {key} = {value:.3f} > {floor:.3f}")
            elif value < floor - 1e-9:
                failures.append(f"{report.corpus} {key} = {value:.3f} < {floor:.3f}")
    return failures
