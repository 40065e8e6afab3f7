// Counter kiosk (surveys): after the thank-you, or after a while without a touch, go back to a
// fresh form so the next citizen starts clean.
(function () {
  "use strict";
  var root = document.querySelector("[data-kiosk-reset]");
  if (!root) {
    return;
  }
  var seconds = parseInt(root.getAttribute("data-kiosk-reset"), 10) || 5;
  var url = root.getAttribute("data-kiosk-url");
  var thanks = root.querySelector("[data-kiosk-thanks]");
  var timer = null;
  function reset() {
    window.location.replace(url);
  }
  function arm(delay) {
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(reset, delay * 1000);
  }
  if (thanks) {
    arm(seconds);
    return;
  }
  // A half-filled form is cleared after a minute without a touch.
  var idle = Math.max(seconds * 12, 30);
  ["click", "keydown", "touchstart", "input"].forEach(function (name) {
    root.addEventListener(name, function () {
      arm(idle);
    });
  });
})();
