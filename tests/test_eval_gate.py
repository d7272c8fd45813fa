"""The evaluation gate: accuracy may not fall below the pinned baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilat.evaluation import Report, Score, check_baseline, evaluate

BASELINE = Path(__file__).resolve().parents[1] / "eval" / "baseline.json"


def test_check_baseline_names_what_dropped():
    report = Report(corpus="demo")
    report.by_type["MEETING"] = Score(tp=8, fp=2, fn=2)
    failures = check_baseline([report], {"demo": {"events_f1": 0.9, "MEETING_f1": 0.7}})
    assert failures == ["demo events_f1 = 0.800 < 0.900"]


def test_false_event_rate_is_a_ceiling():
    report = Report(corpus="plover")
    report.extra["false_event_rate"] = {"conflict": {"sentences": 100, "with_event": 6,
                                                     "rate": 0.06}}
    assert check_baseline([report], {"plover": {"conflict_false_event_rate_max": 0.05}})
    report.extra["false_event_rate"]["conflict"]["rate"] = 0.04
    assert not check_baseline([report], {"plover": {"conflict_false_event_rate_max": 0.05}})


@pytest.mark.model
def test_accuracy_holds_the_pinned_baseline(shared):
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    reports = evaluate(["demo", "samples", "merge", "plover", "petr2"], shared)
    assert check_baseline(reports, baseline) == []
    demo = next(r for r in reports if r.corpus == "demo")
    assert demo.documents >= 40


@pytest.mark.model
def test_the_prefilter_costs_no_accuracy_on_the_demo_corpus():
    with_it, without = (evaluate(["demo"], None, prefilter=p)[0] for p in (True, False))
    assert with_it.as_dict() == without.as_dict()
    assert with_it.overall.tp > 100
