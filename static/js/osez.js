// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) {
    field.form.requestSubmit();
  }
});

// Refusals (core.views.refuse) land in #refusal by themselves; here: clear it before the next
// request, and say so there when the server fails (5xx) or cannot be reached.
(() => {
  const area = () => document.getElementById("refusal");
  const say = (key) => {
    const box = area();
    if (!box) return;
    const message = document.createElement("p");
    message.className = "message message-error";
    message.textContent = box.dataset[key];
    box.replaceChildren(message);
  };
  document.addEventListener("htmx:beforeRequest", () => {
    const box = area();
    if (box) box.replaceChildren();
  });
  document.addEventListener("htmx:responseError", () => say("serverError"));
  document.addEventListener("htmx:sendError", () => say("networkError"));
})();

// Destructive one-click actions: a form with data-confirm asks first (with or without htmx:
// this listener runs in the capture phase, before htmx sees the submit).
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    const question = form.dataset ? form.dataset.confirm : undefined;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);
