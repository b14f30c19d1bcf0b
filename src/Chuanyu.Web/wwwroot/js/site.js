// Ask before destructive actions: any submit button with data-confirm. Works with CSP (no inline script);
// without JavaScript the action still works, just without the extra question.
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-confirm]");
  if (b && !window.confirm(b.getAttribute("data-confirm"))) {
    e.preventDefault();
  }
});

// The API refuses a state-changing call made with the sign-in cookie unless it carries the antiforgery token
// (docs/security.md): htmx requests send it from the page's meta tag.
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="request-verification-token"]');
  if (meta) {
    e.detail.headers["RequestVerificationToken"] = meta.getAttribute("content");
  }
});
