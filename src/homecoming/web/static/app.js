// Homecoming's own script: charts drawn from the tables beside them (Chart.js, served locally).
// Pages work without it; the tables stay readable for screen readers and print.
(function () {
  "use strict";

  var FATE_COLOURS = {
    missing: "#8a5a00",
    captured: "#a3262a",
    detained: "#7b2d8e",
    listed: "#1f5fa8",
    released: "#1d7a3a",
    hospitalised: "#00707a",
    deceased: "#3a3a3a",
    found_alive: "#2e8b57",
    "": "#767676"
  };

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var table = document.getElementById(canvas.dataset.source);
      if (!table) { return; }
      var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
      var labels = rows.map(function (tr) { return tr.querySelector("th").textContent.trim(); });
      var values = rows.map(function (tr) { return Number(tr.querySelector("[data-value]").dataset.value); });
      var colours = rows.map(function (tr) { return FATE_COLOURS[tr.dataset.fate || ""] || "#1f5fa8"; });
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, {
        type: canvas.dataset.chart,
        data: { labels: labels, datasets: [{ data: values, backgroundColor: colours }] },
        options: {
          indexAxis: "y",
          animation: false,
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
      table.classList.add("visually-hidden");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
