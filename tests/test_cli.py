"""The command line, in-process with click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bilat.cli import cli

ARTICLE = """Ministers meet in Canberra

Canberra, Oct 10: Australian Defence Minister Richard Marles met Indian Defence Minister Rajnath Singh in Canberra on Thursday.
"""


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.model
def test_extract_jsonl_from_files_and_a_bad_file_goes_on(runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00")
    result = runner.invoke(cli, ["extract", str(bad), str(good), "--format", "jsonl"])
    assert result.exit_code == 1
    assert "B103" in result.stderr and "bad.txt" in result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [e["type"] for e in events] == ["MEETING"]
    assert events[0]["countries"] == ["AUS", "IND"]
    assert events[0]["sources"][0]["document"].endswith("good.txt")


@pytest.mark.model
def test_extract_reads_stdin_and_prints_a_table(runner):
    result = runner.invoke(cli, ["extract", "-", "--format", "table"], input=ARTICLE)
    assert result.exit_code == 0, result.output
    assert "MEETING" in result.stdout and "AUS-IND" in result.stdout
    assert "1 events" in result.stdout


@pytest.mark.model
def test_malformed_jsonl_line_is_named_and_the_rest_is_read(runner, tmp_path):
    path = tmp_path / "wire.jsonl"
    good = {"id": "w1", "text": ARTICLE.split("\n\n", 1)[1], "date": "2024-10-11"}
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 1
    assert "B105" in result.stderr and "wire.jsonl:2" in result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events and events[0]["date"] == "2024-10-10"


def test_extract_without_paths_is_a_usage_error(runner):
    result = runner.invoke(cli, ["extract"])
    assert result.exit_code == 2
    assert "PATH" in result.output


def test_eval_rejects_an_unknown_corpus(runner):
    result = runner.invoke(cli, ["eval", "--corpus", "nope"])
    assert result.exit_code == 2 and "unknown corpus" in result.output


@pytest.mark.model
def test_doctor_reports_a_working_install(runner):
    result = runner.invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "[ok ] English pipeline" in result.output
    assert "[ok ] extraction" in result.output


def test_reading_the_store_does_not_load_spacy():
    """Queries answer in a second: the store, query and export never import the model."""
    import subprocess
    import sys

    code = ("import sys, bilat.query, bilat.store, bilat.export, bilat.cli.store_commands; "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_extract_help_gives_the_batch_size_the_pipeline_uses(runner):
    from bilat.prefilter import PARSE_BATCH

    result = runner.invoke(cli, ["extract", "--help"])
    assert result.exit_code == 0
    assert f"[default: {PARSE_BATCH}]" in result.output
