// The member's annotations of one pack: read from /api/annotations/ (or the
// copy saved on this device), written through an outbox in IndexedDB so
// that changes made offline are kept and sent when the connection returns.
//
// Every change is applied on screen at once, queued, then sent in order.
// A change the server refuses (a rule it enforces) is dropped and its
// message shown; a network failure leaves the queue for the next try.

const ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld";
const PDF_FRAGMENTS = "http://tools.ietf.org/rfc/rfc3778";
const LD = "application/ld+json";
const RETRY_MS = 15000;

function openOutbox(userId) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(`quorum-reader-u${userId}`, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore("outbox", {
        keyPath: "seq",
        autoIncrement: true,
      });
      store.createIndex("pack", "packId");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function cookie(name) {
  const prefix = `${name}=`;
  const found = document.cookie.split("; ").find((part) => part.startsWith(prefix));
  return found ? decodeURIComponent(found.slice(prefix.length)) : "";
}

/** An annotation as the reader uses it, from the API's W3C JSON-LD. */
export function fromLd(data) {
  const selector = data.target?.selector || {};
  return {
    id: data.id,
    motivation: data.motivation,
    note: data.body?.value || "",
    shared: Boolean(data.quorum?.shared),
    mine: Boolean(data.quorum?.mine),
    author: data.creator?.name || "",
    page: data.quorum?.packPage,
    selectors: (selector.refinedBy || []).filter((s) => s.type !== "SvgSelector"),
    created: data.created,
    orphaned: Boolean(data.quorum?.orphaned),
    orphanReason: data.quorum?.orphanReason || "",
    pending: false,
  };
}

function noteBody(note) {
  return note
    ? { type: "TextualBody", value: note, format: "text/plain", purpose: "commenting" }
    : null;
}

/** A new annotation as the API takes it: the pack's page, refined. */
function toLd(item) {
  const data = {
    "@context": ANNO_CONTEXT,
    type: "Annotation",
    motivation: item.motivation,
    target: {
      type: "SpecificResource",
      selector: {
        type: "FragmentSelector",
        conformsTo: PDF_FRAGMENTS,
        value: `page=${item.page}`,
        refinedBy: item.selectors,
      },
    },
    quorum: { shared: item.shared },
  };
  if (item.note) data.body = noteBody(item.note);
  return data;
}

export class AnnotationStore extends EventTarget {
  constructor(config) {
    super();
    this.config = config;
    this.items = new Map();
    this.notPlaced = [];
    this.pendingCount = 0;
    this.state = "loading"; // loading, synced, offline, syncing, waiting, signed-out
    this.message = "";
    this.syncing = null;
    this.loaded = false;
    this.retryTimer = null;
  }

  async load() {
    this.db = await openOutbox(this.config.userId);
    try {
      const response = await fetch(this.config.annotationsUrl, {
        credentials: "same-origin",
        headers: { Accept: LD },
      });
      if (response.ok) {
        const data = await response.json();
        for (const item of data.first.items) this.items.set(item.id, fromLd(item));
        this.notPlaced = (data.quorum?.notPlaced || []).map(fromLd);
        this.loaded = true;
      } else if (response.status === 401) {
        this.state = "signed-out";
      }
    } catch {
      // Offline without a saved copy: only what this device queued shows.
    }
    for (const op of await this.#operations()) this.#applyQueued(op);
    await this.#count();
    this.#changed();
    window.addEventListener("online", () => this.sync());
    window.addEventListener("offline", () => this.#changed());
    this.sync();
    return this;
  }

  list() {
    return [...this.items.values()];
  }

  onPage(page) {
    return this.list().filter((item) => item.page === page);
  }

  get(id) {
    return this.items.get(id) || this.notPlaced.find((item) => item.id === id);
  }

  async create({ motivation, page, selectors, note = "", shared = false }) {
    const id = `local:${crypto.randomUUID()}`;
    const item = {
      id,
      motivation,
      page,
      selectors,
      note,
      shared,
      mine: true,
      author: this.config.userName,
      created: new Date().toISOString(),
      pending: true,
    };
    this.items.set(id, item);
    await this.#queue({ kind: "create", id, payload: toLd(item) });
    return item;
  }

  async update(id, { note, shared }) {
    const item = this.items.get(id) || this.notPlaced.find((entry) => entry.id === id);
    if (!item) return null;
    const patch = {};
    if (note !== undefined && note !== item.note) {
      item.note = note;
      patch.body = noteBody(note);
    }
    if (shared !== undefined && shared !== item.shared) {
      item.shared = shared;
      patch.quorum = { shared };
    }
    if (!Object.keys(patch).length) return item;
    if (item.motivation === "commenting" && !item.note) {
      // A note without text is a plain highlight (or nothing, for a point).
      item.motivation = "highlighting";
      patch.motivation = "highlighting";
    } else if (item.motivation === "highlighting" && item.note) {
      item.motivation = "commenting";
      patch.motivation = "commenting";
    }
    item.pending = true;
    if (id.startsWith("local:")) {
      await this.#rewriteCreate(id, toLd(item));
    } else {
      await this.#queue({ kind: "update", id, payload: patch });
    }
    return item;
  }

  async remove(id) {
    this.items.delete(id);
    this.notPlaced = this.notPlaced.filter((item) => item.id !== id);
    if (id.startsWith("local:")) {
      await this.#dropQueued(id);
      this.#changed();
    } else {
      await this.#queue({ kind: "delete", id });
    }
  }

  /** Send queued changes in order; stop at the first network failure. */
  sync() {
    if (this.syncing) return this.syncing;
    this.syncing = this.#drain().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  async #drain() {
    clearTimeout(this.retryTimer);
    for (;;) {
      const [op] = await this.#operations();
      if (!op) break;
      if (!navigator.onLine) {
        this.state = "offline";
        break;
      }
      this.state = "syncing";
      this.#changed();
      let response;
      try {
        response = await this.#send(op);
      } catch {
        this.state = "waiting";
        break;
      }
      if (response.status === 401) {
        this.state = "signed-out";
        break;
      }
      if (response.status >= 500) {
        this.state = "waiting";
        break;
      }
      await this.#settle(op, response);
    }
    await this.#count();
    if (this.pendingCount) {
      this.retryTimer = setTimeout(() => this.sync(), RETRY_MS);
    } else if (navigator.onLine && this.state !== "signed-out") {
      this.state = "synced";
      if (this.dirtyCopy) {
        // Refresh the copy saved on this device (the service worker does).
        this.dirtyCopy = false;
        fetch(this.config.annotationsUrl, { credentials: "same-origin" }).catch(() => {});
      }
    } else if (!navigator.onLine) {
      this.state = "offline";
    }
    this.#changed();
  }

  #send(op) {
    const headers = {
      Accept: LD,
      "Content-Type": LD,
      "X-CSRFToken": cookie(this.config.csrfCookieName),
    };
    const options = { credentials: "same-origin", headers };
    if (op.kind === "create") {
      return fetch(this.config.annotationsUrl, {
        ...options,
        method: "POST",
        body: JSON.stringify(op.payload),
      });
    }
    if (op.kind === "update") {
      return fetch(op.id, { ...options, method: "PATCH", body: JSON.stringify(op.payload) });
    }
    return fetch(op.id, { ...options, method: "DELETE" });
  }

  async #settle(op, response) {
    await this.#dropSeq(op.seq);
    this.dirtyCopy = true;
    if (op.kind === "delete" && (response.ok || response.status === 404)) return;
    if (!response.ok) {
      let message = response.statusText;
      try {
        message = (await response.json()).error || message;
      } catch {
        // Not JSON (a proxy's page): the status says enough.
      }
      this.message = `Not saved: ${message}`;
      if (op.kind === "create") this.items.delete(op.id);
      return;
    }
    const saved = fromLd(await response.json());
    if (op.kind === "create") {
      this.items.delete(op.id);
      await this.#renameQueued(op.id, saved.id);
      this.dispatchEvent(new CustomEvent("renamed", { detail: { from: op.id, to: saved.id } }));
    }
    const stillQueued = (await this.#operations()).some((queued) => queued.id === saved.id);
    if (this.items.has(saved.id) && stillQueued) return; // newer local edits win
    if (this.items.has(saved.id) || op.kind === "create") this.items.set(saved.id, saved);
  }

  // --- The outbox --------------------------------------------------------

  #store(mode = "readonly") {
    return this.db.transaction("outbox", mode).objectStore("outbox");
  }

  async #operations() {
    const all = await done(this.#store().index("pack").getAll(this.config.packId));
    return all.sort((a, b) => a.seq - b.seq);
  }

  async #queue(op) {
    await done(this.#store("readwrite").add({ ...op, packId: this.config.packId, at: Date.now() }));
    await this.#count();
    this.#changed();
    this.sync();
  }

  async #rewriteCreate(id, payload) {
    for (const op of await this.#operations()) {
      if (op.id === id && op.kind === "create") {
        await done(this.#store("readwrite").put({ ...op, payload }));
      }
    }
    this.#changed();
    this.sync();
  }

  async #dropQueued(id) {
    for (const op of await this.#operations()) {
      if (op.id === id) await this.#dropSeq(op.seq);
    }
    await this.#count();
  }

  async #renameQueued(from, to) {
    for (const op of await this.#operations()) {
      if (op.id === from) await done(this.#store("readwrite").put({ ...op, id: to }));
    }
  }

  async #dropSeq(seq) {
    await done(this.#store("readwrite").delete(seq));
  }

  async #count() {
    this.pendingCount = (await this.#operations()).length;
    const waiting = new Set((await this.#operations()).map((op) => op.id));
    for (const item of this.items.values()) item.pending = waiting.has(item.id);
  }

  /** Show a queued change on screen (after a reload, before it is sent). */
  #applyQueued(op) {
    if (op.kind === "create") {
      const selector = op.payload.target.selector;
      this.items.set(op.id, {
        id: op.id,
        motivation: op.payload.motivation,
        page: Number(selector.value.split("=")[1]),
        selectors: selector.refinedBy || [],
        note: op.payload.body?.value || "",
        shared: Boolean(op.payload.quorum?.shared),
        mine: true,
        author: this.config.userName,
        created: new Date(op.at).toISOString(),
        pending: true,
      });
    } else if (op.kind === "delete") {
      this.items.delete(op.id);
    } else {
      const item = this.items.get(op.id);
      if (!item) return;
      if ("body" in op.payload) item.note = op.payload.body?.value || "";
      if (op.payload.quorum) item.shared = op.payload.quorum.shared;
      if (op.payload.motivation) item.motivation = op.payload.motivation;
      item.pending = true;
    }
  }

  /** The status line: what is saved where. */
  statusText() {
    const n = this.pendingCount;
    const changes = `${n} change${n === 1 ? "" : "s"} waiting`;
    if (this.state === "signed-out") {
      return n ? `Sign in again to save — ${changes}` : "Signed out";
    }
    if (!navigator.onLine) return n ? `Saved offline — ${changes}` : "Offline";
    if (this.state === "syncing") return `Syncing ${n} change${n === 1 ? "" : "s"}…`;
    if (n) return `Saved on this device — ${changes}`;
    if (this.state === "loading") return "Loading…";
    return "Synced";
  }

  #changed() {
    this.dispatchEvent(new Event("change"));
  }
}
