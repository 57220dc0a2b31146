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

// Live updates (htmx ws extension): when a page's live connection drops (Redis or the server
// away), say that live updates are paused; htmx reconnects by itself with back-off, and the
// notice goes once a connection is open again. A socket closed on purpose (4403: logged out, no
// longer allowed) is not a pause.
(() => {
  const notice = () => document.getElementById("live-paused");
  const closed = new Set();
  const refresh = () => {
    const box = notice();
    if (box) box.hidden = closed.size === 0;
  };
  document.addEventListener("htmx:wsClose", (event) => {
    const code = event.detail && event.detail.event ? event.detail.event.code : 0;
    if (code === 4403 || code === 1000) return;
    closed.add(event.target);
    refresh();
  });
  document.addEventListener("htmx:wsOpen", (event) => {
    closed.delete(event.target);
    refresh();
  });
})();

// The offline agenda (static/js/sw.js): registered on the agenda page only. Offline, the page
// (served from the cache) says since when it has not been updated; back online, it reloads.
(() => {
  const agenda = document.querySelector("[data-offline-agenda]");
  if (!agenda) return;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/e/" }).catch(() => undefined);
    // After a live update, the worker keeps the fresh page for offline use.
    document.addEventListener("htmx:afterRequest", (event) => {
      const controller = navigator.serviceWorker.controller;
      const source = event.detail.elt;
      if (controller && event.detail.successful && source && source.id === "agenda-fetch") {
        controller.postMessage({ refreshAgenda: window.location.pathname });
      }
    });
  }
  const banner = document.getElementById("offline-notice");
  const show = () => {
    if (banner) banner.hidden = navigator.onLine;
  };
  window.addEventListener("offline", show);
  window.addEventListener("online", () => window.location.reload());
  show();
})();
