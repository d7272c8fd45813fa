"""bilat bench reports every field (its timings are not tested: it is a benchmark)."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from bilat.cli import cli
from bilat.measure import STAGES


@pytest.mark.model
def test_bench_on_a_tiny_input_reports_every_field():
    result = CliRunner().invoke(cli, [
        "bench", "--corpus", "demo", "--command", "extract,ingest", "--workers", "1",
        "--limit", "3", "--reference-limit", "3", "--no-recall", "--no-startup",
        "--agreement", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    machine = report["machine"]
    assert machine["cores"] >= 1 and machine["cpu"] and machine["spacy"].startswith("3.8")
    assert machine["blis_kernel"]  # what makes plain spaCy's speed differ between CPUs
    runs = {row["kind"]: row for row in report["runs"]}
    assert set(runs) == {"extract", "ingest", "spacy"}
    for kind in ("extract", "ingest"):
        row = runs[kind]
        assert row["corpus"] == "demo" and row["workers"] == 1 and row["articles"] == 3
        for field in ("articles_per_second", "words_per_second", "ratio_to_spacy",
                      "articles_per_cpu_second", "cpu_ratio_to_spacy", "peak_rss_mb",
                      "first_result_seconds"):
            assert row[field] is not None and row[field] > 0, field
        assert 0 < row["entity_words"] <= row["parsed_words"] <= row["words"]
        assert set(row["stage_shares"]) == set(STAGES)
        assert sum(row["stage_shares"].values()) == pytest.approx(1, abs=0.01)
    assert runs["ingest"]["stage_shares"]["store"] > 0
    assert runs["spacy"]["pipeline"][-1] == "ner"  # the full pipeline, nothing of bilat's
    (agreement,) = report["agreement"]
    assert agreement["articles"] == 3
    assert agreement["same"] + len(agreement["differing"]) == 3


def test_bench_rejects_an_unknown_corpus():
    result = CliRunner().invoke(cli, ["bench", "--corpus", "reuters"])
    assert result.exit_code == 2
    assert "unknown corpus reuters" in result.output


def test_synthetic_corpus_is_reproducible_and_built_from_the_data():
    from bilat.knowledge import load_knowledge
    from bilat.synthetic import synthetic_documents

    first = list(synthetic_documents(30, seed=3))
    again = list(synthetic_documents(40, seed=3))[:30]
    assert first == again  # article n depends on the seed and n only
    assert first != list(synthetic_documents(30, seed=4))
    assert len({d.text for d in first}) == 30
    kb = load_knowledge()
    names = {c.name for c in kb.countries}
    for document in first:
        assert document.date and document.text.count("\n\n") >= 6
        assert sum(name in document.text for name in names) >= 2


def test_time_to_first_line_does_not_wait_for_a_long_run():
    """A command that prints more than a pipe holds after its first line, then runs on:
    the start-up timer must not block on the full pipe, nor wait for the run to end."""
    import threading

    from bilat.bench import seconds_to_first_line

    chatty = [sys.executable, "-c", "import sys, time; print('first', flush=True); "
              "sys.stdout.write('event' * 200_000); sys.stdout.flush(); time.sleep(600)"]
    timed: list[float] = []
    timer = threading.Thread(target=lambda: timed.append(seconds_to_first_line(chatty)))
    timer.start()
    timer.join(timeout=60)
    assert not timer.is_alive(), "the timer hung on the child's output"
    assert timed and timed[0] > 0


def test_time_to_first_line_fails_when_the_command_prints_nothing():
    from bilat.bench import seconds_to_first_line

    with pytest.raises(RuntimeError, match="printed nothing"):
        seconds_to_first_line([sys.executable, "-c", "import sys; sys.exit(3)"])
