"use strict";
(function () {
  const page = bilat.data();
  const present = bilat.TYPES.filter(function (t) {
    return page.points.some(function (p) { return p.type === t; });
  });

  // a year or a month is drawn in its middle
  function instant(date) {
    const full = date.length === 4 ? date + "-07-01" : date.length === 7 ? date + "-15" : date;
    return Date.parse(full + "T00:00:00Z");
  }

  const canvas = document.getElementById("timeline");
  if (canvas && page.points.length) {
    const chart = new Chart(canvas, {
      type: "scatter",
      data: { datasets: present.map(function (type) {
        return { label: type.toLowerCase(), backgroundColor: bilat.colour(type),
                 borderColor: "#ffffff", borderWidth: 1, pointRadius: 6, pointHoverRadius: 9,
                 data: page.points.filter(function (p) { return p.type === type; })
                   .map(function (p) {
                     return { x: instant(p.date), y: type.toLowerCase(), id: p.id,
                              date: p.date, headline: p.headline };
                   }) };
      }) },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: {
          x: { type: "linear", grace: "3%",
               // ticks on 1 January (every other year over long spans), or on the first of
               // each month when the events span less than two years
               afterBuildTicks: function (axis) {
                 const start = new Date(axis.min);
                 const end = new Date(axis.max);
                 const years = end.getUTCFullYear() - start.getUTCFullYear();
                 axis.ticks = [];
                 if (years >= 2) {
                   const step = years > 12 ? 2 : 1;
                   for (let y = start.getUTCFullYear() + 1; y <= end.getUTCFullYear(); y += step) {
                     axis.ticks.push({ value: Date.UTC(y, 0, 1) });
                   }
                   return;
                 }
                 let month = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
                 while (month <= axis.max) {
                   axis.ticks.push({ value: month });
                   const at = new Date(month);
                   month = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
                 }
               },
               ticks: { callback: function (value) {
                 const at = new Date(value);
                 return at.getUTCMonth() === 0 ? String(at.getUTCFullYear())
                   : at.toISOString().slice(0, 7);
               } } },
          y: { type: "category", labels: present.map(function (t) { return t.toLowerCase(); }),
               offset: true, grid: { display: false } }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (context) {
            return context.raw.date + "  " + context.raw.headline;
          } } }
        },
        onHover: function (event, elements) {
          event.native.target.classList.toggle("pointing", elements.length > 0);
        },
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          const hit = elements[0];
          window.location.href = "/events/" +
            encodeURIComponent(chart.data.datasets[hit.datasetIndex].data[hit.index].id);
        }
      }
    });
    window.bilatTimeline = chart;
  }

  const years = Array.from(new Set(page.counts.map(function (r) { return r.year || "undated"; })))
    .sort();
  const series = {};
  page.counts.forEach(function (row) {
    series[row.type] = series[row.type] || years.map(function () { return 0; });
    series[row.type][years.indexOf(row.year || "undated")] += row.events;
  });
  bilat.stackedBars(document.getElementById("per-year"), years, series);
})();
