"""The pages in a real browser: Debian's Chromium driven by Playwright against a live server
on 127.0.0.1, with the demo corpus. Each test saves a screenshot under tests/artifacts/."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from conftest import RESOURCES, ROOT, copy_database, static_site

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
TOKEN = "browser-test-token"
WEB = RESOURCES / "web"
HOSTILE_TEXT = (WEB / "hostile-article.txt").read_text(encoding="utf-8")
# what an injected element would look like, had any markup from an article got through
INJECTED = ("img[src='x'], img[onerror], svg[onload], iframe, button[onclick], "
            "a[href^='javascript:'], script:not([src]):not([type='application/json'])")

pytestmark = [
    pytest.mark.browser, pytest.mark.model,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium "
                       "(apt-get install -y chromium; .ci/run does)"),
]


@pytest.fixture(scope="module")
def server(demo_database, tmp_path_factory) -> Iterator[str]:
    """bilat's server in a thread on a free port, over a copy of the demo store."""
    import uvicorn

    from bilat.api import Settings, create_app
    from bilat.store import Store

    path = copy_database(demo_database, tmp_path_factory.mktemp("web") / "web.db")
    app = create_app(Store(f"sqlite:///{path}"), Settings(token=TOKEN))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                            log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start in 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), timeout=60_000,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        yield chromium
        chromium.close()


@dataclass
class Tab:
    page: object
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    def clean(self) -> None:
        """No script error, no blocked or failed load, no dialog."""
        assert self.errors == [] and self.dialogs == []


@pytest.fixture
def tab(browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    opened = Tab(page)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))

    def dialog(shown) -> None:
        opened.dialogs.append(shown.message)
        shown.dismiss()

    page.on("dialog", dialog)
    yield opened
    context.close()


def api(server: str, path: str, **params) -> dict:
    answer = httpx.get(server + path, params=params, timeout=30)
    answer.raise_for_status()
    return answer.json()


def edge_point(page, edge_id: str) -> dict:
    """A point on the edge as far as possible from every node and every other edge, in page
    coordinates: there the pointer is on this edge and no other."""
    return page.evaluate("""(id) => {
        const cy = window.bilatNetwork, edge = cy.getElementById(id);
        const a = edge.source().renderedPosition(), b = edge.target().renderedPosition();
        const toSegment = (p, e) => {
            const s = e.source().renderedPosition(), t = e.target().renderedPosition();
            const dx = t.x - s.x, dy = t.y - s.y, length = dx * dx + dy * dy || 1;
            const u = Math.max(0, Math.min(1, ((p.x - s.x) * dx + (p.y - s.y) * dy) / length));
            return Math.hypot(p.x - (s.x + u * dx), p.y - (s.y + u * dy));
        };
        let best = null;
        for (let t = 0.15; t <= 0.85; t += 0.025) {
            const p = {x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)};
            const fromNodes = cy.nodes().map(n => {
                const q = n.renderedPosition();
                return Math.hypot(q.x - p.x, q.y - p.y) - n.renderedWidth() / 2;
            });
            const fromEdges = cy.edges().filter(e => e.id() !== id).map(
                e => toSegment(p, e) - e.renderedWidth() / 2);
            const room = Math.min(...fromNodes, ...fromEdges);
            if (!best || room > best.room) { best = {room: room, x: p.x, y: p.y}; }
        }
        const box = cy.container().getBoundingClientRect();
        return {x: box.left + best.x, y: box.top + best.y};
    }""", edge_id)


def test_overview_draws_the_network_and_a_click_on_a_pair_opens_it(server, tab):
    page = tab.page
    page.goto(server + "/")
    pairs = {row["dyad"] for row in api(server, "/api/v1/dyads")["dyads"]}
    countries = {code for pair in pairs for code in pair.split("-")}
    assert set(page.evaluate("bilatNetwork.nodes().map(n => n.id())")) == countries
    assert set(page.evaluate("bilatNetwork.edges().map(e => e.id())")) == pairs
    assert page.evaluate("Chart.getChart(document.getElementById('by-month'))"
                         ".data.datasets.length") >= 5
    assert page.locator("table.pairs tbody tr").first.inner_text().startswith(
        "India – United States")
    tab.shot("overview")
    point = edge_point(page, "IND-USA")
    page.mouse.move(point["x"], point["y"])
    expect(page.locator(".caption")).to_contain_text("India – United States: ")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/dyads/IND-USA")
    assert page.locator("h1").inner_text().startswith("India – United States")
    tab.clean()


def test_overview_filters_carry_over_to_the_pair(server, tab):
    page = tab.page
    page.goto(server + "/")
    page.fill("input[name=since]", "2024")
    page.check("input[name=type][value=DEAL]")
    page.click("form.filters button")
    page.wait_for_url("**/?since=2024**")
    deals = api(server, "/api/v1/dyads", since="2024", type="DEAL")["dyads"]
    assert set(page.evaluate("bilatNetwork.edges().map(e => e.id())")) == \
        {row["dyad"] for row in deals}
    assert page.locator("table.totals tbody tr").count() == 1
    point = edge_point(page, "IND-USA")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/dyads/IND-USA?since=2024**")
    assert {b.inner_text() for b in page.locator("table.events .badge").all()} == {"deal"}
    tab.clean()


def test_the_dyad_page_shows_the_timeline_counts_and_deals(server, tab):
    page = tab.page
    page.goto(server + "/dyads/IND-USA")
    everything = api(server, "/api/v1/events", dyad="IND-USA", limit=500)["events"]
    dated = [e for e in everything if e.get("date") or e.get("first_reported")]
    drawn = page.evaluate("bilatTimeline.data.datasets.reduce((n, d) => n + d.data.length, 0)")
    assert drawn == len(dated)
    assert page.locator("table.events tbody tr").count() == min(50, len(everything))
    counted = sum(int(n) for n in page.locator("table.counts tbody td:last-child").all_inner_texts())
    assert counted == len(everything)
    usd = sum(e["amount"]["value"] for e in everything
              if e["type"] == "DEAL" and e.get("amount") and e["amount"]["currency"] == "USD")
    total = page.locator("table.deals tfoot tr", has_text="total in USD")
    assert total.locator("td.num").inner_text() == f"USD {usd / 1e9:,.3g} bn"
    tab.shot("dyad-IND-USA")
    # a dot on the timeline opens its event
    first = page.evaluate("""() => {
        const chart = window.bilatTimeline, point = chart.getDatasetMeta(0).data[0];
        const box = chart.canvas.getBoundingClientRect();
        return {x: box.left + point.x, y: box.top + point.y,
                id: chart.data.datasets[0].data[0].id};
    }""")
    page.mouse.click(first["x"], first["y"])
    page.wait_for_url(f"**/events/{first['id']}")
    tab.clean()


def test_the_dyad_list_filters_by_type_and_words(server, tab):
    page = tab.page
    page.goto(server + "/dyads/IND-USA?type=DEAL&text=MQ-9B")
    rows = page.locator("table.events tbody tr")
    assert rows.count() >= 1
    assert {b.inner_text() for b in rows.locator(".badge").all()} == {"deal"}
    assert all("MQ-9B" in text for text in rows.all_inner_texts())
    page.goto(server + "/dyads/USA-IND")
    page.wait_for_url("**/dyads/IND-USA")
    tab.clean()


def test_the_event_page_shows_every_source_sentence_in_its_paragraph(server, tab):
    page = tab.page
    deal = api(server, "/api/v1/events", dyad="FRA-IND", type="DEAL",
               text="Rafale Marine")["events"][0]
    page.goto(server + f"/events/{deal['id']}")
    marks = page.locator("article.source blockquote mark").all_inner_texts()
    assert sorted(marks) == sorted(s["sentence"] for s in deal["sources"])
    assert page.locator("article.source").count() == deal["num_articles"]
    original = page.locator("a", has_text="original article")
    assert original.count() >= 1
    assert original.first.get_attribute("href").startswith("https://")
    assert "noopener" in original.first.get_attribute("rel")
    amount = page.locator("table.fields tr", has_text="amount")
    assert amount.locator(".flag").count() == 1  # the outlets disagree on the amount
    assert page.locator("table.fields tr.other").count() >= 1
    tab.shot("event-rafale-deal")
    page.locator(".sides a").first.click()
    page.wait_for_url("**/entities/en_*")
    tab.clean()


def test_a_person_page_shows_engagements_and_counterparts(server, tab):
    page = tab.page
    rajnath = next(e for e in api(server, "/api/v1/search", q="Rajnath Singh")["entities"]
                   if e["kind"] == "person")
    page.goto(server + f"/entities/{rajnath['id']}")
    assert page.locator("h1").inner_text().startswith("Rajnath Singh")
    assert page.evaluate("Chart.getChart(document.getElementById('activity'))"
                         ".data.datasets.length") >= 2
    assert page.locator("table.events tbody tr").count() == min(50, rajnath["events"])
    tab.shot("person-rajnath-singh")
    page.locator("table.counterparts a", has_text="Lloyd Austin").click()
    page.wait_for_url("**/entities/en_*")
    assert page.locator("h1").inner_text().startswith("Lloyd Austin")
    assert "Rajnath Singh" in page.locator("table.counterparts").inner_text()
    tab.clean()


def test_an_organisation_page(server, tab):
    page = tab.page
    found = api(server, "/api/v1/search", q="Hindustan Aeronautics")["entities"]
    hal = next(e for e in found if e["kind"] == "organization")
    page.goto(server + f"/entities/{hal['id']}")
    assert "organization" in page.locator(".lede").inner_text()
    assert page.locator("table.events tbody tr").count() == hal["events"]
    tab.shot("organisation-hal")
    tab.clean()


def test_search_from_the_header_finds_events_people_and_articles(server, tab):
    page = tab.page
    page.goto(server + "/")
    page.fill("header input[name=q]", "Rafale")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=Rafale")
    assert page.locator("table.events tbody tr").count() >= 3
    hits = page.locator("article.hit")
    assert hits.count() >= 3
    assert {m.lower() for m in hits.locator(".snippet mark").all_inner_texts()} == {"rafale"}
    tab.shot("search-rafale")
    page.goto(server + "/search?q=Hegseth")
    page.locator("ul.entities a", has_text="Pete Hegseth").click()
    page.wait_for_url("**/entities/en_*")
    tab.clean()


def wait_for_job(page) -> str:
    # Playwright's own polling: wait_for_function would evaluate a string in the page,
    # which the Content-Security-Policy forbids
    expect(page.locator("#job-title")).to_have_text(
        re.compile("^(Done|.*[Nn]othing stored|Failed)$"), timeout=120_000)
    return page.locator("#job-title").inner_text()


def test_ingest_pasted_text_end_to_end(server, tab):
    page = tab.page
    page.goto(server + f"/ingest#token={TOKEN}")
    assert page.input_value("#token") == TOKEN
    assert page.evaluate("window.location.hash") == ""  # the token leaves the address bar
    page.fill("#paste input[name=title]", "India, Australia hold defence talks")
    page.fill("#paste input[name=date]", "2025-07-08")
    page.fill("#paste textarea[name=text]", (WEB / "article.txt").read_text(encoding="utf-8"))
    page.click("#paste button")
    assert wait_for_job(page) == "Done"
    assert page.locator("#job-progress").get_attribute("value") == "1"
    row = page.locator("#job-results tbody tr")
    assert row.count() == 1 and "stored" in row.inner_text()
    link = row.locator("ul.found a")
    assert "AUS–IND" in link.inner_text() and "Richard Marles" in link.inner_text()
    tab.shot("ingest-pasted-text")
    link.click()
    page.wait_for_url("**/events/ev_*")
    assert "in Canberra on Tuesday" in page.locator("blockquote mark").first.inner_text()
    tab.clean()


@pytest.fixture
def news_site() -> Iterator[str]:
    pages = {"/wire/delhi.txt": ("Germany, India defence ministers meet\n\nNew Delhi, July 14 "
                                 "(Reuters) - German Defence Minister Boris Pistorius met "
                                 "Defence Minister Rajnath Singh in New Delhi on Monday.\n")}

    with static_site({path: (text.encode(), "text/plain; charset=utf-8")
                      for path, text in pages.items()}) as url:
        yield url


def test_ingest_a_url_list_and_uploaded_files(server, tab, news_site):
    page = tab.page
    page.goto(server + f"/ingest#token={TOKEN}")
    page.fill("#urls textarea", f"{news_site}/wire/delhi.txt\n")
    page.click("#urls button")
    assert wait_for_job(page) == "Done"
    assert "DEU–IND" in page.locator("#job-results").inner_text()
    page.set_input_files("#files input[type=file]", [str(WEB / "wire.jsonl"),
                                                     str(WEB / "hostile-page.html")])
    page.click("#files button")
    assert wait_for_job(page) == "Done"
    results = page.locator("#job-results tbody tr")
    assert results.count() == 2  # in file-name order, as bilat ingest reads a folder
    assert "JPN–PHL" in results.nth(0).inner_text() and "DEU–IND" in results.nth(1).inner_text()
    tab.shot("ingest-files")
    tab.clean()


def test_ingest_without_the_token_is_refused_and_says_why(server, tab):
    page = tab.page
    before = len(api(server, "/api/v1/events", limit=500)["events"])
    page.goto(server + "/ingest")
    page.fill("#token", "")
    page.fill("#paste textarea[name=text]", "Nothing to see.")
    page.click("#paste button")
    assert wait_for_job(page) == "Token missing or wrong: nothing stored"
    assert page.locator("#job-status").inner_text().startswith("B502")
    assert len(api(server, "/api/v1/events", limit=500)["events"]) == before
    tab.shot("ingest-refused")
    # the browser reports the 401 itself; nothing else went wrong
    assert [e for e in tab.errors if "401" not in e] == [] and tab.dialogs == []


def test_an_article_full_of_markup_and_scripts_runs_nothing(server, tab):
    """Titles, outlets, sentences and URLs from a scraped page are shown as text."""
    page = tab.page
    auth = {"Authorization": f"Bearer {TOKEN}"}
    posted = httpx.post(server + "/api/v1/articles", headers=auth, timeout=120, json={
        "documents": [{"id": "hostile.txt", "text": HOSTILE_TEXT, "date": "2025-06-02",
                       "outlet": "<svg onload=\"window.__pwned='outlet'\"></svg>"}]})
    assert posted.status_code == 201, posted.text
    [meeting] = posted.json()["documents"][0]["events"]
    # a JSON feed can carry any URL: it is stored, and must never become a link
    feed = ('{"id": "feed-1", "url": "javascript:window.__pwned=\'url\'", "date": '
            '"2025-06-03", "title": "<b onmouseover=window.__pwned=1>x</b>", "text": '
            '"Manila, June 3 (Reuters) - Japanese Defence Minister Gen Nakatani met '
            'Philippine Defence Secretary Gilberto Teodoro in Manila on Tuesday '
            '<script>window.__pwned=\'feed\'</script>."}\n')
    uploaded = httpx.post(server + "/api/v1/articles/files", headers=auth, timeout=120,
                          files={"files": ("feed.jsonl", feed.encode(), "text/plain")})
    assert uploaded.status_code == 201, uploaded.text
    feed_event = uploaded.json()["documents"][0]["events"][0]["id"]
    hegseth = next(e for e in api(server, "/api/v1/search", q="Pete Hegseth")["entities"])
    pages = [f"/events/{meeting['id']}", f"/events/{feed_event}", "/dyads/IND-USA",
             f"/entities/{hegseth['id']}", "/search?q=pwned", "/search?q=script",
             "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/"]
    for path in pages:
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator(INJECTED).count() == 0, path
    page.goto(server + f"/events/{meeting['id']}")
    text = page.locator("main").inner_text()
    assert '<script>window.__pwned = "body"</script>' in text  # shown, as text
    assert "onerror=" in text and "<svg onload=" in text
    tab.shot("hostile-article-event")
    page.goto(server + f"/events/{feed_event}")
    assert page.locator("a", has_text="original").count() == 0  # no link for javascript:
    page.goto(server + "/search?q=pwned")
    assert page.locator("article.hit").count() >= 2
    tab.shot("hostile-article-search")
    # the ingest page shows the results of an upload as text too
    page.goto(server + f"/ingest#token={TOKEN}")
    page.set_input_files("#files input[type=file]", [str(WEB / "hostile-article.txt")])
    page.click("#files button")
    assert wait_for_job(page) == "Done"
    assert "<script>" in page.locator("#job-results").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator(INJECTED).count() == 0
    tab.shot("hostile-article-ingest")
    tab.clean()
