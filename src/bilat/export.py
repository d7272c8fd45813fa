"""Write stored events in formats that other tools read.

Every writer takes an iterable of event dicts: the JSON event record (``schema/event.schema.json``)
plus the store's fields ``num_sources`` (distinct sentences), ``num_articles`` (distinct articles)
and ``first_reported`` (ISO date or null). A plain event record works too: the counts then come
from its ``sources``. The text writers stream, one event at a time; Parquet is written in batches;
a graph is aggregated in memory, one node per country or person.

``FORMATS`` maps the names ``plover``, ``gdelt-csv``, ``parquet``, ``graphml`` and ``gexf`` to a
writer that takes a path, for the command line.

Sources followed
----------------
PLOVER JSONL (``write_plover``): the field names of the PLOVER manual, chapter "Data Fields"
(openeventdata/PLOVER, ``PLOVER_MANUAL.tex``: tables "PLOVER JSON", "Information object for
entities", "Location object", "Information object for citations") and its sector codes (chapter
"Country Names and Sector Codes"). The manual asks producers to use its names wherever a field
corresponds, and to add any other named fields freely; so the record has ``id``, ``date``,
``enddate``, ``event``, ``mode`` and ``context`` (lists), ``quad_code``, ``actor`` and
``recipient`` (lists of entity objects: ``code``, ``sector``, ``entity_text``,
``identifier_text``, ``office``), ``event_loc`` (``resolved_place``, ``country``,
``country_code``, ``resolution``), ``event_text`` (list of the source sentences), ``text_info``
and ``cite_info`` (one per sentence), ``coder``; then bilat's own fields (``type``, ``cameo``,
``status``, ``event_date``, ``amount``, ``platform``, ``num_sources`` ...). POLECAT's coder
(ahalterman/NGEC, ``formatter.py``) was read too: it uses its own internal names (``event_type``,
``event_mode``, ``attributes.ACTOR``); the manual's names are the published interchange form.

GDELT CSV (``write_gdelt_csv``): the 61 columns of the GDELT 2.0 Event table in GDELT's order and
spelling (GDELT Event Codebook V2.0, 2015; the same header as GDELT's BigQuery export). CAMEO
Goldstein values: GDELT's lookup ``CAMEO.goldsteinscale.txt``. GDELT's geography columns use
FIPS 10-4 country codes; ``_FIPS`` is the ISO3 -> FIPS column of GeoNames' ``countryInfo.txt``.

Parquet (``write_parquet``) and graphs (``write_graph``) are bilat's own layouts, described on
the functions.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

from . import __version__
from .codebook import EVENT_TYPES
from .knowledge import ROLES, KnowledgeBase, load_knowledge

EventDict = Mapping[str, Any]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}")
_YEAR = re.compile(r"^\d{4}")

# --------------------------------------------------------------------------- CAMEO and GDELT

# GDELT 2.0 Event table, in file order (GDELT Event Codebook V2.0).
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

# CAMEO Goldstein scores for the cooperative roots 03-08 (GDELT's CAMEO.goldsteinscale.txt).
# bilat emits 0311, 040-046, 057, 061/062 and 070-073; the rest of the roots is there so that a
# new codebook mapping finds its score.
GOLDSTEIN: dict[str, float] = {
    "03": 4.0, "030": 4.0, "031": 5.2, "0311": 5.2, "0312": 5.2, "0313": 5.2, "0314": 5.2,
    "032": 4.5, "033": 5.2, "0331": 5.2, "0332": 5.2, "0333": 5.2, "0334": 6.0,
    "034": 7.0, "0341": 7.0, "0342": 7.0, "0343": 7.0, "0344": 7.0,
    "035": 7.0, "0351": 7.0, "0352": 7.0, "0353": 7.0, "0354": 7.0, "0355": 7.0, "0356": 7.0,
    "036": 4.0, "037": 5.0, "038": 7.0, "039": 5.0,
    "04": 1.0, "040": 1.0, "041": 1.0, "042": 1.9, "043": 2.8, "044": 2.5, "045": 5.0,
    "046": 7.0,
    "05": 3.5, "050": 3.5, "051": 3.4, "052": 3.5, "053": 3.8, "054": 6.0, "055": 7.0,
    "056": 7.0, "057": 8.0,
    "06": 6.0, "060": 6.0, "061": 6.4, "062": 7.4, "063": 7.4, "064": 7.0,
    "07": 7.0, "070": 7.0, "071": 7.4, "072": 8.3, "073": 7.4, "074": 8.5, "075": 7.0,
    "08": 5.0, "080": 5.0, "081": 5.0, "082": 5.0, "083": 5.0, "084": 7.0, "085": 7.0,
    "086": 9.0, "087": 9.0,
}

# CAMEO country codes are ISO 3166-1 alpha-3 except where ISO changed after CAMEO fixed its list.
_CAMEO_COUNTRY = {"ROU": "ROM", "TLS": "TMP"}

# ISO3 -> FIPS 10-4, GDELT's geography country codes (GeoNames countryInfo.txt, column "fips").
_FIPS: dict[str, str] = dict(pair.split(":") for pair in """
AND:AN ARE:AE AFG:AF ATG:AC AIA:AV ALB:AL ARM:AM AGO:AO ATA:AY ARG:AR ASM:AQ AUT:AU AUS:AS
ABW:AA AZE:AJ BIH:BK BRB:BB BGD:BG BEL:BE BFA:UV BGR:BU BHR:BA BDI:BY BEN:BN BLM:TB BMU:BD
BRN:BX BOL:BL BRA:BR BHS:BF BTN:BT BVT:BV BWA:BC BLR:BO BLZ:BH CAN:CA CCK:CK COD:CG CAF:CT
COG:CF CHE:SZ CIV:IV COK:CW CHL:CI CMR:CM CHN:CH COL:CO CRI:CS CUB:CU CPV:CV CUW:UC CXR:KT
CYP:CY CZE:EZ DEU:GM DJI:DJ DNK:DA DMA:DO DOM:DR DZA:AG ECU:EC EST:EN EGY:EG ESH:WI ERI:ER
ESP:SP ETH:ET FIN:FI FJI:FJ FLK:FK FSM:FM FRO:FO FRA:FR GAB:GB GBR:UK GRD:GJ GEO:GG GUF:FG
GGY:GK GHA:GH GIB:GI GRL:GL GMB:GA GIN:GV GLP:GP GNQ:EK GRC:GR SGS:SX GTM:GT GUM:GQ GNB:PU
GUY:GY HKG:HK HMD:HM HND:HO HRV:HR HTI:HA HUN:HU IDN:ID IRL:EI ISR:IS IMN:IM IND:IN IOT:IO
IRQ:IZ IRN:IR ISL:IC ITA:IT JEY:JE JAM:JM JOR:JO JPN:JA KEN:KE KGZ:KG KHM:CB KIR:KR COM:CN
KNA:SC PRK:KN KOR:KS XKX:KV KWT:KU CYM:CJ KAZ:KZ LAO:LA LBN:LE LCA:ST LIE:LS LKA:CE LBR:LI
LSO:LT LTU:LH LUX:LU LVA:LG LBY:LY MAR:MO MCO:MN MDA:MD MNE:MJ MAF:RN MDG:MA MHL:RM MKD:MK
MLI:ML MMR:BM MNG:MG MAC:MC MNP:CQ MTQ:MB MRT:MR MSR:MH MLT:MT MUS:MP MDV:MV MWI:MI MEX:MX
MYS:MY MOZ:MZ NAM:WA NCL:NC NER:NG NFK:NF NGA:NI NIC:NU NLD:NL NOR:NO NPL:NP NRU:NR NIU:NE
NZL:NZ OMN:MU PAN:PM PER:PE PYF:FP PNG:PP PHL:RP PAK:PK POL:PL SPM:SB PCN:PC PRI:RQ PSE:WE
PRT:PO PLW:PS PRY:PA QAT:QA REU:RE ROU:RO SRB:RI RUS:RS RWA:RW SAU:SA SLB:BP SYC:SE SDN:SU
SSD:OD SWE:SW SGP:SN SHN:SH SVN:SI SJM:SV SVK:LO SLE:SL SMR:SM SEN:SG SOM:SO SUR:NS STP:TP
SLV:ES SXM:NN SYR:SY SWZ:WZ TCA:TK TCD:CD ATF:FS TGO:TO THA:TH TJK:TI TKL:TL TLS:TT TKM:TX
TUN:TS TON:TN TUR:TU TTO:TD TUV:TV TWN:TW TZA:TZ UKR:UP UGA:UG USA:US URY:UY UZB:UZ VAT:VT
VCT:VC VEN:VE VGB:VI VIR:VQ VNM:VM VUT:NH WLF:WF WSM:WS YEM:YM MYT:MF ZAF:SF ZMB:ZA ZWE:ZI
""".split())

# PLOVER sector codes that are also CAMEO actor type codes (GDELT's Actor1Type1Code).
_CAMEO_TYPES = frozenset({"GOV", "MIL", "BUS", "SPY", "COP", "JUD", "LEG", "EDU", "MED"})


def cameo_codes(code: str) -> tuple[str, str, str]:
    """(EventCode, EventBaseCode, EventRootCode): "0311" -> ("0311", "031", "03")."""
    return code, code[:3], code[:2]


def quad_class(code: str) -> int | None:
    """CAMEO QuadClass: 1 verbal cooperation (roots 01-05), 2 material cooperation (06-08),
    3 verbal conflict (09-13), 4 material conflict (14-20); None for a code that is not CAMEO."""
    try:
        root = int(code[:2])
    except ValueError:
        return None
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 8:
        return 2
    if 9 <= root <= 13:
        return 3
    if 14 <= root <= 20:
        return 4
    return None


def goldstein(code: str) -> float | None:
    """The Goldstein score of a CAMEO code, else of its base code, else of its root."""
    for key in (code, code[:3], code[:2]):
        if key in GOLDSTEIN:
            return GOLDSTEIN[key]
    return None


def global_event_id(event_id: str) -> int:
    """A stable positive 63-bit integer for an event id: the 16 hex digits of ``ev_<hex>``."""
    digits = event_id[3:] if event_id.startswith("ev_") else ""
    if not re.fullmatch(r"[0-9a-f]{16}", digits):
        digits = hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:16]
    return int(digits, 16) & (2**63 - 1)


# --------------------------------------------------------------------------- shared helpers


def _kb() -> KnowledgeBase:
    return load_knowledge()


def _day(event: EventDict) -> str | None:
    """The event's day as YYYY-MM-DD: its date when known to the day, else the day it was first
    reported, provided that falls inside what is known of the date (None when neither works)."""
    date = event.get("date")
    if date and _DAY.match(date):
        return str(date)
    reported = event.get("first_reported")
    if reported and _DAY.match(reported) and (not date or reported.startswith(date)):
        return str(reported)
    return None


def _when(event: EventDict) -> str | None:
    """The date to order events by: the event's date at any precision, else first reported."""
    return event.get("date") or event.get("first_reported") or None


def _sources(event: EventDict) -> list[Mapping[str, Any]]:
    return list(event.get("sources") or [])


def _num_sources(event: EventDict) -> int:
    if event.get("num_sources") is not None:
        return int(event["num_sources"])
    return len({(s.get("document"), s.get("start")) for s in _sources(event)})


def _num_articles(event: EventDict) -> int:
    if event.get("num_articles") is not None:
        return int(event["num_articles"])
    return len({s.get("document") for s in _sources(event)})


def _first_url(event: EventDict) -> str | None:
    return next((s["url"] for s in _sources(event) if s.get("url")), None)


_MIL_ROLES = frozenset({"Chief of Defence Staff", "Army Chief", "Navy Chief", "Air Force Chief",
                        "Military Commander"})
_IGO_ROLES = frozenset({"Secretary-General", "High Representative"})
_ORG_SECTORS = {"government": "GOV", "military": "MIL", "company": "BUS",
                "industry_body": "BUS", "agency": "GOV", "think_tank": "SOC", "igo": None}
_MIL_WORDS = re.compile(
    r"\b(army|navy|naval|air force|air staff|military|armed forces|admiral|marshal|"
    r"commander|commandant|brigadier|colonel|coast guard|marines?|defence staff|defense staff|"
    r"(?<!director )(?<!attorney )(?<!solicitor )(?<!secretary )(?<!secretary-)general)\b",
    re.IGNORECASE)
_GOV_WORDS = re.compile(
    r"\b(minister|ministry|secretary|president|prime|chancellor|ambassador|envoy|adviser|"
    r"advisor|governor|monarch|king|queen|prince|emir|sultan|government|department|"
    r"high commissioner|official|cabinet|council|parliament)\b", re.IGNORECASE)
_BUS_WORDS = re.compile(
    r"\b(ceo|chief executive|chairman|chairperson|managing director|ltd|limited|inc|corp|"
    r"corporation|gmbh|plc|company|aerospace|industries|shipyards?|dynamics|technologies|"
    r"systems)\b", re.IGNORECASE)


def _org_sector(kind: str, name: str) -> str | None:
    if kind == "agency" and "intelligence" in name.lower():
        return "SPY"
    return _ORG_SECTORS.get(kind)


def sector(entity: Mapping[str, Any]) -> str | None:
    """PLOVER sector code of an entity: GOV for country entities and officials, MIL for military
    organisations and officers, BUS for companies, SPY for intelligence agencies, SOC for think
    tanks; None when nothing tells (and for international organisations, which PLOVER codes as
    the "country" IGO rather than as a sector)."""
    kind, name = entity.get("kind"), entity.get("name") or ""
    if kind == "country":
        return "GOV"
    kb = _kb()
    if kind == "organization":
        org = kb.organisation(name)
        if org:
            return _org_sector(org.kind, org.name)
        for words, code in ((_MIL_WORDS, "MIL"), (_BUS_WORDS, "BUS"), (_GOV_WORDS, "GOV")):
            if words.search(name):
                return code
        return None
    role = entity.get("role") or ""
    org = kb.organisation(entity.get("organization"))
    if role in _MIL_ROLES:
        return "MIL"
    if role in _IGO_ROLES and not entity.get("country"):
        return None
    if role == "Party Leader":
        return "PTY"
    if role == "Head of Agency":
        return (_org_sector(org.kind, org.name) if org else None) or "GOV"
    if role in ROLES:
        return "GOV"
    if org:  # a free-text role: the organisation tells best ("Director General", Coast Guard)
        return _org_sector(org.kind, org.name)
    for words, code in ((_MIL_WORDS, "MIL"), (_GOV_WORDS, "GOV"), (_BUS_WORDS, "BUS")):
        if role and words.search(role):
            return code
    return None


def actor_code(entity: Mapping[str, Any]) -> str | None:
    """PLOVER's top-level code of an entity: its country (ISO3), else IGO, UNO or EUR for an
    international organisation or its officials, else None."""
    if entity.get("country"):
        return str(entity["country"])
    kb = _kb()
    org = kb.organisation(entity.get("name") if entity.get("kind") == "organization"
                          else entity.get("organization"))
    if org and org.kind == "igo" or entity.get("role") in _IGO_ROLES:
        text = " ".join(filter(None, (org.name if org else None, entity.get("name"),
                                      entity.get("organization"))))
        if "United Nations" in text:
            return "UNO"
        if "European Union" in text:
            return "EUR"
        return "IGO"
    return None


def _place_kind(location: Mapping[str, Any]) -> str | None:
    """"country" when the location names a country, else the knowledge base's place kind."""
    kb = _kb()
    name = location.get("name")
    if name and kb.country(name) and kb.country(name) == location.get("country"):
        return "country"
    place = kb.place(name)
    return place.kind if place else None


# --------------------------------------------------------------------------- PLOVER


def _plover_entity(entity: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": actor_code(entity),
        "sector": sector(entity),
        # bilat keeps the resolved name only, not the text's own wording: it fills both fields.
        "entity_text": entity.get("name"),
        "identifier_text": entity.get("name"),
        "office": entity.get("role"),
        "organization": entity.get("organization"),
        "kind": entity.get("kind"),
    }


def _plover_location(location: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not location:
        return None
    kind = _place_kind(location)
    country = location.get("country")
    return {
        "resolved_place": location.get("name"),
        "country": _kb().country_name(country) if country else None,
        "country_code": country,
        # PLOVER: 1 country, 2 province, 4 city; None where bilat does not know the level.
        "resolution": {"country": 1, "region": 2, "city": 4, "capital": 4}.get(kind or ""),
    }


def plover_record(event: EventDict) -> dict[str, Any]:
    """One event as a PLOVER JSON record (the PLOVER manual's field names, then bilat's)."""
    sources = _sources(event)
    cameo = str(event.get("cameo") or "")
    end = event.get("end_date")
    return {
        "id": event.get("id"),
        "date": _day(event),
        "enddate": end if end and _DAY.match(end) else None,
        "event": [event["event"]] if event.get("event") else [],
        "mode": [event["mode"]] if event.get("mode") else None,
        "context": [event["context"]] if event.get("context") else None,
        "quad_code": quad_class(cameo) if cameo else None,
        "actor": [_plover_entity(e) for e in event.get("actor") or []],
        "recipient": [_plover_entity(e) for e in event.get("recipient") or []],
        "event_loc": _plover_location(event.get("location")),
        "event_text": [s.get("sentence") for s in sources],
        "text_info": [{"start": s.get("start"), "end": s.get("end")} for s in sources],
        "cite_info": [{"citation": s.get("document"), "url": s.get("url")} for s in sources],
        "coder": f"bilat {__version__}",
        # bilat's own fields
        "type": event.get("type"),
        "cameo": cameo or None,
        "status": event.get("status"),
        "event_date": event.get("date"),  # ISO 8601 at the precision known
        "event_end_date": end,
        "first_reported": event.get("first_reported"),
        "countries": list(event.get("countries") or []),
        "amount": event.get("amount"),
        "quantity": event.get("quantity"),
        "platform": event.get("platform"),
        "agreement": event.get("agreement"),
        "buyer": event.get("buyer"),
        "seller": event.get("seller"),
        "confidence": event.get("confidence"),
        "num_sources": _num_sources(event),
        "num_articles": _num_articles(event),
    }


def write_plover(events: Iterable[EventDict], out: TextIO) -> int:
    """Write PLOVER JSONL, one record a line (see ``plover_record``); returns the count.

    ``date`` is the event's day; when the text gives only a month or a year, or nothing, it is the
    day the event was first reported (if that falls in the known month or year), as POLECAT's
    coder falls back on the publication date. ``event_date`` keeps bilat's own date.
    """
    count = 0
    for event in events:
        out.write(json.dumps(plover_record(event), ensure_ascii=False) + "\n")
        count += 1
    return count


# --------------------------------------------------------------------------- GDELT


def _gdelt_actor(entity: Mapping[str, Any] | None, prefix: str) -> dict[str, str]:
    if entity is None:
        return {}
    code = actor_code(entity) or ""
    kind_sector = sector(entity) if entity.get("kind") != "country" else None
    if code in ("IGO", "UNO", "EUR"):
        # CAMEO: an international organisation is type IGO; the UN is known group UNO (IGOUNO).
        country, known, kind_type = "", ("UNO" if code == "UNO" else ""), "IGO"
        code = "IGO" + known
    else:
        country = _CAMEO_COUNTRY.get(code, code)
        known = ""
        kind_type = kind_sector if kind_sector in _CAMEO_TYPES else ""
        code = country + kind_type
    return {f"{prefix}Code": code, f"{prefix}Name": entity.get("name") or "",
            f"{prefix}CountryCode": country, f"{prefix}KnownGroupCode": known,
            f"{prefix}Type1Code": kind_type or ""}


def _dyad(event: EventDict) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """Actor1 and Actor2: the first actor and first recipient; a country of the event stands in
    for a side that names nobody."""
    actors, recipients = list(event.get("actor") or []), list(event.get("recipient") or [])
    countries = list(event.get("countries") or [])
    a1 = actors[0] if actors else None
    a2 = recipients[0] if recipients else None
    kb = _kb()
    if a1 is None:
        taken = a2.get("country") if a2 else None
        iso = next((c for c in countries if c != taken), None)
        a1 = {"name": kb.country_name(iso), "kind": "country", "country": iso} if iso else None
    if a2 is None:
        taken = a1.get("country") if a1 else None
        iso = next((c for c in countries if c != taken), None)
        a2 = {"name": kb.country_name(iso), "kind": "country", "country": iso} if iso else None
    return a1, a2


def _action_geo(location: Mapping[str, Any] | None) -> dict[str, str]:
    if not location or not location.get("name"):
        return {}
    kind = _place_kind(location)
    country = location.get("country") or ""
    us = country == "USA"
    geo_type = {"country": 1, "region": 2 if us else 5}.get(kind or "", 3 if us else 4)
    name = str(location["name"])
    full = name if kind == "country" or not country else f"{name}, {_kb().country_name(country)}"
    return {"ActionGeo_Type": str(geo_type), "ActionGeo_FullName": full,
            "ActionGeo_CountryCode": _FIPS.get(country, "")}


def gdelt_row(event: EventDict) -> dict[str, str]:
    """One event as a GDELT 2.0 Event row (every column, empty where bilat has no value)."""
    row = dict.fromkeys(GDELT_COLUMNS, "")
    row["GLOBALEVENTID"] = str(global_event_id(str(event.get("id") or "")))
    # SQLDATE needs a day. When the text gives only a month or a year, or no date, the day the
    # event was first reported stands in (if it falls in that month or year); MonthYear and Year
    # still carry a partial date when no day can be had, and SQLDATE stays empty.
    day = _day(event)
    date = day or event.get("date") or ""
    if day:
        year, month, dom = (int(p) for p in day.split("-"))
        row["SQLDATE"] = day.replace("-", "")
        row["FractionDate"] = f"{year + ((month - 1) * 30 + dom) / 365:.4f}"
    if _MONTH.match(date):
        row["MonthYear"] = date[:7].replace("-", "")
    if _YEAR.match(date):
        row["Year"] = date[:4]
    a1, a2 = _dyad(event)
    row.update(_gdelt_actor(a1, "Actor1"))
    row.update(_gdelt_actor(a2, "Actor2"))
    cameo = str(event.get("cameo") or "")
    if cameo:
        row["EventCode"], row["EventBaseCode"], row["EventRootCode"] = cameo_codes(cameo)
        quad, score = quad_class(cameo), goldstein(cameo)
        row["QuadClass"] = "" if quad is None else str(quad)
        row["GoldsteinScale"] = "" if score is None else f"{score:.1f}"
    mentions, articles = _num_sources(event), _num_articles(event)
    # GDELT's NumSources counts outlets: the distinct web hosts (or documents, without a URL).
    outlets = {re.sub(r"^www\.", "", url.split("/")[2]) if url.count("/") >= 2 else url
               for url in (s.get("url") or s.get("document") or "" for s in _sources(event))}
    outlets.discard("")
    row["NumMentions"] = str(mentions)
    row["NumArticles"] = str(articles)
    row["NumSources"] = str(min(len(outlets), articles) if outlets else articles)
    row.update(_action_geo(event.get("location")))
    reported = event.get("first_reported")
    if reported and _DAY.match(reported):
        row["DATEADDED"] = reported.replace("-", "") + "000000"
    row["SOURCEURL"] = _first_url(event) or ""
    return row


def write_gdelt_csv(events: Iterable[EventDict], out: TextIO, *, delimiter: str = ",",
                    header: bool = True) -> int:
    """Write a CSV with GDELT 2.0 Event table columns (``GDELT_COLUMNS``), one row an event.

    GDELT's own files are tab-delimited without a header: ``delimiter="\\t", header=False``
    writes that. Returns the number of rows.
    """
    writer = csv.DictWriter(out, fieldnames=GDELT_COLUMNS, delimiter=delimiter,
                            lineterminator="\n")
    if header:
        writer.writeheader()
    count = 0
    for event in events:
        writer.writerow(gdelt_row(event))
        count += 1
    return count


# --------------------------------------------------------------------------- Parquet


def parquet_schema() -> Any:
    """The flat Parquet schema (a ``pyarrow.Schema``)."""
    import pyarrow as pa

    text, names = pa.string(), pa.list_(pa.string())
    return pa.schema([
        ("id", text), ("type", text), ("event", text), ("mode", text), ("context", text),
        ("cameo", text), ("status", text),
        ("date", text), ("end_date", text), ("first_reported", text),
        ("countries", names),
        ("actor_names", names), ("actor_countries", names),
        ("recipient_names", names), ("recipient_countries", names),
        ("location_name", text), ("location_country", text),
        ("amount_value", pa.float64()), ("amount_currency", text),
        ("quantity", pa.int64()), ("platform", text), ("agreement", text),
        ("buyer", text), ("seller", text),
        ("confidence", pa.float64()),
        ("num_sources", pa.int32()), ("num_articles", pa.int32()),
        ("source_urls", names), ("first_sentence", text),
        ("record", text),
    ])


def parquet_row(event: EventDict) -> dict[str, Any]:
    """One event as a row of ``parquet_schema()``; ``record`` holds the full JSON."""
    actors, recipients = event.get("actor") or [], event.get("recipient") or []
    location, amount = event.get("location") or {}, event.get("amount") or {}
    sources = _sources(event)
    return {
        "id": event.get("id"), "type": event.get("type"), "event": event.get("event"),
        "mode": event.get("mode"), "context": event.get("context"), "cameo": event.get("cameo"),
        "status": event.get("status"),
        "date": event.get("date"), "end_date": event.get("end_date"),
        "first_reported": event.get("first_reported"),
        "countries": list(event.get("countries") or []),
        "actor_names": [e.get("name") for e in actors],
        "actor_countries": [e.get("country") for e in actors],
        "recipient_names": [e.get("name") for e in recipients],
        "recipient_countries": [e.get("country") for e in recipients],
        "location_name": location.get("name"), "location_country": location.get("country"),
        "amount_value": None if amount.get("value") is None else float(amount["value"]),
        "amount_currency": amount.get("currency"),
        "quantity": event.get("quantity"), "platform": event.get("platform"),
        "agreement": event.get("agreement"),
        "buyer": event.get("buyer"), "seller": event.get("seller"),
        "confidence": event.get("confidence"),
        "num_sources": _num_sources(event), "num_articles": _num_articles(event),
        "source_urls": [s["url"] for s in sources if s.get("url")],
        "first_sentence": sources[0].get("sentence") if sources else None,
        "record": json.dumps(dict(event), ensure_ascii=False, sort_keys=True),
    }


def write_parquet(events: Iterable[EventDict], path: str | Path, *,
                  batch_size: int = 1024) -> int:
    """Write a Parquet file with the flat, typed ``parquet_schema()``; returns the row count.

    Dates stay ISO strings (they may be "2023-11" or "2025"); lists are ``list<string>``; the
    full event record is kept as JSON in ``record``. Rows go out in batches of ``batch_size``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        iterator = iter(events)
        while batch := [parquet_row(e) for e in itertools.islice(iterator, batch_size)]:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


# --------------------------------------------------------------------------- graphs

GraphFormat = Literal["graphml", "gexf"]
GraphLevel = Literal["country", "person"]


def _participants(event: EventDict, level: GraphLevel
                  ) -> tuple[list[tuple[str, dict[str, str]]], list[tuple[str, str]]]:
    """The nodes an event touches (id, attributes) and its co-participant pairs.

    Countries: every pair of ``countries``. People: each person of ``actor`` with each of
    ``recipient``, and for a multilateral event (more than two countries) every pair.
    """
    if level == "country":
        kb = _kb()
        codes = sorted(set(event.get("countries") or []))
        nodes = [(c, {"name": kb.country_name(c)}) for c in codes]
        return nodes, list(itertools.combinations(codes, 2))

    def people(side: str) -> list[Mapping[str, Any]]:
        return [e for e in event.get(side) or [] if e.get("kind") == "person" and e.get("name")]

    actors, recipients = people("actor"), people("recipient")
    nodes = [(str(e["name"]), {"country": e.get("country") or "", "role": e.get("role") or "",
                               "organization": e.get("organization") or ""})
             for e in actors + recipients]
    if len(event.get("countries") or []) > 2:
        names = sorted({n for n, _ in nodes})
        pairs = list(itertools.combinations(names, 2))
    else:
        pairs = [(a["name"], r["name"]) for a in actors for r in recipients]
    return nodes, [(a, b) if a < b else (b, a) for a, b in pairs if a != b]


def build_graph(events: Iterable[EventDict], *, level: GraphLevel = "country") -> Any:
    """A ``networkx.Graph`` of co-participants (see ``write_graph``)."""
    import networkx as nx

    if level not in ("country", "person"):
        raise ValueError(f"level must be 'country' or 'person', not {level!r}")
    node_attrs: dict[str, dict[str, Any]] = {}
    node_events: Counter[str] = Counter()
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        nodes, pairs = _participants(event, level)
        for node, attrs in nodes:
            known = node_attrs.setdefault(node, dict(attrs))
            for key, value in attrs.items():  # the first non-empty value of each attribute
                if value and not known.get(key):
                    known[key] = value
        for node in {n for n, _ in nodes}:
            node_events[node] += 1
        when, kind = _when(event) or "", str(event.get("type") or "")
        for pair in dict.fromkeys(pairs):
            edge = edges.setdefault(pair, {"weight": 0, **dict.fromkeys(EVENT_TYPES, 0),
                                           "first_date": "", "last_date": ""})
            edge["weight"] += 1
            if kind in EVENT_TYPES:
                edge[kind] += 1
            if when:
                edge["first_date"] = min(filter(None, (edge["first_date"], when)))
                edge["last_date"] = max(edge["last_date"], when)
    graph = nx.Graph(level=level)
    for node in sorted(node_attrs):
        graph.add_node(node, **node_attrs[node], events=node_events[node])
    for (a, b) in sorted(edges):
        graph.add_edge(a, b, **edges[(a, b)])
    return graph


def write_graph(events: Iterable[EventDict], path: str | Path, *, fmt: GraphFormat = "graphml",
                level: GraphLevel = "country") -> tuple[int, int]:
    """Write the network of co-participants as GraphML or GEXF; returns (nodes, edges).

    ``level="country"``: one node per ISO3 code (attribute ``name``); ``level="person"``: one node
    per person's name (attributes ``country``, ``role``, ``organization``). Both carry ``events``,
    the number of events a node takes part in. An undirected edge joins co-participants (actor and
    recipient; every pair when more than two countries take part), with ``weight`` the number of
    events, a count per event type (``MEETING``, ``CALL``, ``VISIT``, ``AGREEMENT``, ``DEAL``,
    ``EXERCISE``, ``AID``) and ``first_date``/``last_date`` (ISO, at the precision known; the day
    first reported for an undated event; empty when neither is known).
    """
    import networkx as nx

    if fmt not in ("graphml", "gexf"):
        raise ValueError(f"fmt must be 'graphml' or 'gexf', not {fmt!r}")
    graph = build_graph(events, level=level)
    if fmt == "graphml":
        nx.write_graphml(graph, str(path))
    else:
        nx.write_gexf(graph, str(path))
    return graph.number_of_nodes(), graph.number_of_edges()


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ExportFormat:
    """One export format, for the command line."""

    name: str
    suffix: str  # the usual file extension
    description: str
    # Writes the events to a file and returns how many events it read. ``options`` are the
    # keyword options of the underlying writer (``level`` for graphs, ``delimiter`` for CSV).
    write: Callable[..., int]
    # Text formats can also go to an open stream such as stdout; returns the count.
    stream: Callable[[Iterable[EventDict], TextIO], int] | None = None


def _counted(events: Iterable[EventDict], box: list[int]) -> Iterator[EventDict]:
    for event in events:
        box[0] += 1
        yield event


def _text_writer(writer: Callable[..., int]) -> Callable[..., int]:
    def write(events: Iterable[EventDict], path: str | Path, **options: Any) -> int:
        with open(path, "w", encoding="utf-8", newline="") as out:
            return writer(events, out, **options)
    return write


def _graph_writer(fmt: GraphFormat) -> Callable[..., int]:
    def write(events: Iterable[EventDict], path: str | Path, **options: Any) -> int:
        box = [0]
        write_graph(_counted(events, box), path, fmt=fmt, **options)
        return box[0]
    return write


FORMATS: dict[str, ExportFormat] = {
    "plover": ExportFormat("plover", ".jsonl", "PLOVER JSON lines, one event a line",
                           _text_writer(write_plover), write_plover),
    "gdelt-csv": ExportFormat("gdelt-csv", ".csv", "CSV with the GDELT 2.0 Event table columns",
                              _text_writer(write_gdelt_csv), write_gdelt_csv),
    "parquet": ExportFormat("parquet", ".parquet", "Parquet, flat typed columns plus the record",
                            write_parquet),
    "graphml": ExportFormat("graphml", ".graphml",
                            "GraphML network of co-participants (level: country or person)",
                            _graph_writer("graphml")),
    "gexf": ExportFormat("gexf", ".gexf",
                         "GEXF network of co-participants (level: country or person)",
                         _graph_writer("gexf")),
}
