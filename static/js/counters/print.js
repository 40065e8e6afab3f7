// The printed ticket: print once on load (the kiosk's browser prints silently to the receipt
// printer), then go back to the kiosk's first screen. "In lại" prints again.
(function () {
  "use strict";
  var receipt = document.querySelector("[data-autoprint]");
  if (!receipt) return;
  var again = document.querySelector("[data-print]");
  if (again) {
    again.addEventListener("click", function () {
      window.print();
    });
  }
  window.addEventListener("load", function () {
    window.print();
    var seconds = parseInt(receipt.getAttribute("data-return-seconds"), 10) || 8;
    window.setTimeout(function () {
      window.location.assign(receipt.getAttribute("data-return-url"));
    }, seconds * 1000);
  });
})();
