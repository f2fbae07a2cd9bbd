/* Irreversible actions ask first: a form with data-confirm="…" submits only after the
   person confirms the message (no inline script: the CSP allows our own files only). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form && form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
})();
