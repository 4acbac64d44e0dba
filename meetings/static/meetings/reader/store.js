// The member's annotations of one pack: read from /api/annotations/ (or the
// copy saved on this device), written through an outbox in IndexedDB so
// that changes made offline are kept and sent when the connection returns.
//
// Every change is applied on screen at once, queued, then sent in order.
// A network failure or a server error (5xx) leaves the queue for the next
// try. A new or changed annotation the server refuses (4xx: a rule it
// enforces, a pack withdrawn, a permission lost) is kept on this device as
// "not synced", with the server's reason, until the member copies its text,
// tries again or discards it: a refusal never loses what she wrote. A
// refused deletion only says so; the annotation comes back from the server.

const ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld";
const PDF_FRAGMENTS = "http://tools.ietf.org/rfc/rfc3778";
const LD = "application/ld+json";
const RETRY_MS = 15000;
// Answers worth trying again later, like a server error.
const TRANSIENT = new Set([408, 425, 429]);

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

function selectorOf(selectors, type) {
  return (selectors || []).find((selector) => selector.type === type);
}

/** What a refused change was, in the words of the notes list. */
function refusedLabel(op, item) {
  if (op.kind === "create") {
    const selectors = op.payload.target.selector.refinedBy;
    if (op.payload.motivation === "drawing") return "New drawing";
    if (selectorOf(selectors, "TextQuoteSelector")) {
      return op.payload.body ? "New highlight with note" : "New highlight";
    }
    return "New note";
  }
  if ("body" in op.payload) return item?.motivation === "drawing" ? "Note on a drawing" : "Change to a note";
  return op.payload.quorum?.shared ? "Sharing" : "Making private";
}

/** A change the server refused, as the notes list shows it. */
function describeRefused(op, item) {
  const created = op.kind === "create";
  const selectors = created ? op.payload.target.selector.refinedBy : item?.selectors;
  return {
    seq: op.seq,
    kind: op.kind,
    id: op.id,
    label: refusedLabel(op, item),
    reason: op.refused.reason,
    note: "body" in op.payload ? op.payload.body?.value || "" : item?.note || "",
    quote: selectorOf(selectors, "TextQuoteSelector")?.exact || "",
    page: created ? Number(op.payload.target.selector.value.split("=")[1]) : item?.page,
  };
}

/** The server's reason for refusing a change, in words a member reads. */
async function refusalReason(response) {
  try {
    const { error } = await response.json();
    if (error) return error;
  } catch {
    // Not JSON (a proxy's page, Django's CSRF page): the status says enough.
  }
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  return `the server refused the change (${status}).`;
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
    this.refused = []; // changes the server refused, kept for the member
    this.pendingCount = 0;
    this.state = "loading"; // loading, synced, offline, syncing, waiting, signed-out
    this.message = "";
    this.syncing = null;
    this.loaded = false;
    this.stale = false; // a change was refused: fetch the server's list again
    this.retryTimer = null;
  }

  async load() {
    this.db = await openOutbox(this.config.userId);
    await this.#fetchItems();
    await this.#count();
    this.#changed();
    window.addEventListener("online", () => this.sync());
    window.addEventListener("offline", () => this.#changed());
    this.sync();
    return this;
  }

  /** The annotations as the server has them, with this device's queued
   * changes applied on top. */
  async #fetchItems() {
    try {
      const response = await fetch(this.config.annotationsUrl, {
        credentials: "same-origin",
        headers: { Accept: LD },
      });
      if (response.ok) {
        const data = await response.json();
        const fresh = new Map(data.first.items.map((item) => [item.id, fromLd(item)]));
        // Made here while the list was on its way: their change is queued.
        for (const [id, item] of this.items) if (id.startsWith("local:")) fresh.set(id, item);
        this.items = fresh;
        this.notPlaced = (data.quorum?.notPlaced || []).map(fromLd);
        this.loaded = true;
      } else if (response.status === 401) {
        this.state = "signed-out";
      }
    } catch {
      // Offline without a saved copy: only what this device queued shows.
    }
    for (const op of await this.#operations()) this.#applyQueued(op);
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

  /** Send a refused change again (after the reason was dealt with). */
  async retry(seq) {
    const op = (await this.#refusedOperations()).find((entry) => entry.seq === seq);
    if (!op) return;
    await this.#dropSeq(seq);
    const again = { kind: op.kind, id: op.id, payload: op.payload };
    this.#applyQueued({ ...again, at: op.at });
    await this.#queue(again);
  }

  /** Forget a refused change (its text is lost: the reader asks first). */
  async discard(seq) {
    await this.#dropSeq(seq);
    await this.#count();
    this.#changed();
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
      if (response.status >= 500 || TRANSIENT.has(response.status)) {
        this.state = "waiting";
        break;
      }
      await this.#settle(op, response);
    }
    if (this.stale && navigator.onLine) {
      // A change was refused: show the annotations as the server has them.
      this.stale = false;
      await this.#fetchItems();
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
    this.dirtyCopy = true;
    if (!response.ok && !(op.kind === "delete" && response.status === 404)) {
      await this.#refuse(op, response);
      return;
    }
    await this.#dropSeq(op.seq);
    if (op.kind === "delete") return;
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

  /** Keep a refused creation or change, with its reason, off the queue. */
  async #refuse(op, response) {
    const reason = await refusalReason(response);
    this.stale = true;
    if (op.kind === "delete") {
      await this.#dropSeq(op.seq);
      this.message = `Not deleted: ${reason}`;
      return;
    }
    await done(this.#store("readwrite").put({ ...op, refused: { reason, status: response.status } }));
    if (op.kind === "create") this.items.delete(op.id);
  }

  // --- The outbox --------------------------------------------------------

  #store(mode = "readonly") {
    return this.db.transaction("outbox", mode).objectStore("outbox");
  }

  async #allOperations() {
    const all = await done(this.#store().index("pack").getAll(this.config.packId));
    return all.sort((a, b) => a.seq - b.seq);
  }

  /** The queue: changes still to send. */
  async #operations() {
    return (await this.#allOperations()).filter((op) => !op.refused);
  }

  async #refusedOperations() {
    return (await this.#allOperations()).filter((op) => op.refused);
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
    const queued = await this.#operations();
    this.pendingCount = queued.length;
    const waiting = new Set(queued.map((op) => op.id));
    for (const item of this.items.values()) item.pending = waiting.has(item.id);
    this.refused = (await this.#refusedOperations()).map((op) => describeRefused(op, this.items.get(op.id)));
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
    const refused = this.refused.length;
    if (refused) {
      const head =
        refused === 1 ? `Not saved: ${this.refused[0].reason}` : `${refused} changes not saved — see Notes`;
      return n ? `${head} · ${changes}` : head;
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
