"""The REST API in-process (httpx's ASGI transport): every endpoint, filter, page bound, token
check and bad payload, on the demo corpus and on empty stores."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bilat.api import Settings, create_app
from bilat.store import Store
from conftest import RESOURCES, copy_database, static_site

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WEB = RESOURCES / "web"
ARTICLE = (WEB / "article.txt").read_text(encoding="utf-8")


class Api:
    """A synchronous face over an in-process ASGI client."""

    def __init__(self, app) -> None:
        self.app = app

    def request(self, method: str, url: str, **options) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bilat.test") \
                    as client:
                return await client.request(method, url, **options)

        return asyncio.run(send())

    def get(self, url: str, **options) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options) -> httpx.Response:
        return self.request("POST", url, **options)


def api_over(path: Path, **settings) -> Api:
    return Api(create_app(Store(f"sqlite:///{path}"), Settings(**{"token": TOKEN, **settings})))


def stored_articles(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM articles").fetchone()[0]


def error_of(answer: httpx.Response, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error


@pytest.fixture(scope="module")
def demo(demo_database) -> Api:
    """The demo corpus, for reads only."""
    return api_over(demo_database)


@pytest.fixture
def empty(tmp_path) -> tuple[Api, Path]:
    path = tmp_path / "empty.db"
    return api_over(path), path


@pytest.fixture
def demo_copy(demo_database, tmp_path) -> tuple[Api, Path]:
    path = copy_database(demo_database, tmp_path / "demo.db")
    return api_over(path), path


# --- reads -----------------------------------------------------------------------------------

def all_events(api: Api, **params) -> list[dict]:
    found, url = [], "/api/v1/events"
    answer = api.get(url, params={**params, "limit": 500})
    assert answer.status_code == 200, answer.text
    page = answer.json()
    found.extend(page["events"])
    assert page["next"] is None
    return found


def names(event: dict) -> list[str]:
    return [e["name"] for e in event["actor"] + event["recipient"]]


@pytest.mark.model
def test_events_come_newest_first_in_pages_that_link_to_the_next(demo):
    first = demo.get("/api/v1/events", params={"limit": 20}).json()
    assert first["limit"] == 20 and first["offset"] == 0 and len(first["events"]) == 20
    dates = [e.get("date") or e.get("first_reported") for e in first["events"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    second = demo.get(first["next"]).json()
    assert second["offset"] == 20
    assert not {e["id"] for e in first["events"]} & {e["id"] for e in second["events"]}
    everything = all_events(demo)
    assert [e["id"] for e in everything[:40]] == \
        [e["id"] for e in first["events"] + second["events"]]
    beyond = demo.get("/api/v1/events", params={"offset": len(everything)}).json()
    assert beyond["events"] == [] and beyond["next"] is None


@pytest.mark.model
@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"limit": "ten"},
                                    {"offset": -1}, {"offset": "x"}])
def test_page_bounds_are_enforced(demo, params):
    error = error_of(demo.get("/api/v1/events", params=params), 422, "B501")
    assert error["details"][0]["where"] == f"query.{next(iter(params))}"


@pytest.mark.model
def test_the_largest_page_is_allowed(demo):
    assert len(demo.get("/api/v1/events", params={"limit": 500}).json()["events"]) > 100


@pytest.mark.model
def test_each_filter_narrows_the_events_as_the_cli_does(demo):
    everything = all_events(demo)
    pair = all_events(demo, dyad="USA-IND")
    assert pair and all({"IND", "USA"} <= set(e["countries"]) for e in pair)
    assert len(pair) < len(everything)
    both = all_events(demo, country=["IND", "FRA"])
    assert both and all({"IND", "FRA"} <= set(e["countries"]) for e in both)
    comma = all_events(demo, type="MEETING,CALL")
    repeated = all_events(demo, type=["MEETING", "CALL"])
    assert comma == repeated and {e["type"] for e in comma} == {"MEETING", "CALL"}
    hegseth = all_events(demo, person="Hegseth")
    assert hegseth and all(any("Hegseth" in n for n in names(e)) for e in hegseth)
    hal = all_events(demo, org="Hindustan Aeronautics")
    assert hal and all(any("Hindustan Aeronautics" in n for n in names(e)) for e in hal)
    period = all_events(demo, since="2024-06", until="2024")
    assert period and all("2024-06" <= (e.get("date") or e["first_reported"]) <= "2024-12-31"
                          for e in period)
    rafale = all_events(demo, text="Rafale")
    assert rafale and all("rafale" in json.dumps(e).lower() for e in rafale)
    assert all_events(demo, dyad="IND-USA", type="DEAL", since="2024") == [
        e for e in pair if e["type"] == "DEAL" and (e.get("date") or e["first_reported"]) >= "2024"]


@pytest.mark.model
@pytest.mark.parametrize("params, code", [
    ({"dyad": "INDIA-US"}, "B401"), ({"type": "PARTY"}, "B402"), ({"since": "2024-13"}, "B406"),
    ({"until": "last year"}, "B406"), ({"typ": "DEAL"}, "B501"), ({"text": "x" * 201}, "B501"),
])
def test_bad_filters_are_refused_with_a_coded_error(demo, params, code):
    error_of(demo.get("/api/v1/events", params=params), 422, code)


@pytest.mark.model
def test_one_event_has_every_report_and_an_unknown_one_is_404(demo):
    deal = all_events(demo, dyad="FRA-IND", type="DEAL", text="Rafale Marine")[0]
    found = demo.get(f"/api/v1/events/{deal['id']}").json()
    assert found["id"] == deal["id"] and found["num_articles"] == len(
        {r["article"] for r in found["reports"]}) >= 2
    assert all(r["sources"] for r in found["reports"])
    error_of(demo.get("/api/v1/events/ev_0000000000000000"), 404, "B403")


@pytest.mark.model
def test_dyad_counts_add_up_to_the_events_of_the_pair(demo):
    rows = demo.get("/api/v1/dyads", params={"type": "DEAL"}).json()["dyads"]
    assert rows and {r["type"] for r in rows} == {"DEAL"}
    fra_ind = sum(r["events"] for r in rows if r["dyad"] == "FRA-IND")
    assert fra_ind == len(all_events(demo, dyad="FRA-IND", type="DEAL"))
    by_text = demo.get("/api/v1/dyads", params={"text": "Rafale"}).json()["dyads"]
    assert {r["dyad"] for r in by_text} == {"-".join(sorted(e["countries"][:2]))
                                           for e in all_events(demo, text="Rafale")}
    error_of(demo.get("/api/v1/dyads", params={"since": "June"}), 422, "B406")


@pytest.mark.model
def test_totals_count_every_event_once_by_type_and_month(demo):
    totals = demo.get("/api/v1/totals").json()
    everything = all_events(demo)
    assert totals["events"] == len(everything)
    assert sum(t["events"] for t in totals["by_type"]) == len(everything)
    assert sum(m["events"] for m in totals["by_month"]) + totals["undated"] == len(everything)
    deals = demo.get("/api/v1/totals", params={"type": "DEAL", "since": "2024"}).json()
    assert [t["type"] for t in deals["by_type"]] == ["DEAL"]
    assert all(m["month"] >= "2024-01" for m in deals["by_month"])


@pytest.mark.model
def test_a_timeline_runs_oldest_first_and_pages(demo):
    whole = demo.get("/api/v1/timeline/USA/IND", params={"limit": 500}).json()["events"]
    dates = [e.get("date") or e.get("first_reported") for e in whole]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and len(whole) == len(all_events(demo, dyad="IND-USA"))
    page = demo.get("/api/v1/timeline/IND/USA", params={"limit": 5, "offset": 5}).json()
    assert [e["id"] for e in page["events"]] == [e["id"] for e in whole[5:10]]
    assert "offset=10" in page["next"]
    meetings = demo.get("/api/v1/timeline/IND/USA", params={"type": "MEETING"}).json()
    assert {e["type"] for e in meetings["events"]} == {"MEETING"}
    error_of(demo.get("/api/v1/timeline/INDIA/USA"), 422, "B401")
    error_of(demo.get("/api/v1/timeline/IND/USA", params={"limit": 1000}), 422, "B501")


@pytest.mark.model
def test_an_entity_has_its_roles_counterparts_and_latest_events(demo):
    rajnath = next(e for e in demo.get("/api/v1/search", params={"q": "Rajnath Singh"})
                   .json()["entities"] if e["kind"] == "person")
    found = demo.get(f"/api/v1/entities/{rajnath['id']}", params={"limit": 3}).json()
    assert found["name"] == "Rajnath Singh" and found["country"] == "IND"
    assert any(r["role"] == "Defence Minister" for r in found["roles"])
    assert "Lloyd Austin" in {c["name"] for c in found["counterparts"]}
    assert len(found["latest"]) == 3
    assert all(rajnath["id"] in {e.get("id") for e in ev["actor"] + ev["recipient"]}
               for ev in found["latest"])
    error_of(demo.get("/api/v1/entities/en_0000000000000000"), 404, "B405")
    error_of(demo.get(f"/api/v1/entities/{rajnath['id']}", params={"limit": 0}), 422, "B501")


@pytest.mark.model
def test_search_finds_events_entities_and_articles(demo):
    found = demo.get("/api/v1/search", params={"q": "Rafale"}).json()
    assert found["query"] == "Rafale"
    assert found["events"] and all("rafale" in json.dumps(e).lower() for e in found["events"])
    assert found["articles"]
    for article in found["articles"]:
        assert article["snippet"]["match"].lower() in ("", "rafale")
        assert "rafale" in ((article["title"] or "") + article["snippet"]["match"]).lower()
    reported = {e["id"] for a in found["articles"] for e in a["events"]}
    assert {e["id"] for e in found["events"]} & reported
    people = demo.get("/api/v1/search", params={"q": "Hegseth"}).json()["entities"]
    assert [p["name"] for p in people] == ["Pete Hegseth"]
    nothing = demo.get("/api/v1/search", params={"q": "zzzqqq"}).json()
    assert nothing["events"] == nothing["articles"] == nothing["entities"] == []
    error_of(demo.get("/api/v1/search"), 422, "B501")
    error_of(demo.get("/api/v1/search", params={"q": ""}), 422, "B501")


def test_the_openapi_document_lists_every_endpoint(empty):
    api, _ = empty
    document = api.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "bilat"
    assert set(document["paths"]) == {
        "/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/dyads", "/api/v1/totals",
        "/api/v1/timeline/{first}/{second}", "/api/v1/entities/{entity_id}",
        "/api/v1/search", "/api/v1/articles", "/api/v1/articles/files", "/api/v1/jobs/{job_id}"}
    assert "limit" in {p["name"] for p in document["paths"]["/api/v1/events"]["get"]
                       ["parameters"]}
    assert api.get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_responses_carry_a_content_security_policy(empty):
    api, _ = empty
    answer = api.get("/api/v1/events")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_an_unknown_api_path_is_a_json_404(empty):
    api, _ = empty
    error_of(api.get("/api/v1/nothing-here"), 404, "B507")


# --- tokens ----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": "Bearer"}])
def test_writes_without_the_token_are_401_and_store_nothing(empty, headers):
    api, path = empty
    answer = api.post("/api/v1/articles", json={"text": ARTICLE}, headers=headers)
    error_of(answer, 401, "B502")
    assert answer.headers["www-authenticate"] == "Bearer"
    files = {"files": ("article.txt", ARTICLE.encode(), "text/plain")}
    error_of(api.post("/api/v1/articles/files", files=files, headers=headers), 401, "B502")
    assert stored_articles(path) == 0


def test_a_bad_payload_without_the_token_is_still_401(empty):
    api, _ = empty
    error_of(api.post("/api/v1/articles", content=b"{not json"), 401, "B502")


def test_a_server_without_a_token_takes_no_writes(tmp_path):
    api = api_over(tmp_path / "x.db", token=None)
    error = error_of(api.post("/api/v1/articles", json={"text": ARTICLE}, headers=AUTH),
                     401, "B502")
    assert "BILAT_TOKEN" in error["message"]


def test_reads_can_be_made_to_need_the_token(tmp_path):
    api = api_over(tmp_path / "x.db", protect_reads=True)
    error_of(api.get("/api/v1/events"), 401, "B502")
    error_of(api.get("/api/v1/events", headers={"Authorization": "Bearer nope"}), 401, "B502")
    assert api.get("/api/v1/events", headers=AUTH).status_code == 200
    page = api.get("/search?q=x", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    wrong = api.post("/login", data={"token": "nope", "next": "/search?q=x"})
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    signed = api.post("/login", data={"token": TOKEN, "next": "/search?q=x"},
                      follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/search?q=x"
    cookie = signed.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    token = cookie.split(";")[0].split("=", 1)[1]
    assert api.get("/search?q=x", headers={"Cookie": f"bilat_token={token}"}).status_code == 200
    assert api.get("/api/v1/events", headers={"Cookie": f"bilat_token={token}"}).status_code == 200
    # the cookie never counts for a write
    error_of(api.post("/api/v1/articles", json={"text": ARTICLE},
                      headers={"Cookie": f"bilat_token={token}"}), 401, "B502")


def test_login_only_sends_the_browser_back_to_this_server(tmp_path):
    api = api_over(tmp_path / "x.db", protect_reads=True)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        signed = api.post("/login", data={"token": TOKEN, "next": target},
                          follow_redirects=False)
        assert signed.headers["location"] == "/"


# --- bad payloads: 4xx, nothing stored ----------------------------------------------------

@pytest.mark.parametrize("body, where", [
    ({}, "body"),
    ({"documents": []}, "body"),
    ({"text": "   "}, "body.documents.0"),
    ({"text": ARTICLE, "html": "<p>x</p>"}, "body.documents.0"),
    ({"text": ARTICLE, "date": "28 April 2025"}, "body.documents.0.date"),
    ({"text": ARTICLE, "url": "javascript:alert(1)"}, "body.documents.0.url"),
    ({"text": ARTICLE, "author": "me"}, "body.documents.0.author"),
    ({"documents": [{"text": ARTICLE}], "urls": ["ftp://example.org/a"]}, "body.urls.0"),
    ({"documents": [{"text": ARTICLE}] * 501}, "body.documents"),
    ({"documents": [{"text": ARTICLE}, {"text": 42}]}, "body.documents.1.text"),
])
def test_a_bad_body_is_a_422_naming_the_field_and_stores_nothing(empty, body, where):
    api, path = empty
    error = error_of(api.post("/api/v1/articles", json=body, headers=AUTH), 422, "B501")
    assert any(d["where"].startswith(where) for d in error["details"]), error["details"]
    assert stored_articles(path) == 0


def test_a_body_that_is_not_json_is_a_422(empty):
    api, path = empty
    answer = api.post("/api/v1/articles", content=b"{not json",
                      headers={**AUTH, "Content-Type": "application/json"})
    error_of(answer, 422, "B501")
    assert stored_articles(path) == 0


def test_a_body_over_the_limit_is_413(tmp_path):
    path = tmp_path / "x.db"
    api = api_over(path, max_body_bytes=10_000)
    error_of(api.post("/api/v1/articles", json={"text": ARTICLE * 50}, headers=AUTH), 413,
             "B504")
    assert stored_articles(path) == 0


def test_one_unreadable_document_rejects_the_whole_batch(empty):
    api, path = empty
    body = {"documents": [{"id": "good", "text": ARTICLE},
                          {"id": "menu-only", "html": "<html><body><nav></nav></body></html>"}]}
    error = error_of(api.post("/api/v1/articles", json=body, headers=AUTH), 422, "B503")
    assert [(d["code"], d["document"]) for d in error["details"]] == [("B108", "menu-only")]
    assert stored_articles(path) == 0


def test_an_upload_of_an_unsupported_or_broken_file_stores_nothing(empty):
    api, path = empty
    files = [("files", ("article.txt", ARTICLE.encode(), "text/plain")),
             ("files", ("tool.exe", b"MZ\x90\x00", "application/octet-stream")),
             ("files", ("feed.jsonl", b'{"id": 1, "text": "x"}\n{broken\n', "text/plain"))]
    error = error_of(api.post("/api/v1/articles/files", files=files, headers=AUTH), 422, "B503")
    assert {(d["code"], d["document"]) for d in error["details"]} == {
        ("B107", "tool.exe"), ("B105", "feed.jsonl")}
    error_of(api.post("/api/v1/articles/files", headers=AUTH,
                      files={"other": ("a.txt", b"x", "text/plain")}), 422, "B501")
    assert stored_articles(path) == 0


def test_an_unknown_job_is_404(empty):
    api, _ = empty
    error_of(api.get("/api/v1/jobs/0123456789abcdef"), 404, "B506")


# --- ingest ----------------------------------------------------------------------------------

@pytest.mark.model
def test_posted_text_is_extracted_stored_and_found_again(demo_copy):
    api, path = demo_copy
    before = stored_articles(path)
    answer = api.post("/api/v1/articles", headers=AUTH, json={
        "text": ARTICLE, "date": "2025-07-08", "url": "https://example.org/pti/aus-ind"})
    assert answer.status_code == 201, answer.text
    result = answer.json()
    assert result["articles"] == 1 and result["known"] == 0
    [document] = result["documents"]
    assert document["stored"] and document["title"] == "India, Australia hold defence talks"
    [meeting] = document["events"]
    assert meeting["type"] == "MEETING" and meeting["countries"] == ["AUS", "IND"]
    assert meeting["date"] == "2025-07-08"
    stored = api.get(f"/api/v1/events/{meeting['id']}").json()
    assert stored["reports"][0]["url"] == "https://example.org/pti/aus-ind"
    assert {"Rajnath Singh", "Richard Marles"} <= set(names(stored))
    assert stored_articles(path) == before + 1
    again = api.post("/api/v1/articles", headers=AUTH, json={"text": ARTICLE}).json()
    assert again["articles"] == 0 and again["known"] == 1
    assert again["documents"][0]["stored"] is False


@pytest.mark.model
def test_html_a_batch_and_uploaded_files_are_ingested(empty):
    api, path = empty
    page = (WEB / "hostile-page.html").read_text(encoding="utf-8")
    batch = api.post("/api/v1/articles", headers=AUTH, json={"documents": [
        {"id": "manila.html", "html": page, "url": "https://example.org/manila"},
        {"id": "canberra.txt", "text": ARTICLE, "date": "2025-07-08"}]}).json()
    assert [d["document"] for d in batch["documents"]] == ["manila.html", "canberra.txt"]
    manila = batch["documents"][0]
    assert manila["title"] == "Japan, Philippines sign pact"
    assert {"JPN", "PHL"} == set(manila["events"][0]["countries"])
    files = [("files", ("wire.jsonl", (WEB / "wire.jsonl").read_bytes(), "text/plain"))]
    uploaded = api.post("/api/v1/articles/files", headers=AUTH, files=files).json()
    assert [d["document"] for d in uploaded["documents"]] == ["wire-1"]
    assert uploaded["documents"][0]["events"][0]["countries"] == ["DEU", "IND"]
    assert stored_articles(path) == 3


def wait_for(api: Api, status: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = api.get(status).json()
        if job["state"] in ("done", "failed"):
            return job
        assert job["state"] in ("queued", "fetching", "extracting")
        assert 0 <= job["done"] <= job["total"]
        time.sleep(0.2)
    raise AssertionError(f"job not finished in {seconds} s")


@pytest.mark.model
def test_a_queued_ingest_reports_progress_and_its_result(empty):
    api, path = empty
    answer = api.post("/api/v1/articles", params={"wait": "false"}, headers=AUTH,
                      json={"text": ARTICLE, "date": "2025-07-08"})
    assert answer.status_code == 202
    accepted = answer.json()
    assert answer.headers["location"] == accepted["status"] == f"/api/v1/jobs/{accepted['job']}"
    job = wait_for(api, accepted["status"])
    assert job["state"] == "done" and job["done"] == job["total"] == 1
    assert job["result"]["events_new"] == 1 and stored_articles(path) == 1


@pytest.fixture
def news_site() -> Iterator[str]:
    """A news site on 127.0.0.1 serving the HTML test page and a plain-text article."""
    pages = {"/manila.html": ((WEB / "hostile-page.html").read_bytes(), "text/html"),
             "/canberra.txt": (ARTICLE.encode(), "text/plain; charset=utf-8"),
             "/photo.jpg": (b"\xff\xd8\xff", "image/jpeg")}

    with static_site(pages) as url:
        yield url


@pytest.mark.model
def test_urls_are_fetched_and_ingested(empty, news_site):
    api, path = empty
    urls = [f"{news_site}/manila.html", f"{news_site}/canberra.txt"]
    result = api.post("/api/v1/articles", headers=AUTH, json={"urls": urls}).json()
    assert [d["document"] for d in result["documents"]] == urls
    assert all(d["events"] for d in result["documents"])
    stored = api.get(f"/api/v1/events/{result['documents'][0]['events'][0]['id']}").json()
    assert stored["reports"][0]["url"] == urls[0]
    assert stored_articles(path) == 2


def test_a_url_that_cannot_be_fetched_rejects_the_request(empty, news_site):
    api, path = empty
    urls = [f"{news_site}/canberra.txt", f"{news_site}/missing.html", f"{news_site}/photo.jpg"]
    error = error_of(api.post("/api/v1/articles", headers=AUTH, json={"urls": urls}), 422,
                     "B503")
    assert [(d["code"], d["document"]) for d in error["details"]] == [
        ("B505", urls[1]), ("B107", urls[2])]
    assert stored_articles(path) == 0


# --- bilat serve -----------------------------------------------------------------------------

@pytest.fixture
def served(monkeypatch) -> dict:
    """What ``bilat serve`` would run, instead of running it."""
    import uvicorn

    started: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(app=app,
                                                                            **options))
    return started


def test_serve_on_an_empty_store_says_how_to_fill_it_and_prints_a_token(tmp_path, served,
                                                                        monkeypatch):
    from click.testing import CliRunner

    from bilat.cli import cli

    monkeypatch.delenv("BILAT_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "new.db"), "--port",
                                      "8123"])
    assert result.exit_code == 0, result.output
    assert "The store is empty" in result.output and "--demo" in result.output
    token = served["app"].state.settings.token
    assert len(token) >= 20 and f"/ingest#token={token}" in result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert "http://127.0.0.1:8123/" in result.output
    assert served["app"].state.store.count_events() == 0


def test_serve_asks_before_loading_the_demo_and_takes_the_token_given(tmp_path, served,
                                                                      monkeypatch):
    from click.testing import CliRunner

    from bilat.cli import cli, serve_command

    monkeypatch.setenv("BILAT_TOKEN", TOKEN)
    monkeypatch.setattr(serve_command, "_interactive", lambda: True)
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "new.db"),
                                      "--protect-reads"], input="n\n")
    assert result.exit_code == 0, result.output
    assert "Load the bundled demo corpus" in result.output
    assert served["app"].state.store.count_events() == 0
    assert served["app"].state.settings.token == TOKEN and TOKEN not in result.output
    assert served["app"].state.settings.protect_reads


@pytest.mark.model
def test_serve_demo_loads_the_demo_corpus_into_an_empty_store(tmp_path, served):
    from click.testing import CliRunner

    from bilat.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "new.db"), "--demo",
                                      "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "55 articles stored" in result.output
    assert served["app"].state.store.count_events() > 100
    assert "anyone who can reach it can read the store" in result.stderr


# --- what the pages show ---------------------------------------------------------------------

@pytest.mark.parametrize("url, shown", [
    ("https://www.defensenews.com/a.html", "https://www.defensenews.com/a.html"),
    ("http://example.org/x", "http://example.org/x"),
    ("javascript:alert(1)", None), (" JavaScript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None), ("vbscript:x", None),
    ("//evil.example/x", None), ("", None), (None, None),
])
def test_only_web_urls_become_links(url, shown):
    from bilat.web.pages import web_url

    assert web_url(url) == shown


@pytest.mark.parametrize("amount, shown", [
    ({"value": 7.4e9, "currency": "USD"}, "USD 7.4 bn"),
    ({"value": 630e9, "currency": "INR"}, "INR 630 bn"),
    ({"value": 4e8, "currency": "EUR"}, "EUR 400 m"),
    ({"value": 1.25e12, "currency": "JPY"}, "JPY 1.25 tn"),
    ({"value": 2500, "currency": "GBP"}, "GBP 2,500"),
    (None, ""),
])
def test_amounts_read_at_a_glance(amount, shown):
    from bilat.web.pages import money

    assert money(amount) == shown
