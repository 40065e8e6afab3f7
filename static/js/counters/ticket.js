// The citizen's phone page: polls the ticket's state and updates the text (announced politely).
(function () {
  "use strict";
  var root = document.querySelector("[data-ticket-state]");
  if (!root) return;
  var url = root.getAttribute("data-ticket-state");
  var seconds = parseInt(root.getAttribute("data-poll-seconds"), 10) || 20;
  var FINAL = ["done", "no_show"];

  function field(name) {
    return root.querySelector('[data-field="' + name + '"]');
  }
  function show(state) {
    field("status_label").textContent = state.status_label;
    field("ahead").textContent = String(state.ahead);
    field("counter").textContent = state.counter === null ? "" : String(state.counter);
    field("ahead-line").classList.toggle("d-none", state.counter !== null || FINAL.indexOf(state.status) >= 0);
    field("counter-line").classList.toggle("d-none", state.counter === null);
  }
  function poll() {
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (FINAL.indexOf(state.status) < 0) window.setTimeout(poll, seconds * 1000);
      })
      .catch(function () {
        window.setTimeout(poll, seconds * 2000);
      });
  }
  window.setTimeout(poll, seconds * 1000);
})();
