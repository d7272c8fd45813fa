"use strict";
(function () {
  const page = bilat.data();
  const graph = page.graph;
  const box = document.getElementById("network");
  const caption = document.createElement("p");
  caption.className = "hint caption";
  box.after(caption);
  const most = Math.max(2, ...graph.edges.map(function (e) { return e.events; }));
  const busiest = Math.max(2, ...graph.nodes.map(function (n) { return n.events; }));
  // Start from a circle in the order the server gives, not at random: the same store
  // draws the same picture every time.
  const elements = graph.nodes.map(function (n, i) {
    const angle = 2 * Math.PI * i / graph.nodes.length;
    return { data: { id: n.code, label: n.name, events: n.events },
             position: { x: 300 * Math.cos(angle), y: 300 * Math.sin(angle) } };
  }).concat(graph.edges.map(function (e) {
    const ends = e.dyad.split("-");
    return { data: { id: e.dyad, source: ends[0], target: ends[1], events: e.events,
                     label: String(e.events), types: e.types } };
  }));
  const cy = cytoscape({
    container: box, elements: elements, userZoomingEnabled: false, boxSelectionEnabled: false,
    autoungrabify: true,
    layout: { name: "cose", animate: false, randomize: false, padding: 30, numIter: 2500,
              nodeRepulsion: function () { return 1000000; }, nodeOverlap: 40,
              idealEdgeLength: function () { return 110; }, gravity: 0.25,
              componentSpacing: 60 }
  });
  // The layout is fitted into the box, so the zoom varies with the number of countries:
  // sizes are set after it, divided by the zoom, to look the same on screen every time.
  const k = 1 / cy.zoom();
  cy.style([
    { selector: "node", style: {
      "background-color": "#1e3a5f", label: "data(label)", "font-size": 12 * k,
      color: "#0f172a", "text-valign": "bottom", "text-margin-y": 3 * k,
      "text-outline-color": "#ffffff", "text-outline-width": 2 * k,
      width: "mapData(events, 1, " + busiest + ", " + 10 * k + ", " + 36 * k + ")",
      height: "mapData(events, 1, " + busiest + ", " + 10 * k + ", " + 36 * k + ")" } },
    { selector: "edge", style: {
      width: "mapData(events, 1, " + most + ", " + 1.2 * k + ", " + 10 * k + ")",
      "line-color": "#94a3b8", "curve-style": "straight", opacity: 0.85,
      "font-size": 10 * k, color: "#334155", "text-background-color": "#ffffff",
      "text-background-opacity": 0.9, "text-background-padding": 1 * k } },
    // a number on the lines with more than one event; a thin line is one
    { selector: "edge[events > 1]", style: { label: "data(label)" } },
    { selector: "edge.hot", style: { "line-color": "#ea580c", opacity: 1, "z-index": 10 } },
    { selector: "node.hot", style: { "background-color": "#ea580c" } }
  ]);

  function describe(edge) {
    const types = edge.data("types");
    const parts = bilat.TYPES.filter(function (t) { return types[t]; }).map(function (t) {
      return types[t] + " " + t.toLowerCase();
    });
    const ends = [edge.source().data("label"), edge.target().data("label")];
    return ends.join(" – ") + ": " + edge.data("events") + " events (" + parts.join(", ") + ")";
  }

  cy.on("mouseover", "edge", function (event) {
    event.target.addClass("hot");
    box.classList.add("pointing");
    caption.textContent = describe(event.target);
  });
  cy.on("mouseout", "edge", function (event) {
    event.target.removeClass("hot");
    box.classList.remove("pointing");
  });
  cy.on("mouseover", "node", function (event) {
    event.target.connectedEdges().addClass("hot");
    caption.textContent = event.target.data("label") + ": " + event.target.data("events") +
      " events with the countries shown";
  });
  cy.on("mouseout", "node", function (event) { event.target.connectedEdges().removeClass("hot"); });
  cy.on("tap", "edge", function (event) {
    // the pair's page, for the same period and types as this overview
    window.location.href = "/dyads/" + encodeURIComponent(event.target.id()) + window.location.search;
  });
  window.bilatNetwork = cy;

  const months = bilat.periods(page.totals.by_month);
  bilat.stackedBars(document.getElementById("by-month"), months.labels, months.series);
})();
