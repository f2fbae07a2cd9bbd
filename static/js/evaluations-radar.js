/* Radar charts of the evaluation results. Data comes from a json_script element named by
   each canvas's data-source attribute: {charts: [{id, title, labels, values}], datasetLabel}. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
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
        scales: { r: { min: 1, max: 5, ticks: { stepSize: 1 } } },
        plugins: { legend: { display: false } }
      }
    });
  });
})();
