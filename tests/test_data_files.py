"""The bundled knowledge files: they load, validate, index, and catch bad records."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml

from bilat.datafiles import YAML_LOADER, parse_yaml
from bilat.errors import BilatError
from bilat.knowledge import LABELS, ROLES, _date_range, load_knowledge

DATA = Path(str(resources.files("bilat") / "data"))
G20 = ["ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR",
       "MEX", "RUS", "SAU", "ZAF", "TUR", "GBR", "USA"]
# Offices one person holds at a time (acting and caretaker holders aside).
SINGLE = {"President", "Prime Minister", "Chancellor", "Defence Minister", "Foreign Minister",
          "Defence Secretary", "National Security Adviser", "Chief of Defence Staff",
          "Army Chief", "Navy Chief", "Air Force Chief", "Monarch", "Secretary-General",
          "High Representative"}


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for name in ("countries.yaml", "places.csv", "officeholders.jsonl", "organisations.jsonl",
                 "platforms.jsonl", "dialogues.jsonl", "SOURCES.md"):
        shutil.copy(DATA / name, target / name)
    return target


def _edit_line(path: Path, lineno: int, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[lineno - 1] = edit(lines[lineno - 1])
    path.write_text("".join(lines), encoding="utf-8")


def _edit_json_line(path: Path, lineno: int, **changes) -> None:
    def edit(line: str) -> str:
        rec = json.loads(line)
        rec.update(changes)
        return json.dumps(rec, ensure_ascii=False) + "\n"
    _edit_line(path, lineno, edit)


# --------------------------------------------------------------------------- loading


def test_every_file_loads_and_validates(kb):
    assert len(kb.countries) >= 195
    assert len(kb.places) >= 400
    assert len(kb.officeholders) >= 400
    assert len(kb.organisations) >= 200
    assert len(kb.platforms) >= 120
    assert len(kb.dialogues) >= 40
    assert kb.groups and kb.not_countries
    assert kb.version
    assert set(kb.versions) == {"countries.yaml", "places.csv", "officeholders.jsonl",
                                "organisations.jsonl", "platforms.jsonl", "dialogues.jsonl"}


@pytest.mark.parametrize("name", ["codebook.yaml", "countries.yaml", "titles.yaml"])
def test_yaml_files_parse_with_libyaml_as_pyyaml_parses_them(name):
    text = (DATA / name).read_text(encoding="utf-8")
    assert parse_yaml(text) == yaml.safe_load(text)
    if yaml.__with_libyaml__:
        assert YAML_LOADER is yaml.CSafeLoader


def test_load_is_cached(kb):
    # how long a load takes is for `bilat bench` to say (start-up); tests assert no timings
    assert load_knowledge() is kb
    fresh = load_knowledge(DATA)
    assert fresh is not kb and fresh.country("India") == kb.country("India") == "IND"


def test_a_copy_of_the_data_loads(data_copy):
    copy = load_knowledge(data_copy)
    assert copy.country("India") == "IND"
    assert copy is not load_knowledge()


# --------------------------------------------------------------------------- broken copies


def _assert_b202(data_dir: Path, where: str, words: str) -> None:
    with pytest.raises(BilatError) as info:
        load_knowledge(data_dir)
    assert info.value.code == "B202"
    assert where in info.value.detail, info.value.detail
    assert words in info.value.detail, info.value.detail


@pytest.mark.parametrize("name", ["officeholders.jsonl", "organisations.jsonl",
                                  "platforms.jsonl"])
def test_bad_iso3_on_line_3_names_the_file_and_line(data_copy, name):
    _edit_json_line(data_copy / name, 3, country="XYZ")
    _assert_b202(data_copy, f"{name}:3:", "XYZ")


def test_bad_iso3_in_places_csv_names_the_line(data_copy):
    _edit_line(data_copy / "places.csv", 3, lambda line: line.replace(",ALB,", ",XXX,"))
    _assert_b202(data_copy, "places.csv:3:", "XXX")


def test_bad_dialogue_country_names_the_line(data_copy):
    _edit_json_line(data_copy / "dialogues.jsonl", 3, countries=["IND", "ZZZ"])
    _assert_b202(data_copy, "dialogues.jsonl:3:", "ZZZ")


def test_bad_group_member_names_the_yaml_line(data_copy):
    path = data_copy / "countries.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("members: [AUS, IND, JPN, USA]", "members: [AUS, IND, JPN, QQQ]", 1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if '- name: "Quad"' in row)
    _assert_b202(data_copy, f"countries.yaml:{line}:", "QQQ")


def test_bad_country_code_format_names_the_yaml_line(data_copy):
    path = data_copy / "countries.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, row in enumerate(lines, 1) if row.strip() == "- iso3: ALB")
    lines[line - 1] = lines[line - 1].replace("ALB", "Alb")
    path.write_text("".join(lines), encoding="utf-8")
    _assert_b202(data_copy, f"countries.yaml:{line}:", "three capital letters")


@pytest.mark.parametrize("name, changes, words", [
    ("officeholders.jsonl", {"role": "Supreme Leader"}, "unknown role"),
    ("officeholders.jsonl", {"start": "2019-13-01"}, "not a real date"),
    ("officeholders.jsonl", {"start": "31/05/2019"}, "not an ISO date"),
    ("officeholders.jsonl", {"start": "2030-01-01", "end": "2029-12-31"}, "is after end"),
    ("officeholders.jsonl", {"colour": "blue"}, "unknown field"),
    ("officeholders.jsonl", {"country": None}, "country may be null only"),
    ("organisations.jsonl", {"kind": "club"}, "unknown kind"),
    ("organisations.jsonl", {"name": ""}, "non-empty string"),
    ("platforms.jsonl", {"maker": "Acme Rockets"}, "not in organisations.jsonl"),
    ("platforms.jsonl", {"category": "spaceship"}, "unknown category"),
    ("dialogues.jsonl", {"type": "PARTY"}, "unknown type"),
    ("dialogues.jsonl", {"host": "ABC"}, "ABC"),
])
def test_bad_records_are_refused_with_their_line(data_copy, name, changes, words):
    _edit_json_line(data_copy / name, 3, **changes)
    _assert_b202(data_copy, f"{name}:3:", words)


def test_duplicate_officeholder_row_is_refused(data_copy):
    path = data_copy / "officeholders.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3] + [lines[2]] + lines[3:]), encoding="utf-8")
    _assert_b202(data_copy, "officeholders.jsonl:4:", "duplicate")


def test_an_alias_naming_two_organisations_is_refused(data_copy):
    _edit_json_line(data_copy / "organisations.jsonl", 3, aliases=["Bharat Electronics"])
    with pytest.raises(BilatError) as info:
        load_knowledge(data_copy)
    assert "organisations.jsonl:" in info.value.detail and "already names" in info.value.detail


def test_malformed_json_names_the_line(data_copy):
    _edit_line(data_copy / "dialogues.jsonl", 3, lambda line: line.rstrip("\n")[:-1] + "\n")
    _assert_b202(data_copy, "dialogues.jsonl:3:", "malformed JSON")


def test_missing_sources_section_is_refused(data_copy):
    path = data_copy / "SOURCES.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## platforms.jsonl", "## other"),
                    encoding="utf-8")
    _assert_b202(data_copy, "SOURCES.md", "platforms.jsonl")


def test_missing_file_is_refused(data_copy):
    (data_copy / "platforms.jsonl").unlink()
    _assert_b202(data_copy, "platforms.jsonl", "missing")


# --------------------------------------------------------------------------- lookups


def test_country_lookups(kb):
    assert kb.country("the U.S.") == "USA"
    assert kb.country("U.S.") == kb.country("US") == kb.country("America") == "USA"
    assert kb.country("United States of America") == "USA"
    assert kb.country("Britain") == kb.country("U.K.") == kb.country("Great Britain") == "GBR"
    assert kb.country("Republic of Korea") == kb.country("ROK") == "KOR"
    assert kb.country("PRC") == "CHN"
    assert kb.country("Bharat") == kb.country("Republic of India") == "IND"
    assert kb.country("Taiwan") == "TWN"
    assert kb.country("the Philippines") == kb.country("Philippines") == "PHL"
    assert kb.country("india") == "IND"
    assert kb.country_name("GBR") == "United Kingdom"
    assert kb.country_name("KOR") == "South Korea"
    assert kb.country_name("VNM") == "Vietnam"


def test_short_forms_and_ordinary_words_match_only_as_written(kb):
    assert kb.country("us") is None
    assert kb.country("turkey") is None and kb.country("Turkey") == "TUR"
    assert kb.country("chad") is None and kb.country("Chad") == "TCD"
    assert kb.demonym("polish") is None and kb.demonym("Polish") == "POL"
    assert kb.organisation("bel") is None and kb.organisation("hal") is None
    assert kb.case_sensitive("US") and kb.case_sensitive("Jordan")
    assert not kb.case_sensitive("India")


def test_demonyms_and_prefixes(kb):
    assert kb.demonym("Italian") == "ITA"
    for word, code in [("Indian", "IND"), ("Indians", "IND"), ("British", "GBR"),
                       ("Briton", "GBR"), ("American", "USA"), ("Americans", "USA"),
                       ("French", "FRA"), ("Emirati", "ARE"), ("Filipino", "PHL"),
                       ("Philippine", "PHL"), ("Kiwi", "NZL"), ("South Korean", "KOR")]:
        assert kb.demonym(word) == code, word
    assert kb.prefix("Indo") == "IND"
    for word, code in [("Sino", "CHN"), ("Anglo", "GBR"), ("Franco", "FRA"), ("Russo", "RUS"),
                       ("Italo", "ITA"), ("Japano", "JPN"), ("Austro", "AUT"), ("Turco", "TUR"),
                       ("Greco", "GRC"), ("Indo-", "IND")]:
        assert kb.prefix(word) == code, word
    assert kb.prefix("India") is None


def test_not_countries(kb):
    for region in ["Indo-Pacific", "Asia-Pacific", "Euro-Atlantic", "Middle East", "West Asia",
                   "Latin America", "Indian Ocean"]:
        assert region in kb.not_countries
    assert kb.is_not_country("indo-pacific")
    assert kb.country("Indo-Pacific") is None
    assert not kb.is_not_country("India")


def test_groups(kb):
    assert set(kb.group("Quad").members) == {"AUS", "IND", "JPN", "USA"}
    assert kb.group("the Quad") is kb.group("Quadrilateral Security Dialogue")
    assert set(kb.group("AUKUS").members) == {"AUS", "GBR", "USA"}
    assert len(kb.group("NATO").members) == 32
    assert len(kb.group("EU").members) == 27
    assert set(kb.group("Five Eyes").members) == {"AUS", "CAN", "NZL", "GBR", "USA"}
    for name in ["ASEAN", "G7", "G20", "BRICS", "SCO", "ADMM-Plus"]:
        assert kb.group(name) is not None, name


def test_places(kb):
    assert kb.place("Canberra").country == "AUS"
    for name, code in [("Rome", "ITA"), ("Washington", "USA"), ("the Pentagon", "USA"),
                       ("Whitehall", "GBR"), ("Pearl Harbor", "USA"), ("Visakhapatnam", "IND"),
                       ("Kochi", "IND"), ("Goa", "IND"), ("Diego Garcia", "GBR"), ("Guam", "USA"),
                       ("Okinawa", "JPN"), ("Darwin", "AUS"), ("Yokosuka", "JPN"),
                       ("Toulon", "FRA"), ("Portsmouth", "GBR"), ("Bengaluru", "IND"),
                       ("Bangalore", "IND"), ("Mumbai", "IND"), ("Bombay", "IND"),
                       ("Kyiv", "UKR"), ("Kiev", "UKR"), ("Manila", "PHL"), ("Subic Bay", "PHL"),
                       ("New Delhi", "IND"), ("Bogota", "COL")]:
        assert kb.place(name) is not None and kb.place(name).country == code, name
    assert kb.place("Atlantis") is None


def test_capital_for_every_country(kb):
    with_capital = {p.country for p in kb.places if p.kind == "capital"}
    city_states = {"SGP", "MCO", "SMR", "VAT", "DJI"}
    missing = {c.iso3 for c in kb.countries} - with_capital - city_states
    assert not missing, sorted(missing)


def test_organisations(kb):
    assert kb.organisation("BEL").country == "IND"
    assert kb.organisation("Bharat Electronics Limited").acronym == "BEL"
    assert kb.organisation("Bharat Electronics").name == "Bharat Electronics Limited"
    assert kb.organisation("Dassault Aviation").country == "FRA"
    assert kb.organisation("HAL").name == "Hindustan Aeronautics Limited"
    assert kb.organisation("DRDO").kind == "agency"
    assert kb.organisation("drdo").acronym == "DRDO"
    assert kb.organisation("the Indian Navy").kind == "military"
    assert kb.organisation("TKMS").country == "DEU"
    assert set(kb.organisation("BrahMos Aerospace").countries) == {"IND", "RUS"}
    assert kb.organisation("NATO").kind == "igo" and kb.organisation("NATO").country is None
    assert kb.organisation("UK Ministry of Defence").country == "GBR"
    assert kb.organisation("Ministry of Defence") is None  # ambiguous without a country
    assert kb.organisation("SIDM").kind == "industry_body"


def test_platforms(kb):
    p8i = kb.platform("P8I")
    assert p8i.name == "P-8I Neptune" and p8i.maker == "Boeing" and p8i.country == "USA"
    assert kb.platform("Rafale M").name == "Rafale M"
    assert kb.platform("Rafale").name == "Rafale"
    assert kb.platform("SeaGuardian").category == "UAV"
    assert kb.platform("Scorpene").maker == "Naval Group"
    assert kb.platform("K9 Vajra").country == "IND"
    assert kb.platform("F414").maker == "GE Aerospace"
    for p in kb.platforms:
        assert kb.organisation(p.maker) is not None, p.maker


def test_dialogues(kb):
    dcg = kb.dialogue("Defence Consultative Group")
    assert dcg.name == "India-UK Defence Consultative Group"
    assert set(dcg.countries) == {"GBR", "IND"} and dcg.type == "MEETING"
    assert kb.dialogue("2+2").countries == ()
    assert set(kb.dialogue("India-US 2+2").countries) == {"IND", "USA"}
    assert kb.dialogue("JDC").name == "India-Italy Joint Defence Committee"
    assert kb.dialogue("AUSMIN") is not None
    assert kb.dialogue("Shangri-La Dialogue").countries == ()
    assert kb.dialogue("iCET").kind == "initiative"
    assert kb.dialogue("Malabar").type == "EXERCISE"


# --------------------------------------------------------------------------- people


def test_officeholders_by_name(kb):
    for name in ["S. Jaishankar", "S Jaishankar", "Subrahmanyam Jaishankar", "Jaishankar",
                 "Dr S. Jaishankar", "s. jaishankar"]:
        rows = kb.officeholders_named(name)
        assert rows and rows[0].name == "S. Jaishankar", name
    marles = kb.officeholders_named("Richard Marles")
    assert {h.role for h in marles} == {"Deputy Prime Minister", "Defence Minister"}
    trump = kb.officeholders_named("Donald Trump")
    assert [h.start for h in trump] == sorted(h.start for h in trump)  # oldest first
    assert kb.officeholders_named("Nobody Atall") == []


def test_two_different_singhs_in_india(kb):
    singhs = {h.name for h in kb.officeholders_with_surname("Singh") if h.country == "IND"}
    assert {"Rajnath Singh", "Rajesh Kumar Singh"} <= singhs
    assert kb.officeholders_with_surname("Marcos")[0].name == "Ferdinand Marcos Jr."
    assert {h.name for h in kb.officeholders_with_surname("Wang")} >= {"Wang Yi"}


def test_holders_of(kb):
    assert [h.name for h in kb.holders_of("Defence Secretary", "IND", "2025-04-15")] == \
        ["Rajesh Kumar Singh"]
    assert [h.name for h in kb.holders_of("Defence Minister", "USA", "2025-03-01")] == \
        ["Pete Hegseth"]
    assert [h.name for h in kb.holders_of("Defense Minister", "United States", "2022-06-01")] == \
        ["Lloyd Austin"]
    assert [h.name for h in kb.holders_of("Defence Secretary", "IND", "2023-06-01")] == \
        ["Giridhar Aramane"]
    assert [h.name for h in kb.holders_of("Defence Minister", "GBR", "2024-07-10")] == \
        ["John Healey"]
    assert [h.name for h in kb.holders_of("Defence Minister", "ITA", "2025-01-01")] == \
        ["Guido Crosetto"]
    assert {h.name for h in kb.holders_of("Defence Minister", "AUS")} >= \
        {"Richard Marles", "Peter Dutton", "Linda Reynolds"}
    # A month returns everyone in office at any time in it.
    assert {h.name for h in kb.holders_of("Defence Minister", "USA", "2025-01")} == \
        {"Lloyd Austin", "Robert G. Salesses", "Pete Hegseth"}
    assert [h.name for h in kb.holders_of("Secretary-General", None, "2025-01-01")
            if h.organization == "NATO"] == ["Mark Rutte"]


def test_g20_ministers_covered_2019_to_2025(kb):
    for iso in G20:
        for role in ("Defence Minister", "Foreign Minister"):
            for day in ("2019-07-01", "2021-01-01", "2022-06-15", "2024-01-01", "2025-06-01"):
                assert kb.holders_of(role, iso, day), (iso, role, day)


# --------------------------------------------------------------------------- integrity


def test_no_duplicate_rows(kb):
    for rows in (kb.countries, kb.places, kb.officeholders, kb.organisations, kb.platforms,
                 kb.dialogues, kb.groups):
        assert len(set(rows)) == len(rows)
    for rows in (kb.places, kb.organisations, kb.platforms, kb.dialogues, kb.groups):
        names = [r.name.lower() for r in rows]
        assert len(set(names)) == len(names)
    keys = [(h.name, h.country, h.role, h.start) for h in kb.officeholders]
    assert len(set(keys)) == len(keys)


def test_every_code_is_a_country(kb):
    codes = {c.iso3 for c in kb.countries}
    igos = {o.name for o in kb.organisations if o.kind == "igo"} | \
        {o.acronym for o in kb.organisations if o.kind == "igo"}
    for h in kb.officeholders:
        assert h.country in codes or (h.country is None and h.organization in igos), h
        assert h.role in ROLES
    for rows in (kb.places, kb.platforms):
        assert all(r.country in codes for r in rows)
    assert all(o.country in codes or o.kind == "igo" for o in kb.organisations)
    assert all(set(d.countries) <= codes for d in kb.dialogues)
    assert all(set(g.members) <= codes for g in kb.groups)


def test_no_two_holders_of_one_office_at_once(kb):
    offices = defaultdict(list)
    for h in kb.officeholders:
        if h.role in SINGLE and not any(w in h.title for w in ("Acting", "Caretaker")):
            offices[(h.role, h.country, h.organization if h.country is None else None)].append(h)
    clashes = []
    for rows in offices.values():
        rows.sort(key=lambda h: _date_range(h.start)[0])
        for a, b in zip(rows, rows[1:], strict=False):
            if a.end is None:
                clashes.append(f"{a.name} has no end but {b.name} starts {b.start}")
                continue
            gap = date.fromisoformat(_date_range(b.start)[1]) - \
                date.fromisoformat(_date_range(a.end)[0])
            if gap.days < -1:
                clashes.append(f"{a.name} ({a.start}..{a.end}) / {b.name} ({b.start}..{b.end})")
    assert not clashes, clashes


def test_surface_forms(kb):
    forms = list(kb.surface_forms())
    assert {label for _, label, _ in forms} == set(LABELS)
    assert ("Indo-Pacific", "NOT_COUNTRY", "Indo-Pacific") in forms
    assert ("U.S.", "COUNTRY", "USA") in forms
    assert ("Italian", "DEMONYM", "ITA") in forms
    assert ("Rajnath Singh", "PERSON", "Rajnath Singh") in forms
    assert ("BEL", "ORG", "Bharat Electronics Limited") in forms
    assert ("Quad", "GROUP", "Quad") in forms and ("Quad", "ORG", "Quadrilateral Security "
                                                   "Dialogue") not in forms
    keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    labels: dict[str, set[str]] = defaultdict(set)
    for text, label, key in forms:
        assert text and key
        keys[(text, label)].add(key)
        labels[text].add(label)
    assert all(len(k) == 1 for k in keys.values()), [t for t, k in keys.items() if len(k) > 1]
    # A text names one kind of thing, except a building that is also its organisation.
    mixed = {t: ls for t, ls in labels.items() if len(ls) > 1}
    assert not mixed, mixed
    assert ("Indo", "PREFIX", "IND") in set(kb.surface_forms(include_prefixes=True))
