// Polls the recompute run's JSON endpoint and updates the progress bar until it ends.
(function () {
  "use strict";
  var box = document.getElementById("recompute-progress");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-url");
  function set(id, value) {
    var el = document.getElementById(id);
    if (el) {
      el.textContent = value;
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var bar = document.getElementById("recompute-bar");
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        set("recompute-status", data.status_label);
        set("recompute-done", data.done);
        set("recompute-total", data.total);
        set("recompute-created", data.created);
        set("recompute-flagged", data.flagged);
        if (!data.finished) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
