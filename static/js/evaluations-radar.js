/* Radar charts of the evaluation results. Data comes from a json_script element named by
   each canvas's data-source attribute: {charts: [{id, title, labels, values}], datasetLabel}. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  // Readable labels: the axis names at 14 px and the 1–5 ticks at 12 px (Chart.js's
  // defaults draw them at about 10 px on the page).
  window.Chart.defaults.font.size = 14;
  window.Chart.defaults.color = "#212529";
  var cache = {};
  function dataFor(sourceId) {
    if (!(sourceId in cache)) {
      var el = document.getElementById(sourceId);
      cache[sourceId] = el ? JSON.parse(el.textContent) : { charts: [] };
    }
    return cache[sourceId];
  }
  document.querySelectorAll("canvas.radar-chart").forEach(function (canvas) {
    var data = dataFor(canvas.dataset.source);
    var chart = data.charts.find(function (c) { return c.id === canvas.id; });
    if (!chart) {
      return;
    }
    new window.Chart(canvas, {
      type: "radar",
      data: {
        labels: chart.labels,
        datasets: [{
          label: data.datasetLabel,
          data: chart.values,
          fill: true,
          backgroundColor: "rgba(11, 83, 148, 0.2)",
          borderColor: "#0b5394",
          pointBackgroundColor: "#0b5394"
        }]
      },
      options: {
        responsive: true,
        layout: { padding: 0 },
        scales: {
          r: {
            min: 1,
            max: 5,
            ticks: { stepSize: 1, font: { size: 12 }, backdropColor: "rgba(255, 255, 255, 0.85)" },
            pointLabels: { font: { size: 14 }, color: "#212529" }
          }
        },
        plugins: { legend: { display: false } }
      }
    });
  });
})();
