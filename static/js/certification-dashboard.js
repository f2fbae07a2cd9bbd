// Bar chart of certified people per fiscal year and level (data from json_script).
(function () {
  "use strict";
  var source = document.getElementById("certification-chart-data");
  var canvas = document.getElementById("certification-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#7fb3d5", "#2e86c1", "#1b4f72"];
  // Readable labels (Chart.js draws 12 px by default, ~10 px on a phone's scaled canvas).
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#212529";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set, i) {
        return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length] };
      })
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.y_label } }
      }
    }
  });
})();
