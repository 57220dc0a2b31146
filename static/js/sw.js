// Osez's service worker: "My agenda" keeps working without a network (venue Wi-Fi fails, phones
// lose signal). Registered by osez.js on the agenda page only, scope /e/. Network first: every
// request goes to the server; what an agenda page loaded (the page, its CSS and JS, its images
// such as the check-in QR code) is kept, and served from the cache only when the network fails.
// The tables and rooms shown on the agenda are in its HTML, so they come with it.
const CACHE = "osez-agenda-v1";
const AGENDA = /^\/e\/[^/]+\/agenda\/$/;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const isAgendaPage = (url) => AGENDA.test(new URL(url).pathname);

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(key, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function fromAgendaPage(clientId) {
  if (!clientId) return false;
  const client = await self.clients.get(clientId);
  return Boolean(client) && isAgendaPage(client.url);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // The whole agenda page (not the fragments htmx fetches: those carry HX-Request).
    if (isAgendaPage(request.url)) {
      event.respondWith(networkFirst(request, url.origin + url.pathname));
    }
    return;
  }
  if (request.headers.get("HX-Request")) return;
  if (!["style", "script", "image", "font"].includes(request.destination)) return;
  event.respondWith(
    fromAgendaPage(event.clientId).then((keep) =>
      keep ? networkFirst(request, request.url) : fetch(request),
    ),
  );
});

// A live update changed the agenda: keep the fresh page for offline use.
self.addEventListener("message", (event) => {
  const path = event.data && event.data.refreshAgenda;
  if (path && AGENDA.test(path)) {
    event.waitUntil(networkFirst(new Request(path, { credentials: "same-origin" }), self.location.origin + path).catch(() => undefined));
  }
});
