"use strict";
// Shared by the pages: the page's data (JSON embedded by the server), type colours (from the
// stylesheet, so they are defined once) and the stacked bar chart every page draws.
window.bilat = (function () {
  const TYPES = ["MEETING", "CALL", "VISIT", "AGREEMENT", "DEAL", "EXERCISE", "AID"];

  function data() {
    const node = document.getElementById("page-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function colour(type) {
    const value = getComputedStyle(document.documentElement).getPropertyValue("--t-" + type);
    return value.trim() || "#888888";
  }

  function months(first, last) {
    const out = [];
    let [year, month] = first.split("-").map(Number);
    const [endYear, endMonth] = last.split("-").map(Number);
    while (year < endYear || (year === endYear && month <= endMonth)) {
      out.push(year + "-" + String(month).padStart(2, "0"));
      month += 1;
      if (month > 12) { month = 1; year += 1; }
    }
    return out;
  }

  // Counts by month and type -> labels (every month, or every year when the span is long)
  // and one series per type.
  function periods(byMonth) {
    if (!byMonth.length) { return { labels: [], series: {} }; }
    const sorted = byMonth.map(function (row) { return row.month; }).sort();
    let labels = months(sorted[0], sorted[sorted.length - 1]);
    const yearly = labels.length > 36;
    if (yearly) {
      labels = Array.from(new Set(labels.map(function (m) { return m.slice(0, 4); })));
    }
    const series = {};
    byMonth.forEach(function (row) {
      const label = yearly ? row.month.slice(0, 4) : row.month;
      series[row.type] = series[row.type] || labels.map(function () { return 0; });
      series[row.type][labels.indexOf(label)] += row.events;
    });
    return { labels: labels, series: series };
  }

  function stackedBars(canvas, labels, series) {
    if (!canvas || !window.Chart) { return null; }
    const datasets = TYPES.filter(function (t) { return series[t]; }).map(function (t) {
      return { label: t.toLowerCase(), data: series[t], backgroundColor: colour(t),
               borderWidth: 0, maxBarThickness: 28 };
    });
    return new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { x: { stacked: true, grid: { display: false } },
                  y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } },
                   tooltip: { mode: "index", intersect: false } }
      }
    });
  }

  if (window.Chart) {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#475569";
  }
  return { TYPES: TYPES, data: data, colour: colour, periods: periods, stackedBars: stackedBars };
})();
