// A button marked data-print prints the page.
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
