// Ask before destructive actions: any submit button with data-confirm. Works with CSP (no inline script);
// without JavaScript the action still works, just without the extra question.
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-confirm]");
  if (b && !window.confirm(b.getAttribute("data-confirm"))) {
    e.preventDefault();
  }
});
