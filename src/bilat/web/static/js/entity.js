"use strict";
(function () {
  const page = bilat.data();
  const periods = bilat.periods(page.totals.by_month);
  bilat.stackedBars(document.getElementById("activity"), periods.labels, periods.series);
})();
