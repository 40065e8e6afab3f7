// A form marked data-submit-once is sent once: a second press while the page is sending does nothing.
document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
  });
});
