"""Exports: every format is written to a file and read back with a real reader."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bilat.export import (
    FORMATS,
    GDELT_COLUMNS,
    gdelt_row,
    global_event_id,
    plover_record,
    write_gdelt_csv,
    write_graph,
    write_parquet,
    write_plover,
)


def person(name, role, organization, country):
    return {"name": name, "kind": "person", "role": role, "organization": organization,
            "country": country}


def org(name, country):
    return {"name": name, "kind": "organization", "role": None, "organization": None,
            "country": country}


def source(document, sentence, start, url=None):
    return {"document": document, "url": url, "sentence": sentence, "start": start,
            "end": start + len(sentence)}


def event(**fields):
    base = {"schema_version": "1.0", "status": None, "end_date": None, "location": None,
            "amount": None, "quantity": None, "platform": None, "agreement": None,
            "buyer": None, "seller": None, "confidence": 0.8}
    base.update(fields)
    return base


MEETING = event(
    id="ev_1a2b3c4d5e6f7081", type="MEETING", event="CONSULT", mode="meet", context="military",
    cameo="040", date="2025-10-31",
    actor=[person("Rajnath Singh", "Defence Minister", "Ministry of Defence", "IND")],
    recipient=[person("Pete Hegseth", "Defence Minister", "Department of Defense", "USA")],
    countries=["IND", "USA"], location={"name": "Kuala Lumpur", "country": "MYS"},
    sources=[
        source("pib-2025-10-31", "Defence Minister Rajnath Singh met US Secretary of War Pete "
               "Hegseth on the sidelines of the ADMM-Plus in Kuala Lumpur on October 31, 2025.",
               0, "https://pib.gov.in/PressReleasePage.aspx?PRID=2184311"),
        source("hindu-2025-10-31", "Mr. Singh and Mr. Hegseth held talks in Kuala Lumpur on "
               "Friday.", 412, "https://www.thehindu.com/news/national/article70224011.ece"),
    ],
    num_sources=2, num_articles=2, first_reported="2025-10-31",
)

DEAL = event(
    id="ev_00ff00ff00ff00ff", type="DEAL", event="COOPERATE", mode=None, context="military",
    cameo="062", status="signed", date="2025-04-28",
    actor=[org("Indian Ministry of Defence", "IND")],
    recipient=[org("Dassault Aviation", "FRA")],
    countries=["FRA", "IND"], location={"name": "New Delhi", "country": "IND"},
    amount={"value": 630000000000.0, "currency": "INR"}, quantity=26, platform="Rafale M",
    buyer="IND", seller="FRA",
    sources=[source("ani-2025-04-28", "India on Monday signed an inter-governmental agreement "
                    "with France for 26 Rafale Marine jets worth over Rs 63,000 crore.", 0,
                    "https://www.aninews.in/news/national/general-news/rafale-m-deal/")],
    num_sources=1, num_articles=1, first_reported="2025-04-28",
)

QUAD = event(
    id="ev_fedcba9876543210", type="MEETING", event="CONSULT", mode="multilateral",
    context="diplomatic", cameo="046", date="2025-07-01",
    actor=[person("S. Jaishankar", "Foreign Minister", "Ministry of External Affairs", "IND")],
    recipient=[
        person("Marco Rubio", "Foreign Minister", "Department of State", "USA"),
        person("Penny Wong", "Foreign Minister", "Department of Foreign Affairs and Trade",
               "AUS"),
        person("Takeshi Iwaya", "Foreign Minister", "Ministry of Foreign Affairs", "JPN"),
    ],
    countries=["AUS", "IND", "JPN", "USA"],
    location={"name": "Washington, D.C.", "country": "USA"},
    sources=[source("mea-2025-07-01", "External Affairs Minister S. Jaishankar attended the Quad "
                    "Foreign Ministers' Meeting in Washington, D.C. with Secretary of State Marco "
                    "Rubio, Foreign Minister Penny Wong and Foreign Minister Takeshi Iwaya.", 0,
                    "https://www.mea.gov.in/press-releases.htm?dtl/39744")],
    num_sources=1, num_articles=1, first_reported="2025-07-02",
)

UNDATED = event(
    id="ev_0123456789abcdef", type="EXERCISE", event="COOPERATE", mode=None, context="military",
    cameo="062", date=None,
    actor=[org("Indian Navy", "IND")],
    recipient=[org("Japan Maritime Self-Defense Force", "JPN")],
    countries=["IND", "JPN"],
    sources=[source("navy-jimex.txt", "The Indian Navy and the Japan Maritime Self-Defense Force "
                    "conducted the JIMEX exercise off Visakhapatnam.", 120)],
    num_sources=1, num_articles=1, first_reported="2024-06-12",
)

EVENTS = [MEETING, DEAL, QUAD, UNDATED]


# --------------------------------------------------------------------------- PLOVER


def test_plover_lines_read_back_as_json(tmp_path):
    path = tmp_path / "events.jsonl"
    with path.open("w", encoding="utf-8") as out:
        assert write_plover(EVENTS, out) == 4
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [e["id"] for e in EVENTS]

    meeting = records[0]
    assert meeting["event"] == ["CONSULT"]
    assert meeting["mode"] == ["meet"]
    assert meeting["context"] == ["military"]
    assert meeting["date"] == "2025-10-31"
    assert meeting["quad_code"] == 1
    assert meeting["actor"] == [{
        "code": "IND", "sector": "GOV", "entity_text": "Rajnath Singh",
        "identifier_text": "Rajnath Singh", "office": "Defence Minister",
        "organization": "Ministry of Defence", "kind": "person"}]
    assert meeting["recipient"][0]["code"] == "USA"
    assert meeting["event_loc"] == {"resolved_place": "Kuala Lumpur", "country": "Malaysia",
                                    "country_code": "MYS", "resolution": 4}
    assert meeting["event_text"][0].startswith("Defence Minister Rajnath Singh met")
    assert [c["url"] for c in meeting["cite_info"]] == [s["url"] for s in MEETING["sources"]]
    assert meeting["text_info"][1] == {"start": 412, "end": MEETING["sources"][1]["end"]}
    assert meeting["num_sources"] == 2
    assert meeting["coder"].startswith("bilat ")

    deal = records[1]
    assert deal["mode"] is None
    assert deal["quad_code"] == 2
    assert deal["amount"] == {"value": 630000000000.0, "currency": "INR"}
    assert deal["platform"] == "Rafale M"
    assert deal["actor"][0]["sector"] == "GOV"
    assert deal["recipient"][0] == {
        "code": "FRA", "sector": "BUS", "entity_text": "Dassault Aviation",
        "identifier_text": "Dassault Aviation", "office": None, "organization": None,
        "kind": "organization"}

    quad = records[2]
    assert {e["code"] for e in quad["actor"] + quad["recipient"]} == {"AUS", "IND", "JPN", "USA"}
    assert quad["countries"] == ["AUS", "IND", "JPN", "USA"]

    undated = records[3]
    assert {e["sector"] for e in undated["actor"] + undated["recipient"]} == {"MIL"}
    assert undated["event_date"] is None
    assert undated["date"] == "2024-06-12"  # the day first reported stands in
    assert undated["event_loc"] is None
    assert undated["cite_info"] == [{"citation": "navy-jimex.txt", "url": None}]


def test_plover_sectors_of_country_entities_and_igo_officials():
    record = plover_record(event(
        id="ev_aaaaaaaaaaaaaaaa", type="MEETING", event="CONSULT", mode="meet",
        context="military", cameo="040", date="2025-02-13",
        actor=[{"name": "India", "kind": "country", "role": None, "organization": None,
                "country": "IND"}],
        recipient=[person("Mark Rutte", "Secretary-General", "NATO", None)],
        countries=["BEL", "IND"], sources=[source("d", "India met NATO.", 0)]))
    assert record["actor"][0]["code"] == "IND"
    assert record["actor"][0]["sector"] == "GOV"
    assert record["recipient"][0]["code"] == "IGO"
    assert record["recipient"][0]["sector"] is None


# --------------------------------------------------------------------------- GDELT


def test_gdelt_csv_has_gdelt_columns_and_values(tmp_path):
    path = tmp_path / "events.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        assert write_gdelt_csv(EVENTS, out) == 4
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        header = reader.fieldnames
    assert header == list(GDELT_COLUMNS)
    assert len(header) == 61
    assert header[:5] == ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    assert header[-2:] == ["DATEADDED", "SOURCEURL"]
    assert len(rows) == 4

    meeting, deal, quad, undated = rows
    assert meeting["GLOBALEVENTID"] == str(int("1a2b3c4d5e6f7081", 16))
    assert meeting["SQLDATE"] == "20251031"
    assert meeting["MonthYear"] == "202510"
    assert meeting["Year"] == "2025"
    assert meeting["FractionDate"] == "2025.8247"  # 2025 + (9 * 30 + 31) / 365
    assert (meeting["EventCode"], meeting["EventBaseCode"], meeting["EventRootCode"]) == \
        ("040", "040", "04")
    assert meeting["QuadClass"] == "1"
    assert meeting["GoldsteinScale"] == "1.0"
    assert meeting["Actor1Code"] == "INDGOV"
    assert meeting["Actor1Name"] == "Rajnath Singh"
    assert meeting["Actor1CountryCode"] == "IND"
    assert meeting["Actor1Type1Code"] == "GOV"
    assert meeting["Actor2Code"] == "USAGOV"
    assert meeting["Actor2CountryCode"] == "USA"
    assert (meeting["NumMentions"], meeting["NumSources"], meeting["NumArticles"]) == \
        ("2", "2", "2")
    assert meeting["ActionGeo_Type"] == "4"
    assert meeting["ActionGeo_FullName"] == "Kuala Lumpur, Malaysia"
    assert meeting["ActionGeo_CountryCode"] == "MY"
    assert meeting["DATEADDED"] == "20251031000000"
    assert meeting["SOURCEURL"] == "https://pib.gov.in/PressReleasePage.aspx?PRID=2184311"
    assert meeting["AvgTone"] == "" and meeting["Actor1Geo_Type"] == ""

    assert deal["EventCode"] == "062" and deal["EventRootCode"] == "06"
    assert deal["QuadClass"] == "2"
    assert deal["GoldsteinScale"] == "7.4"
    assert deal["Actor2Code"] == "FRABUS"
    assert deal["ActionGeo_CountryCode"] == "IN"
    assert deal["NumArticles"] == "1"

    assert quad["EventCode"] == "046" and quad["GoldsteinScale"] == "7.0"
    assert quad["ActionGeo_Type"] == "3"  # a US city
    assert quad["SOURCEURL"] == "https://www.mea.gov.in/press-releases.htm?dtl/39744"

    assert undated["SQLDATE"] == "20240612"  # first reported, as the text gives no date
    assert undated["Actor1Code"] == "INDMIL" and undated["Actor2Code"] == "JPNMIL"
    assert undated["SOURCEURL"] == ""
    assert undated["ActionGeo_FullName"] == ""


def test_gdelt_dates_when_only_a_month_is_known():
    base = dict(UNDATED, date="2023-11", first_reported="2024-01-05")
    row = gdelt_row(base)
    assert (row["SQLDATE"], row["MonthYear"], row["Year"], row["FractionDate"]) == \
        ("", "202311", "2023", "")
    row = gdelt_row(dict(base, first_reported="2023-11-20"))
    assert (row["SQLDATE"], row["MonthYear"]) == ("20231120", "202311")
    row = gdelt_row(dict(base, date=None, first_reported=None))
    assert (row["SQLDATE"], row["MonthYear"], row["Year"], row["DATEADDED"]) == ("", "", "", "")


def test_gdelt_planned_agreement_code_and_tab_format():
    planned = dict(DEAL, type="AGREEMENT", event="AGREE", cameo="0311", status="planned")
    out = io.StringIO()
    write_gdelt_csv([planned], out, delimiter="\t", header=False)
    fields = out.getvalue().rstrip("\n").split("\t")
    assert len(fields) == 61
    row = dict(zip(GDELT_COLUMNS, fields, strict=True))
    assert (row["EventCode"], row["EventBaseCode"], row["EventRootCode"]) == \
        ("0311", "031", "03")
    assert (row["QuadClass"], row["GoldsteinScale"]) == ("1", "5.2")


def test_global_event_id_is_stable_and_fits_63_bits():
    assert global_event_id("ev_ffffffffffffffff") == 2**63 - 1
    assert global_event_id("ev_0000000000000001") == 1
    assert global_event_id("not-an-id") == global_event_id("not-an-id") < 2**63


# --------------------------------------------------------------------------- Parquet


def test_parquet_schema_and_values(tmp_path):
    path = tmp_path / "events.parquet"
    assert write_parquet(EVENTS, path, batch_size=3) == 4
    table = pq.read_table(path)
    assert table.num_rows == 4
    schema = table.schema
    assert schema.field("countries").type == pa.list_(pa.string())
    assert schema.field("actor_names").type == pa.list_(pa.string())
    assert schema.field("amount_value").type == pa.float64()
    assert schema.field("num_sources").type == pa.int32()
    assert schema.field("date").type == pa.string()
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == [e["id"] for e in EVENTS]
    assert rows[0]["actor_names"] == ["Rajnath Singh"]
    assert rows[0]["recipient_countries"] == ["USA"]
    assert rows[0]["num_sources"] == 2
    assert rows[0]["source_urls"][1].startswith("https://www.thehindu.com/")
    assert rows[1]["amount_value"] == 630000000000.0
    assert rows[1]["amount_currency"] == "INR"
    assert rows[1]["platform"] == "Rafale M"
    assert rows[1]["quantity"] == 26
    assert rows[2]["countries"] == ["AUS", "IND", "JPN", "USA"]
    assert rows[3]["date"] is None
    assert rows[3]["amount_value"] is None
    assert json.loads(rows[1]["record"]) == DEAL


def test_parquet_of_no_events_still_has_the_schema(tmp_path):
    path = tmp_path / "empty.parquet"
    assert write_parquet([], path) == 0
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert "record" in table.schema.names


# --------------------------------------------------------------------------- graphs


def test_country_graphml(tmp_path):
    path = tmp_path / "countries.graphml"
    # IND-USA, FRA-IND and the Quad's six pairs, two of them (IND-USA, IND-JPN) shared
    assert write_graph(EVENTS, path, fmt="graphml", level="country") == (5, 7)
    graph = nx.read_graphml(path)
    assert set(graph.nodes) == {"AUS", "FRA", "IND", "JPN", "USA"}
    assert graph.nodes["IND"]["name"] == "India"
    assert graph.nodes["IND"]["events"] == 4
    # the Quad meeting joins every pair of its four countries
    quad = ["AUS", "IND", "JPN", "USA"]
    assert all(graph.has_edge(a, b) for i, a in enumerate(quad) for b in quad[i + 1:])
    ind_usa = graph.edges["IND", "USA"]
    assert ind_usa["weight"] == 2
    assert ind_usa["MEETING"] == 2 and ind_usa["DEAL"] == 0
    assert (ind_usa["first_date"], ind_usa["last_date"]) == ("2025-07-01", "2025-10-31")
    ind_jpn = graph.edges["IND", "JPN"]
    assert (ind_jpn["weight"], ind_jpn["MEETING"], ind_jpn["EXERCISE"]) == (2, 1, 1)
    assert ind_jpn["first_date"] == "2024-06-12"  # the undated exercise, first reported then
    assert graph.edges["FRA", "IND"]["DEAL"] == 1
    assert not graph.has_edge("FRA", "USA")


def test_person_gexf(tmp_path):
    path = tmp_path / "people.gexf"
    nodes, edges = write_graph(EVENTS, path, fmt="gexf", level="person")
    # the meeting: 1 pair; the Quad: every pair of its four ministers (6)
    assert (nodes, edges) == (6, 7)
    graph = nx.read_gexf(path)
    assert set(graph.nodes) == {"Rajnath Singh", "Pete Hegseth", "S. Jaishankar",
                                "Marco Rubio", "Penny Wong", "Takeshi Iwaya"}
    assert graph.nodes["Penny Wong"]["country"] == "AUS"
    assert graph.nodes["Penny Wong"]["role"] == "Foreign Minister"
    edge = graph.edges["Rajnath Singh", "Pete Hegseth"]
    assert float(edge["weight"]) == 1
    assert edge["MEETING"] == 1
    assert edge["first_date"] == "2025-10-31"
    assert graph.has_edge("Marco Rubio", "Penny Wong")


def test_graph_rejects_unknown_level_and_format(tmp_path):
    with pytest.raises(ValueError):
        write_graph(EVENTS, tmp_path / "x", level="city")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        write_graph(EVENTS, tmp_path / "x", fmt="dot")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- registry


def test_every_registered_format_writes_a_file(tmp_path):
    assert set(FORMATS) == {"plover", "gdelt-csv", "parquet", "graphml", "gexf"}
    for name, spec in FORMATS.items():
        path = tmp_path / f"events{spec.suffix}"
        assert spec.write(iter(EVENTS), path) == 4, name
        assert path.stat().st_size > 0
    assert FORMATS["plover"].stream is not None and FORMATS["parquet"].stream is None
    nx.read_graphml(tmp_path / "events.graphml")
    assert FORMATS["graphml"].write(EVENTS, tmp_path / "p.graphml", level="person") == 4
    assert nx.read_graphml(tmp_path / "p.graphml").number_of_nodes() == 6
