"use strict";
// The ingest page is a client of the REST API: it posts with the token as a bearer header,
// then polls the job until the articles are stored. Everything shown is set as text.
(function () {
  const KEY = "bilat-token";
  const tokenField = document.getElementById("token");
  // `bilat serve` prints a link with #token=…: the fragment never reaches the server
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (fromLink) {
    sessionStorage.setItem(KEY, fromLink);
    history.replaceState(null, "", window.location.pathname);
  }
  tokenField.value = sessionStorage.getItem(KEY) || "";
  tokenField.addEventListener("change", function () {
    sessionStorage.setItem(KEY, tokenField.value.trim());
  });
  document.getElementById("token-form").addEventListener("submit", function (event) {
    event.preventDefault();
  });

  const panel = document.getElementById("job");
  const title = document.getElementById("job-title");
  const bar = document.getElementById("job-progress");
  const status = document.getElementById("job-status");
  const problems = document.getElementById("job-problems");
  const results = document.getElementById("job-results");
  const buttons = document.querySelectorAll("form.ingest button");

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function count(n, noun) { return n + " " + noun + (n === 1 ? "" : "s"); }

  function busy(on) { buttons.forEach(function (b) { b.disabled = on; }); }

  function request(form) {
    const kind = form.dataset.kind;
    const fields = new FormData(form);
    if (kind === "files") {
      return { url: "/api/v1/articles/files?wait=false", body: fields, headers: {} };
    }
    let payload;
    if (kind === "urls") {
      payload = { urls: String(fields.get("urls")).split(/\s+/).filter(Boolean) };
    } else {
      const document_ = { text: String(fields.get("text")) };
      ["title", "date", "url"].forEach(function (name) {
        const value = String(fields.get(name) || "").trim();
        if (value) { document_[name] = value; }
      });
      payload = { documents: [document_] };
    }
    return { url: "/api/v1/articles?wait=false", body: JSON.stringify(payload),
             headers: { "Content-Type": "application/json" } };
  }

  function showProblems(list) {
    problems.replaceChildren();
    if (!list.length) { return; }
    const items = element("ul", undefined, "problems");
    list.forEach(function (p) {
      const where = p.document || p.where || "";
      items.append(element("li", [p.code, where, p.message].filter(Boolean).join(" · ")));
    });
    problems.append(items);
  }

  function fail(heading, error) {
    title.textContent = heading;
    bar.value = 0;
    status.textContent = error.code + ": " + error.message;
    status.className = "error-text";
    showProblems(error.details || []);
    busy(false);
  }

  function showResult(result) {
    const body = results.querySelector("tbody");
    body.replaceChildren();
    result.documents.forEach(function (doc) {
      const row = element("tr");
      const name = element("td");
      name.append(element("strong", doc.title || doc.document));
      if (doc.title) { name.append(element("div", doc.document, "doc")); }
      row.append(name, element("td", doc.stored ? "stored" : "already known"));
      const found = element("td");
      if (!doc.events.length) {
        found.append(element("span", doc.stored ? "none" : "stored before: its events are unchanged",
                             "none"));
      }
      const list = element("ul", undefined, "found");
      doc.events.forEach(function (event) {
        const item = element("li");
        item.append(element("span", event.type.toLowerCase(), "badge t-" + event.type), " ");
        const link = element("a", (event.date || "undated") + " · " +
          (event.countries || []).join("–") + " · " + event.headline);
        link.href = "/events/" + encodeURIComponent(event.id);
        item.append(link);
        list.append(item);
      });
      found.append(list);
      row.append(found);
      body.append(row);
    });
    results.hidden = false;
    title.textContent = "Done";
    status.textContent = count(result.articles, "article") + " stored, " + result.known +
      " already known; " + count(result.events_new, "new event") + ", " +
      count(result.events_merged, "report") + " merged into stored events.";
  }

  function progress(job) {
    const stage = { queued: "Waiting for the worker…",
                    fetching: "Fetching URLs: " + job.done + " of " + job.total,
                    extracting: "Extracting and storing: " + job.done + " of " + job.total +
                                " articles" }[job.state];
    if (stage) {
      title.textContent = "Working…";
      status.textContent = stage;
      if (job.total) { bar.max = job.total; bar.value = job.done; }
    }
  }

  async function poll(url) {
    for (;;) {
      const answer = await fetch(url, { headers: { Authorization: "Bearer " + tokenField.value.trim() } });
      const job = await answer.json();
      if (!answer.ok) { fail("Failed", job.error); return; }
      progress(job);
      if (job.state === "done") {
        bar.max = 1; bar.value = 1;
        showResult(job.result);
        busy(false);
        return;
      }
      if (job.state === "failed") {
        fail("Nothing stored", { code: "B503", message: "the job failed", details: job.problems });
        return;
      }
      await new Promise(function (resolve) { setTimeout(resolve, 400); });
    }
  }

  document.querySelectorAll("form.ingest").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const sent = request(form);
      panel.hidden = false;
      results.hidden = true;
      problems.replaceChildren();
      status.className = "";
      title.textContent = "Sending…";
      status.textContent = "";
      bar.removeAttribute("value");
      busy(true);
      sent.headers.Authorization = "Bearer " + tokenField.value.trim();
      try {
        const answer = await fetch(sent.url, { method: "POST", headers: sent.headers, body: sent.body });
        const body = await answer.json();
        if (!answer.ok) {
          fail(answer.status === 401 ? "Token missing or wrong: nothing stored"
            : "Nothing stored", body.error);
          return;
        }
        await poll(body.status);
      } catch (error) {
        fail("Failed", { code: "network", message: String(error) });
      }
    });
  });
})();
