// The board pack reader: pdf.js's viewer with continuous scrolling, loading
// the pack through HTTP range requests on /files/<id>/ so that the first
// page shows before the rest of a long pack has arrived; the outline,
// thumbnails and notes panel; find; zoom, fit-width and pinch to zoom; the
// last position remembered per pack; annotations; offline copies and sync
// status.

import * as pdfjsLib from "pdfjs";
import { PageAnnotations } from "quorum/annotations";
import { NoteDialog } from "quorum/dialog";
import {
  appConfig,
  claimDevice,
  formatBytes,
  offlineMeetings,
  registerServiceWorker,
  removeMeeting,
  saveMeeting,
} from "quorum/offline";
import { Thumbnails, renderNotes, renderOutline } from "quorum/panels";
import { PinchZoom, clampZoom } from "quorum/pinch";
import { AnnotationStore } from "quorum/store";

const config = appConfig();
// pdf_viewer.mjs reads the core library from this global.
globalThis.pdfjsLib = pdfjsLib;

const $ = (selector) => document.querySelector(selector);
const container = $("#viewer-container");
const positionKey = `quorum:u${config.userId}:position:${config.packId}`;
const narrow = window.matchMedia("(max-width: 62rem)");
// The zoom's limits (1 is 100 %): below a phone's fit-width, and no larger
// than a tablet's memory draws sharp (pdf.js's maxCanvasPixels).
const ZOOM = { min: 0.25, max: 4 };
let thumbnails = null;

// The pack starts loading while the viewer module is still arriving, with
// the worker and first ranges reader.html's inline script already started.
const early = window.quorumEarly || { ranges: {} };
pdfjsLib.GlobalWorkerOptions.workerSrc = config.pdfjs.worker;
if (early.worker) pdfjsLib.GlobalWorkerOptions.workerPort = early.worker;

/**
 * The pack, fetched only in the byte ranges pdf.js asks for (HTTP Range
 * requests on /files/<id>/): the first page of a 500-page pack needs its
 * trailer, cross-reference table, page tree and first page, not the rest.
 * The service worker answers the same requests from an offline copy.
 */
class PackRanges extends pdfjsLib.PDFDataRangeTransport {
  constructor(url, length) {
    super(length, null);
    this.url = url;
    this.failed = null;
  }

  requestDataRange(begin, end) {
    this.#fetch(begin, end, 2);
  }

  async #fetch(begin, end, attempts) {
    const started = early.ranges[`${begin}-${end}`];
    if (started) {
      delete early.ranges[`${begin}-${end}`];
      try {
        this.onDataRange(begin, new Uint8Array(await started));
        return;
      } catch {
        // Fetched again below.
      }
    }
    try {
      const response = await fetch(this.url, {
        credentials: "same-origin",
        headers: { Range: `bytes=${begin}-${end - 1}` },
      });
      if (response.status !== 206 && response.status !== 200) {
        throw new Error(`the server answered ${response.status}`);
      }
      let data = new Uint8Array(await response.arrayBuffer());
      if (response.status === 200) data = data.subarray(begin, end);
      this.onDataRange(begin, data);
    } catch (error) {
      if (attempts > 1) {
        setTimeout(() => this.#fetch(begin, end, attempts - 1), 500);
        return;
      }
      this.failed = error;
      showLoadingError(error);
    }
  }
}

function showLoadingError(error) {
  const loading = $("[data-loading]");
  loading.hidden = false;
  loading.textContent = navigator.onLine
    ? `The pack could not be loaded: ${error.message}`
    : "You are offline and this pack is not saved on this device.";
  loading.classList.add("reader-loading--error");
}

const loadingTask = pdfjsLib.getDocument({
  range: new PackRanges(config.packUrl, config.packSize),
  rangeChunkSize: config.rangeChunkSize,
  disableAutoFetch: true,
  disableStream: true,
  cMapUrl: config.pdfjs.cMapUrl,
  cMapPacked: true,
  standardFontDataUrl: config.pdfjs.standardFontDataUrl,
  wasmUrl: config.pdfjs.wasmUrl,
  iccUrl: config.pdfjs.iccUrl,
  isEvalSupported: false,
});

const { EventBus, PDFFindController, PDFLinkService, PDFViewer } = await import("pdfjs-viewer");
const eventBus = new EventBus();
// Jumps (outline, contents links) keep the reader's zoom.
const linkService = new PDFLinkService({ eventBus, ignoreDestinationZoom: true });
const findController = new PDFFindController({ eventBus, linkService });
/**
 * English strings without pdf.js's Fluent machinery, which would translate
 * every one of a long pack's page elements before the first page shows.
 * The pages' labels are set in "pagesinit".
 */
const plainL10n = {
  getLanguage: () => "en-us",
  getDirection: () => "ltr",
  get: async (ids, args, fallback) => (Array.isArray(ids) ? ids.map(() => "") : fallback || ""),
  translate: async () => {},
  translateOnce: async () => {},
  destroy: async () => {},
  pause: () => {},
  resume: () => {},
};
const viewer = new PDFViewer({
  container,
  l10n: plainL10n,
  viewer: $("#viewer"),
  eventBus,
  linkService,
  findController,
  textLayerMode: 1,
  annotationMode: pdfjsLib.AnnotationMode.ENABLE,
  // Tablets have little memory for canvases; pdf.js scales up beyond this.
  maxCanvasPixels: 2 ** 24,
});
linkService.setViewer(viewer);

// --- Opening the pack ------------------------------------------------------

function savedPosition() {
  try {
    return JSON.parse(localStorage.getItem(positionKey) || "null");
  } catch {
    return null;
  }
}

eventBus.on("pagesinit", () => {
  for (let index = 0; index < viewer.pagesCount; index += 1) {
    viewer.getPageView(index).div.setAttribute("aria-label", `Page ${index + 1}`);
  }
  const saved = savedPosition();
  viewer.currentScaleValue = saved?.scale || "page-width";
  clampZoom(viewer, ZOOM); // a zoom saved before the limits were
  const hashPage = Number(/page=([0-9]+)/.exec(window.location.hash)?.[1]);
  if (hashPage) {
    viewer.currentPageNumber = Math.min(hashPage, viewer.pagesCount);
  } else if (saved?.page > 1) {
    viewer.scrollPageIntoView({
      pageNumber: Math.min(saved.page, viewer.pagesCount),
      destArray: [null, { name: "XYZ" }, saved.left ?? null, saved.top ?? null, null],
      allowNegativeOffset: true,
    });
  }
});

// Everything but the first page (outline, annotations, offline copies)
// waits until it is painted, or a few seconds, so as not to slow it down.
let painted = null;
const firstPainted = new Promise((resolve) => {
  painted = resolve;
  setTimeout(resolve, 3000);
});
eventBus.on("pagerendered", (evt) => {
  if (document.body.dataset.firstPage || evt.error) return;
  document.body.dataset.firstPage = String(evt.pageNumber);
  $("[data-loading]").hidden = true;
  requestAnimationFrame(() => {
    // Read by the benchmark (bench/bench_reader.py) and the browser tests.
    performance.mark("quorum:first-page-painted", { detail: { page: evt.pageNumber } });
    painted();
  });
});

let pdf;
try {
  pdf = await loadingTask.promise;
} catch (error) {
  showLoadingError(error);
  throw error;
}
viewer.setDocument(pdf);
linkService.setDocument(pdf, null);

// --- Page number, zoom, position -----------------------------------------

const pageInput = $("[data-page-number]");
eventBus.on("pagechanging", (evt) => {
  pageInput.value = String(evt.pageNumber);
  thumbnails?.current(evt.pageNumber);
});
pageInput.addEventListener("change", () => {
  const page = Math.max(1, Math.min(Number(pageInput.value) || 1, viewer.pagesCount));
  viewer.currentPageNumber = page;
});

const zoomLabel = $("[data-zoom-label]");
const zoomIn = $('[data-zoom="in"]');
const zoomOut = $('[data-zoom="out"]');
eventBus.on("scalechanging", (evt) => {
  zoomLabel.textContent = evt.presetValue === "page-width" ? "Fit width" : `${Math.round(evt.scale * 100)}%`;
  zoomIn.disabled = evt.scale >= ZOOM.max;
  zoomOut.disabled = evt.scale <= ZOOM.min;
});
for (const button of document.querySelectorAll("[data-zoom]")) {
  button.addEventListener("click", () => {
    const action = button.dataset.zoom;
    if (action === "in") viewer.increaseScale();
    else if (action === "out") viewer.decreaseScale();
    else viewer.currentScaleValue = "page-width";
    clampZoom(viewer, ZOOM);
  });
}
const pinch = new PinchZoom({ viewer, container, limits: ZOOM });

let positionTimer = null;
eventBus.on("updateviewarea", (evt) => {
  clearTimeout(positionTimer);
  positionTimer = setTimeout(() => {
    const { pageNumber, top, left } = evt.location;
    const scale = viewer.currentScaleValue;
    localStorage.setItem(positionKey, JSON.stringify({ page: pageNumber, top, left, scale }));
  }, 300);
});

// --- Find -------------------------------------------------------------------

const findbar = $("[data-findbar]");
const findInput = $("[data-find-input]");
const findResult = $("[data-find-result]");
const findToggle = $("[data-toggle-find]");

function find(type, previous = false) {
  const query = findInput.value.trim();
  if (!query) return;
  eventBus.dispatch("find", {
    source: findbar,
    type,
    query,
    caseSensitive: false,
    entireWord: false,
    highlightAll: true,
    findPrevious: previous,
    matchDiacritics: false,
  });
}
findToggle.addEventListener("click", () => {
  findbar.hidden = !findbar.hidden;
  findToggle.setAttribute("aria-expanded", String(!findbar.hidden));
  if (!findbar.hidden) findInput.focus();
});
findInput.addEventListener("input", () => find(""));
findbar.addEventListener("submit", (event) => {
  event.preventDefault();
  find("again");
});
findbar.querySelector('[data-find="previous"]').addEventListener("click", () => find("again", true));
eventBus.on("updatefindmatchescount", ({ matchesCount }) => {
  findResult.textContent = matchesCount.total
    ? `${matchesCount.current} of ${matchesCount.total}`
    : findResult.textContent;
});
eventBus.on("updatefindcontrolstate", ({ state, matchesCount }) => {
  if (state === 1) findResult.textContent = "Not found";
  else if (state === 3) findResult.textContent = "Searching…";
  else if (matchesCount?.total) findResult.textContent = `${matchesCount.current} of ${matchesCount.total}`;
});

// --- Side panel ---------------------------------------------------------------

const panel = $("#reader-panel");
const panelToggle = $("[data-toggle-panel]");

function showPanel(open) {
  panel.hidden = !open;
  document.body.classList.toggle("panel-open", open);
  panelToggle.setAttribute("aria-expanded", String(open));
  if (open && currentTab === "pages") thumbnails.start();
}

function afterJump() {
  if (narrow.matches) showPanel(false);
}

let currentTab = "outline";
function selectTab(name) {
  currentTab = name;
  for (const tab of panel.querySelectorAll("[data-tab]")) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(selected));
    $(`#${tab.getAttribute("aria-controls")}`).hidden = !selected;
  }
  if (name === "pages") thumbnails.start();
}
panelToggle.addEventListener("click", () => showPanel(panel.hidden));
for (const tab of panel.querySelectorAll("[data-tab]")) {
  tab.addEventListener("click", () => selectTab(tab.dataset.tab));
}
if (!narrow.matches && localStorage.getItem("quorum:panel") !== "closed") showPanel(true);
panelToggle.addEventListener("click", () => {
  if (!narrow.matches) localStorage.setItem("quorum:panel", panel.hidden ? "closed" : "open");
});

thumbnails = new Thumbnails({ root: $("[data-thumbnails]"), pdf, viewer, onJump: afterJump });

// --- Annotations ----------------------------------------------------------

const store = new AnnotationStore(config);
const dialog = new NoteDialog({ store, config, root: $("[data-note-dialog]") });
const annotations = new PageAnnotations({ viewer, eventBus, container, store, config, dialog });
const status = $("[data-sync-status]");
const reviewRefused = $("[data-review-refused]");
let messageTimer = null;

function showStatus() {
  const refused = store.refused.length > 0;
  status.textContent = store.message || store.statusText();
  status.dataset.state = store.message || refused ? "error" : navigator.onLine ? store.state : "offline";
  reviewRefused.hidden = !refused;
  if (store.message) {
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => {
      store.message = "";
      showStatus();
    }, 8000);
  }
}

function openAnnotation(item) {
  if (item.page) viewer.currentPageNumber = item.page;
  afterJump();
  dialog.show(item);
}

function confirmDiscard(entry) {
  const what = entry.note ? "Its text will be lost." : "It will be lost.";
  if (window.confirm(`Discard this change, which was not saved? ${what}`)) store.discard(entry.seq);
}

store.addEventListener("change", () => {
  showStatus();
  renderNotes({
    root: $("[data-notes]"),
    store,
    onOpen: openAnnotation,
    onRetry: (entry) => store.retry(entry.seq),
    onDiscard: confirmDiscard,
    countBadge: $("[data-notes-count]"),
  });
});
// The changes the server refused are listed first under Notes.
reviewRefused.addEventListener("click", () => {
  showPanel(true);
  selectTab("notes");
  $("[data-refused]")?.focus();
});
window.addEventListener("online", showStatus);
window.addEventListener("offline", showStatus);

for (const button of document.querySelectorAll("[data-mode]")) {
  if (button.tagName !== "BUTTON") continue;
  button.addEventListener("click", () => {
    annotations.setMode(button.dataset.mode);
    for (const other of document.querySelectorAll("button[data-mode]")) {
      other.setAttribute("aria-checked", String(other === button));
    }
  });
}
$('[data-ink="save"]')?.addEventListener("click", () => annotations.saveInk());
$('[data-ink="discard"]')?.addEventListener("click", () => annotations.discardInk());

// --- Offline ----------------------------------------------------------------

const offlineButton = $("[data-offline-toggle]");

function describeOffline(entry, text) {
  const outdated = entry && entry.packId !== config.packId;
  const label =
    text || (outdated ? "Update the offline copy" : entry ? "Available offline" : "Make available offline");
  offlineButton.setAttribute("aria-pressed", entry && !outdated ? "true" : "false");
  offlineButton.setAttribute("aria-label", label);
  offlineButton.querySelector("[data-offline-label]").textContent = label;
  offlineButton.title = entry?.bytes ? `${formatBytes(entry.bytes)} on this device` : "";
}

offlineButton.addEventListener("click", async () => {
  offlineButton.disabled = true;
  try {
    const saved = offlineMeetings(config.userId)[config.meetingId];
    if (saved && saved.packId === config.packId) {
      await removeMeeting(config.userId, config.meetingId);
      describeOffline(null);
    } else {
      if (!navigator.onLine) throw new Error("offline");
      const entry = await saveMeeting(
        config.userId,
        {
          meetingId: config.meetingId,
          packId: config.packId,
          pages: [config.readerUrl, config.agendaUrl, config.packUrl, config.annotationsUrl],
          shared: [config.portalUrl, ...config.assets],
        },
        (done, total) => describeOffline(null, `Saving… ${done}/${total}`),
      );
      describeOffline(entry);
    }
  } catch (error) {
    describeOffline(null, navigator.onLine ? "Could not save — try again" : "Go online to save");
  } finally {
    offlineButton.disabled = false;
  }
});

await firstPainted;
renderOutline({ root: $("[data-outline]"), pdf, linkService, onJump: afterJump }).catch((error) => {
  $("[data-outline]").textContent = `The contents could not be read: ${error.message}`;
});
// Another user's queued changes and copies are wiped before anything loads.
await claimDevice(config.userId);
describeOffline(offlineMeetings(config.userId)[config.meetingId]);
store.load();
registerServiceWorker(config);

window.quorumReader = { viewer, pdf, eventBus, store, annotations, linkService, pinch, zoomLimits: ZOOM };
