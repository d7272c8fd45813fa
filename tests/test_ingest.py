import io
import os
from pathlib import Path

import pytest

from bilat.ingest import read_inputs
from bilat.records import Document, Problem

RESOURCES = Path(__file__).parent / "resources" / "ingest"


@pytest.fixture
def in_resources(monkeypatch):
    monkeypatch.chdir(RESOURCES)


def documents(items):
    return [i for i in items if isinstance(i, Document)]


def problems(items):
    return [i for i in items if isinstance(i, Problem)]


def test_directory_is_walked_in_sorted_order_with_relative_ids(in_resources):
    items = list(read_inputs(["corpus"]))
    assert [(type(i).__name__, getattr(i, "id", None) or i.code) for i in items] == [
        ("Document", "list-1"),
        ("Document", "bundle.json#2"),
        ("Document", "navy-talks.txt"),
        ("Document", "nested/briefing.md"),
        ("Document", "nested/page.html"),
        ("Document", "rec-1"),
        ("Document", "records.jsonl#2"),
        ("Problem", "B105"),
        ("Problem", "B106"),
        ("Document", "5"),
    ]


def test_hidden_and_unsupported_files_in_a_directory_are_skipped_silently(in_resources):
    items = list(read_inputs(["corpus"]))
    assert not any("hidden" in (d.text.lower()) for d in documents(items))
    assert not any(p.code == "B107" for p in problems(items))


def test_text_file_given_directly_keeps_its_path_as_id(in_resources):
    (doc,) = read_inputs(["corpus/navy-talks.txt"])
    assert doc.id == "corpus/navy-talks.txt"
    assert doc.format == "text"
    assert doc.path == "corpus/navy-talks.txt"
    assert doc.text == (RESOURCES / "corpus" / "navy-talks.txt").read_text(encoding="utf-8")


def test_markdown_is_text(in_resources):
    (doc,) = read_inputs(["corpus/nested/briefing.md"])
    assert doc.format == "text"
    assert doc.text.startswith("# Briefing")


def test_jsonl_bad_line_is_reported_and_the_rest_still_yield(in_resources):
    items = list(read_inputs(["corpus/records.jsonl"]))
    bad = problems(items)
    assert [(p.code, p.line) for p in bad] == [("B105", 3), ("B106", 4)]
    assert all(p.path == "corpus/records.jsonl" for p in bad)
    docs = documents(items)
    assert [d.id for d in docs] == ["rec-1", "corpus/records.jsonl#2", "5"]
    first = docs[0]
    assert (first.title, first.date, first.outlet, first.url, first.format) == (
        "Australia, PNG sign security treaty", "2023-12-07", "Southern Cross Wire", None, "json")
    assert docs[1].url == "https://example.org/varuna"


def test_json_list_gives_one_document_per_record(in_resources):
    docs = list(read_inputs(["corpus/bundle.json"]))
    assert [d.id for d in docs] == ["list-1", "corpus/bundle.json#2"]


def test_json_single_object(tmp_path):
    path = tmp_path / "one.json"
    path.write_text('{"text": "The frigate was handed over in Genoa.", "outlet": "Wire"}',
                    encoding="utf-8")
    (doc,) = read_inputs([str(path)])
    assert doc.id == str(path)
    assert doc.outlet == "Wire"


def test_html_main_text_and_metadata(in_resources):
    (doc,) = read_inputs(["corpus/nested/page.html"])
    assert doc.format == "html"
    assert doc.title == "Japan and Philippines sign troop access pact"
    assert doc.date == "2024-07-08"
    assert doc.url == "https://pacific-ledger.example/defence/japan-philippines-access-pact"
    assert doc.outlet == "Pacific Ledger"
    paragraphs = doc.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Japan and the Philippines signed a reciprocal access")
    assert "would simplify the paperwork" in paragraphs[2]  # <br> became a space
    for furniture in ("Home", "Typhoon season", "Copyright", "Privacy"):
        assert furniture not in doc.text


def test_html_without_main_text_is_b108(in_resources):
    (item,) = read_inputs(["empty.html"])
    assert (item.code, item.path) == ("B108", "empty.html")


def test_binary_file_is_b103(in_resources):
    (item,) = read_inputs(["blob.txt"])
    assert (item.code, item.path) == ("B103", "blob.txt")


def test_cp1252_fallback(in_resources):
    (doc,) = read_inputs(["legacy-cp1252.txt"])
    assert doc.text == ("Italy’s defence minister said the €400 million programme would "
                        "“go ahead”.\n")


def test_utf8_bom_is_dropped(in_resources):
    (doc,) = read_inputs(["bom.txt"])
    assert doc.text == "A file saved with a byte order mark.\n"


def test_undecodable_file_is_b104(in_resources):
    (item,) = read_inputs(["undecodable.txt"])
    assert item.code == "B104"


def test_missing_file_is_b101_and_reading_goes_on(in_resources):
    items = list(read_inputs(["missing.txt", "bom.txt"]))
    assert items[0].code == "B101" and items[0].path == "missing.txt"
    assert isinstance(items[1], Document)


def test_unsupported_file_given_explicitly_is_b107(in_resources):
    (item,) = read_inputs(["table.csv"])
    assert item.code == "B107"
    assert str(item).startswith("B107: table.csv: unsupported file type")


def test_unreadable_file_is_b102(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("Talks were held in Seoul.", encoding="utf-8")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    (item,) = read_inputs([str(path)])
    assert item.code == "B102"


def test_reading_is_lazy(tmp_path):
    (tmp_path / "a.txt").write_text("The first report.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("The second report.", encoding="utf-8")
    stream = read_inputs([str(tmp_path)])
    assert next(stream).id == "a.txt"
    os.remove(tmp_path / "b.txt")  # gone before its turn: it was not read up front
    assert next(stream).code == "B101"


def test_stdin_jsonl():
    stdin = io.StringIO('\n{"id": "s1", "text": "Navies met in Muscat."}\n{"text": "x"\n'
                        '{"text": "Troops trained in Kenya."}\n')
    items = list(read_inputs(["-"], stdin=stdin))
    assert items[0].id == "s1"
    assert (items[1].code, items[1].line, items[1].path) == ("B105", 3, "-")
    assert items[2].id == "-#4"


def test_stdin_html():
    page = (RESOURCES / "corpus" / "nested" / "page.html").read_text(encoding="utf-8")
    (doc,) = read_inputs(["-"], stdin=io.StringIO("\n  " + page))
    assert doc.id == "-"
    assert doc.format == "html"
    assert doc.title == "Japan and Philippines sign troop access pact"


def test_stdin_text_with_files_in_one_call(in_resources):
    stdin = io.StringIO("The coast guards of two countries held a joint drill.\n")
    items = list(read_inputs(["bom.txt", "-"], stdin=stdin))
    assert [d.id for d in items] == ["bom.txt", "-"]
    assert items[1].format == "text"
    assert items[1].text == "The coast guards of two countries held a joint drill.\n"
