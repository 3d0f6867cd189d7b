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

  var SERIES_COLOURS = ["#767676", "#1f5fa8", "#a3262a", "#1d7a3a", "#8a5a00"];

  // Several numeric columns (th[data-series]): one dataset per column, bars side by side.
  function grouped(canvas, table, labels, rows) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th[data-series]"));
    var datasets = heads.map(function (th, i) {
      return {
        label: th.dataset.series,
        backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
        data: rows.map(function (tr) {
          var cell = tr.querySelectorAll("[data-value]")[i];
          return cell ? Number(cell.dataset.value) : 0;
        })
      };
    });
    return new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  // Splink's waterfall: floating bars from each row's data-start to data-end.
  function waterfall(canvas, labels, rows) {
    var colour = { up: "#1d7a3a", down: "#a3262a", total: "#1f5fa8" };
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{
          data: rows.map(function (tr) { return [Number(tr.dataset.start), Number(tr.dataset.end)]; }),
          backgroundColor: rows.map(function (tr) { return colour[tr.dataset.kind] || "#767676"; })
        }]
      },
      options: {
        animation: false, maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { title: { display: true, text: "log2 Bayes factor" } } }
      }
    });
  }

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var table = document.getElementById(canvas.dataset.source);
      if (!table) { return; }
      if (canvas.dataset.chart === "grouped" || canvas.dataset.chart === "waterfall") {
        var body = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
        var names = body.map(function (tr) { return tr.querySelector("th").textContent.trim(); });
        canvas.dataset.drawn = "1";
        if (canvas.dataset.chart === "grouped") { grouped(canvas, table, names, body); }
        else { waterfall(canvas, names, body); }
        if (canvas.dataset.chart === "grouped") { table.classList.add("visually-hidden"); }
        return;
      }
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

  // The handover desk: ↓/Enter from the search box goes to the first person; on a person,
  // the keys 1-5 press that outcome's button (never while typing in the note).
  function deskKeys(event) {
    var target = event.target;
    if (target.matches && target.matches("[data-desk-search]")) {
      if (event.key === "ArrowDown" || event.key === "Enter") {
        var first = document.querySelector("#candidates [data-candidate]");
        if (first) { event.preventDefault(); first.focus(); }
      }
      return;
    }
    var form = target.closest ? target.closest("[data-candidate]") : null;
    if (!form || target.tagName === "INPUT") { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var all = Array.prototype.slice.call(document.querySelectorAll("#candidates [data-candidate]"));
      var next = all[all.indexOf(form) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) { event.preventDefault(); next.focus(); }
      return;
    }
    var button = form.querySelector('button[data-key="' + event.key + '"]');
    if (button) { event.preventDefault(); button.click(); }
  }

  document.addEventListener("keydown", deskKeys);
  // After an outcome is recorded the desk is ready for the next person: empty box, focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "recorded") {
      var box = document.querySelector("[data-desk-search]");
      if (box) { box.value = ""; box.focus(); }
    }
  });
  // The family's letter (reference and access code) prints on its own.
  document.addEventListener("click", function (event) {
    if (event.target && event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
