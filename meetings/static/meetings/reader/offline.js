// Offline copies of meetings on this device, kept per signed-in user.
//
// A meeting made "available offline" is a set of responses in the Cache
// Storage cache `quorum-offline-u<user id>`: the reader and agenda pages, the
// pack PDF (whole), the annotations JSON, the portal and the reader's static
// files. The service worker (sw.js) answers from that cache when the network
// fails, and slices the PDF for pdf.js's range requests. Annotation changes
// made offline wait in IndexedDB (store.js). Signing out wipes all of it
// (the server sends Clear-Site-Data); so does another user signing in here.

const PREFIX = "quorum-";
const USER_KEY = "quorum:user";
const META_CACHE = "quorum-meta";
export const USER_URL = "/__quorum/user";

export function appConfig() {
  return JSON.parse(document.getElementById("quorum-app").textContent);
}

export function userCacheName(userId) {
  return `${PREFIX}offline-u${userId}`;
}

function registryKey(userId) {
  return `quorum:u${userId}:offline`;
}

/** Wipe every offline copy, queued change and saved position on this device. */
export async function wipeDevice() {
  if ("caches" in window) {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX)) await caches.delete(name);
    }
  }
  if (indexedDB.databases) {
    for (const db of await indexedDB.databases()) {
      if (db.name && db.name.startsWith(PREFIX)) indexedDB.deleteDatabase(db.name);
    }
  }
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith("quorum:")) localStorage.removeItem(key);
  }
}

/** Another user's data never stays on a device someone else signs in on. */
export async function claimDevice(userId) {
  const previous = localStorage.getItem(USER_KEY);
  if (previous && previous !== String(userId)) await wipeDevice();
  localStorage.setItem(USER_KEY, String(userId));
  if ("caches" in window) {
    // The service worker reads whose cache to answer from here.
    const meta = await caches.open(META_CACHE);
    await meta.put(USER_URL, new Response(String(userId)));
  }
}

export function offlineMeetings(userId) {
  try {
    return JSON.parse(localStorage.getItem(registryKey(userId)) || "{}");
  } catch {
    return {};
  }
}

function saveRegistry(userId, registry) {
  localStorage.setItem(registryKey(userId), JSON.stringify(registry));
}

export function isOffline(userId, meetingId) {
  return Boolean(offlineMeetings(userId)[meetingId]);
}

/**
 * Store a meeting on this device: `pages` are the meeting's own URLs (reader,
 * agenda, pack file, annotations), `shared` the portal and static files.
 */
export async function saveMeeting(userId, { meetingId, packId, pages, shared }, onProgress) {
  if (!("serviceWorker" in navigator) || !("caches" in window)) {
    throw new Error("this browser cannot keep pages offline");
  }
  // Copies are only useful once the service worker can answer from them.
  await navigator.serviceWorker.ready;
  const cache = await caches.open(userCacheName(userId));
  const urls = [...pages, ...shared];
  let done = 0;
  let bytes = 0;
  for (const url of urls) {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
    if (!response.ok) {
      throw new Error(`${url} answered ${response.status}`);
    }
    const length = Number(response.headers.get("Content-Length") || 0);
    bytes += length;
    await cache.put(url, response);
    done += 1;
    if (onProgress) onProgress(done, urls.length);
  }
  const registry = offlineMeetings(userId);
  for (const url of registry[meetingId]?.pages || []) {
    if (!pages.includes(url)) await cache.delete(url); // an earlier version's pack
  }
  registry[meetingId] = { packId, pages, savedAt: new Date().toISOString(), bytes };
  saveRegistry(userId, registry);
  return registry[meetingId];
}

/** Remove a meeting's own copies (the portal and static files stay while
 * another meeting is offline). */
export async function removeMeeting(userId, meetingId) {
  const registry = offlineMeetings(userId);
  const entry = registry[meetingId];
  delete registry[meetingId];
  saveRegistry(userId, registry);
  if (!Object.keys(registry).length) {
    await caches.delete(userCacheName(userId));
    return;
  }
  if (entry) {
    const cache = await caches.open(userCacheName(userId));
    for (const url of entry.pages) await cache.delete(url);
  }
}

/** Drop copies of packs the user may no longer open (asked of the server). */
export async function pruneMeetings(userId, checkUrl) {
  const registry = offlineMeetings(userId);
  const ids = Object.values(registry).map((entry) => entry.packId);
  if (!ids.length || !navigator.onLine) return [];
  let allowed;
  try {
    const response = await fetch(`${checkUrl}?ids=${ids.join(",")}`, {
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) return [];
    allowed = new Set((await response.json()).packs);
  } catch {
    return [];
  }
  const removed = [];
  for (const [meetingId, entry] of Object.entries(registry)) {
    if (!allowed.has(entry.packId)) {
      await removeMeeting(userId, meetingId);
      removed.push(meetingId);
    }
  }
  return removed;
}

export async function registerServiceWorker(config) {
  if (!("serviceWorker" in navigator)) return null;
  try {
    return await navigator.serviceWorker.register(config.serviceWorkerUrl, {
      scope: config.scope,
    });
  } catch (error) {
    console.warn("Quorum: the offline service worker could not start", error);
    return null;
  }
}

export function formatBytes(bytes) {
  if (!bytes) return "";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Clear this device's copies before a sign-out form is sent (the server's
 * Clear-Site-Data does it too; this covers browsers that ignore it). */
export function wipeOnSignOut() {
  for (const form of document.querySelectorAll("form[data-sign-out]")) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.wiped) return;
      event.preventDefault();
      try {
        await wipeDevice();
        const registrations = await navigator.serviceWorker?.getRegistrations?.();
        for (const registration of registrations || []) await registration.unregister();
      } finally {
        form.dataset.wiped = "1";
        form.submit();
      }
    });
  }
}
