"""The cache of what bilat builds from its data files: built once, loaded after, never stale."""

from __future__ import annotations

import pytest

from bilat import cache
from bilat.cache import cached


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("BILAT_CACHE_DIR", str(folder))
    return folder


def _counting_build(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_an_entry_is_built_once_and_loaded_after(cache_folder):
    value = {"IND": frozenset({"India", "Bharat"}), "version": (2, 1)}
    build, calls = _counting_build(value)
    assert cached("thing", build, "model-1") == value
    assert cached("thing", build, "model-1") == value
    assert len(calls) == 1
    assert len(list(cache_folder.glob("thing-*.pickle"))) == 1


def test_other_inputs_build_again_and_replace_the_older_entry(cache_folder):
    build, calls = _counting_build(["a"])
    cached("thing", build, "model-1")
    cached("other", build, "model-1")
    cached("thing", build, "model-2")
    assert len(calls) == 3
    assert len(list(cache_folder.glob("thing-*.pickle"))) == 1  # model-1's is gone
    assert len(list(cache_folder.glob("other-*.pickle"))) == 1
    cached("thing", build, "model-2")
    assert len(calls) == 3


def test_a_truncated_entry_is_built_again(cache_folder):
    build, calls = _counting_build({"a": 1})
    cached("thing", build)
    [entry] = cache_folder.glob("thing-*.pickle")
    entry.write_bytes(entry.read_bytes()[:5])
    assert cached("thing", build) == {"a": 1}
    assert len(calls) == 2
    assert cached("thing", build) == {"a": 1} and len(calls) == 2  # written again, whole


def test_an_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("BILAT_CACHE_DIR", "")
    build, calls = _counting_build(1)
    cached("thing", build)
    cached("thing", build)
    assert len(calls) == 2 and cache.cache_dir() is None


def test_no_home_folder_means_no_cache(monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    for variable in ("BILAT_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(cache.Path, "home", staticmethod(no_home))
    build, calls = _counting_build("built")
    assert cache.cache_dir() is None
    assert cached("thing", build) == "built" and len(calls) == 1


def test_a_folder_that_cannot_be_written_costs_only_the_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BILAT_CACHE_DIR", str(blocker / "cache"))
    build, calls = _counting_build([1, 2])
    assert cached("thing", build) == [1, 2]
    assert cached("thing", build) == [1, 2]
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == [blocker]  # no temporary file left behind


def test_the_key_follows_the_code_and_data_files_but_not_the_demo_corpus(tmp_path,
                                                                         monkeypatch):
    package = tmp_path / "bilat"
    (package / "data" / "demo").mkdir(parents=True)
    (package / "knowledge.py").write_text("ROLES = 1\n")
    (package / "data" / "countries.yaml").write_text("- IND\n")
    (package / "data" / "demo" / "001.txt").write_text("An article.\n")
    monkeypatch.setattr(cache, "PACKAGE", package)

    def key():
        cache._package_digest.cache_clear()
        return cache._key("knowledge", ())

    first = key()
    (package / "data" / "demo" / "001.txt").write_text("Another article.\n")
    assert key() == first
    (package / "data" / "countries.yaml").write_text("- IND\n- USA\n")
    second = key()
    assert second != first
    (package / "knowledge.py").write_text("ROLES = 2\n")
    assert key() != second
    cache._package_digest.cache_clear()


@pytest.mark.model
def test_the_knowledge_base_and_prefilter_from_the_cache_act_as_built(cache_folder, shared):
    from bilat.annotate.article import paragraphs
    from bilat.knowledge import _load_default
    from bilat.prefilter import load_prefilter

    built_kb, loaded_kb = _load_default.__wrapped__(), _load_default.__wrapped__()
    assert loaded_kb is not built_kb
    assert sorted(loaded_kb.surface_forms()) == sorted(built_kb.surface_forms())
    assert loaded_kb.country("Bharat") == built_kb.country("Bharat") == "IND"
    built, loaded = load_prefilter.__wrapped__(), load_prefilter.__wrapped__()
    assert {p.stem.split("-")[0] for p in cache_folder.iterdir()} == {"knowledge", "prefilter"}
    for path in sorted((shared / "samples").iterdir()):
        text = path.read_text(encoding="utf-8")
        assert loaded.select(text, paragraphs(text)) == built.select(text, paragraphs(text))
