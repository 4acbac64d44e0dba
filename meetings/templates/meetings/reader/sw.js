// Quorum's reader service worker (served at {{ portal_url|escapejs }}sw.js, scope
// {{ portal_url|escapejs }}). It controls the portal and reader pages, so their
// requests to /files/, /static/ and /api/annotations/ come through here too.
//
// - Pages and annotations: network first; when the network fails, the copy
//   saved on this device for the signed-in user, if the member made the
//   meeting available offline. A copy is refreshed whenever it is fetched
//   again online.
// - Pack files (/files/<id>/): the saved copy first (a pack's content never
//   changes), sliced for pdf.js's range requests; else the network.
// - Static files: the reader's are fetched when the worker installs (so the
//   first pack opened from My meetings does not wait for them), then
//   served from that copy; other static
//   files network first, a copy kept for offline use.
// Writes (POST, PATCH, DELETE) are never touched: the reader queues them
// itself while offline.

const SCOPE = "{{ portal_url|escapejs }}";
const META_CACHE = "quorum-meta";
const STATIC_CACHE = "quorum-static-{{ version|escapejs }}";
const ASSETS = {{ assets|safe }};
const USER_URL = "/__quorum/user";
const MATCH = { ignoreVary: true };

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) => cache.addAll(ASSETS)).catch(() => {}),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("quorum-static") && name !== STATIC_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === `${SCOPE}sw.js`) return;
  if (url.pathname.startsWith("/files/")) {
    event.respondWith(packFile(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (url.pathname.startsWith(SCOPE) || url.pathname.startsWith("/api/annotations/")) {
    event.respondWith(networkFirst(request));
  }
});

/** The cache of the user signed in on this device, if they saved anything. */
async function userCache() {
  const meta = await caches.open(META_CACHE);
  const stored = await meta.match(USER_URL);
  if (!stored) return null;
  const userId = (await stored.text()).trim();
  if (!/^[0-9]+$/.test(userId)) return null;
  const name = `quorum-offline-u${userId}`;
  return (await caches.has(name)) ? caches.open(name) : null;
}

function withoutHash(request) {
  const url = new URL(request.url);
  url.hash = "";
  return url.href;
}

async function networkFirst(request) {
  const cache = await userCache();
  const key = withoutHash(request);
  try {
    const response = await fetch(request);
    if (cache && response.ok && response.type === "basic" && (await cache.match(key, MATCH))) {
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    const saved = cache && (await cache.match(key, MATCH));
    if (saved) return saved;
    if (request.mode === "navigate") return offlinePage();
    return new Response(
      JSON.stringify({ error: "You are offline and this is not saved on this device." }),
      { status: 503, headers: { "Content-Type": "application/json" } },
    );
  }
}

async function packFile(request) {
  const cache = await userCache();
  const saved = cache && (await cache.match(withoutHash(request), MATCH));
  if (!saved) return fetch(request);
  const range = request.headers.get("Range");
  return range ? slice(saved, range) : saved;
}

async function slice(response, header) {
  const blob = await response.blob();
  const size = blob.size;
  const match = /^bytes=([0-9]*)-([0-9]*)$/.exec(header.trim());
  if (!match || (!match[1] && !match[2])) return response;
  let start;
  let end;
  if (!match[1]) {
    start = Math.max(size - Number(match[2]), 0);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  }
  if (start >= size || end < start) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "Accept-Ranges": "bytes",
      "Content-Length": String(end - start + 1),
      "Content-Range": `bytes ${start}-${end}/${size}`,
      "Content-Type": response.headers.get("Content-Type") || "application/pdf",
    },
  });
}

async function staticFile(request) {
  const kept = await caches.match(request, { ...MATCH, cacheName: STATIC_CACHE });
  if (kept) return kept;
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      caches.open(STATIC_CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const cache = await userCache();
    const saved =
      (cache && (await cache.match(request, MATCH))) ||
      (await caches.match(request, { ...MATCH, cacheName: STATIC_CACHE }));
    if (saved) return saved;
    throw error;
  }
}

function offlinePage() {
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline</title>
<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}
a{display:inline-block;padding:.75rem 1rem;background:#0b4f8a;color:#fff;border-radius:6px;text-decoration:none}</style>
</head><body><h1>You are offline</h1>
<p>This page is not saved on this device. Meetings you made available offline still open from My meetings.</p>
<p><a href="${SCOPE}">My meetings</a></p></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
