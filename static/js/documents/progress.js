// The dossier page while a paper is being digitised (OCR in a task): ask every 4 seconds whether
// it is done, then reload once so the clerk sees each paper's state without pressing F5.
(function () {
  "use strict";
  var marker = document.querySelector("[data-digitising]");
  if (!marker) { return; }
  var url = marker.getAttribute("data-digitising");
  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.in_progress) { window.setTimeout(check, 4000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(check, 8000); });
  }
  window.setTimeout(check, 4000);
})();
