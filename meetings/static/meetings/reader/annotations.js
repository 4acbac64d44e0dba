// Annotations on the pages: highlights found again in pdf.js's text layer,
// notes pinned to a point, freehand ink; and the tools that make them.
//
// Everything drawn is positioned in percent of the page, so it follows zoom
// without being recomputed. Highlights are placed from their quote (the
// TextQuoteSelector) in the page's text layer, ignoring whitespace and case
// as the server does. Notes are shown with textContent, never as HTML.

import { percentRects, quoteRange, quoteSelectors, textIndex } from "quorum/anchoring";

const SVG = "http://www.w3.org/2000/svg";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const ICONS = {
  note: '<path d="M4 5h16v11H9l-5 4z"/>',
  pin: '<path d="M12 21s-6-5.4-6-10a6 6 0 0 1 12 0c0 4.6-6 10-6 10z"/><circle cx="12" cy="11" r="2"/>',
  ink: '<path d="M4 20l1-4L16 5l3 3L8 19z"/>',
  highlight: '<path d="M5 19h14"/><path d="M8 15l7-10 3 2-7 10H8z"/>',
};

/** A small line icon (our own constant markup, never user text). */
function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.innerHTML = ICONS[name];
  return svg;
}

function selectorOf(item, type) {
  return item.selectors.find((selector) => selector.type === type);
}

export function pointOf(item) {
  const fragment = selectorOf(item, "FragmentSelector");
  if (!fragment) return null;
  const [x, y, w, h] = fragment.value.split(":")[1].split(",").map(Number);
  return { x, y, w, h };
}

export function kindLabel(item) {
  if (item.motivation === "drawing") return "Ink";
  if (selectorOf(item, "TextQuoteSelector")) return item.note ? "Highlight with note" : "Highlight";
  return "Note";
}

export function quoteText(item) {
  return selectorOf(item, "TextQuoteSelector")?.exact || "";
}

/** Draws the store's annotations on rendered pages and runs the tools. */
export class PageAnnotations {
  #draft = null; // the stroke being drawn: its pointer, line and points
  #fingers = new Set(); // touch pointers down on a page in ink mode

  constructor({ viewer, eventBus, container, store, config, dialog }) {
    this.viewer = viewer;
    this.container = container;
    this.store = store;
    this.config = config;
    this.dialog = dialog;
    this.mode = "read";
    this.hits = new Map(); // page → [{item, rects}]
    this.ink = new Map(); // page → pending strokes
    // A pointer lifted anywhere (off the page, or after pdf.js redrew it)
    // ends its stroke and is forgotten.
    for (const type of ["pointerup", "pointercancel"]) {
      window.addEventListener(
        type,
        (event) => {
          this.#fingers.delete(event.pointerId);
          if (this.#draft?.pointerId === event.pointerId) this.#finishDraft();
        },
        true,
      );
    }
    eventBus.on("pagerendered", (evt) => this.renderPage(evt.pageNumber));
    eventBus.on("textlayerrendered", (evt) => this.renderPage(evt.pageNumber));
    store.addEventListener("change", () => this.renderAll());
    this.#selectionTools();
    this.#pageTaps();
  }

  pageView(pageNumber) {
    return this.viewer.getPageView(pageNumber - 1);
  }

  renderAll() {
    for (let n = 1; n <= this.viewer.pagesCount; n += 1) {
      const view = this.pageView(n);
      if (view?.div?.querySelector(".q-layer") || view?.renderingState === 3) this.renderPage(n);
    }
  }

  layer(pageNumber) {
    const view = this.pageView(pageNumber);
    if (!view?.div) return null;
    let layer = view.div.querySelector(":scope > .q-layer");
    if (!layer) {
      layer = element("div", "q-layer");
      layer.dataset.page = String(pageNumber);
      view.div.append(layer);
      this.#inkInput(layer, pageNumber);
    }
    return layer;
  }

  renderPage(pageNumber) {
    const layer = this.layer(pageNumber);
    if (!layer) return;
    layer.replaceChildren();
    const box = layer.getBoundingClientRect();
    if (!box.width) return;
    const textLayer = this.pageView(pageNumber).div.querySelector(".textLayer");
    const index = textLayer?.firstChild ? textIndex(textLayer) : null;
    const ink = document.createElementNS(SVG, "svg");
    ink.setAttribute("class", "q-ink");
    ink.setAttribute("viewBox", "0 0 100 100");
    ink.setAttribute("preserveAspectRatio", "none");
    ink.setAttribute("aria-hidden", "true");
    layer.append(ink);
    const hits = [];
    for (const item of this.store.onPage(pageNumber)) {
      const owner = item.mine ? "mine" : "shared";
      const quote = selectorOf(item, "TextQuoteSelector");
      const point = pointOf(item);
      const strokes = selectorOf(item, "InkSelector")?.strokes;
      let anchor = null;
      if (quote) {
        const range = index && quoteRange(index, quote);
        if (!range) continue;
        const rects = percentRects(range, box);
        for (const r of rects) {
          const mark = element("div", `q-hl q-hl--${owner}`);
          Object.assign(mark.style, { left: `${r.x}%`, top: `${r.y}%`, width: `${r.w}%`, height: `${r.h}%` });
          mark.dataset.annotation = item.id;
          layer.append(mark);
        }
        hits.push({ item, rects });
        const last = rects.at(-1);
        if (last) anchor = { x: last.x + last.w, y: last.y };
      } else if (point) {
        anchor = { x: point.x, y: point.y };
      }
      if (strokes) {
        for (const stroke of strokes) {
          const line = document.createElementNS(SVG, "polyline");
          line.setAttribute("points", stroke.map(([x, y]) => `${x * 100},${y * 100}`).join(" "));
          line.setAttribute("class", `q-stroke q-stroke--${owner}`);
          ink.append(line);
        }
        const [x, y] = strokes[0][0];
        anchor = { x: x * 100, y: y * 100 };
      }
      if (anchor) layer.append(this.#badge(item, anchor, Boolean(point && !quote)));
    }
    this.hits.set(pageNumber, hits);
    this.#drawPendingInk(pageNumber, ink);
  }

  #badge(item, anchor, isPin) {
    const owner = item.mine ? "mine" : "shared";
    const badge = element("button", `q-badge q-badge--${owner}${isPin ? " q-pin" : ""}`);
    badge.type = "button";
    badge.dataset.annotation = item.id;
    if (item.pending) badge.classList.add("q-badge--pending");
    badge.style.left = `${Math.min(anchor.x, 97)}%`;
    badge.style.top = `${anchor.y}%`;
    const kind = item.motivation === "drawing" ? "ink" : isPin ? "pin" : item.note ? "note" : "highlight";
    badge.append(icon(kind));
    if (!item.mine) badge.append(element("span", "q-badge__author", item.author));
    const who = item.mine ? "Your" : `${item.author}'s`;
    badge.setAttribute("aria-label", `${who} ${kindLabel(item).toLowerCase()}${item.note ? `: ${item.note}` : ""}`);
    badge.addEventListener("click", (event) => {
      event.stopPropagation();
      this.dialog.show(item);
    });
    return badge;
  }

  setMode(mode) {
    if (this.mode === "ink" && mode !== "ink") this.saveInk();
    this.mode = mode;
    document.body.dataset.mode = mode;
    this.#showInkTools();
  }

  // --- Highlighting a selection --------------------------------------------

  #currentSelection() {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    const start = range.startContainer.parentElement?.closest(".page");
    const end = range.endContainer.parentElement?.closest(".page");
    if (!start || start !== end || !start.querySelector(".textLayer")?.contains(range.commonAncestorContainer)) {
      return null;
    }
    return { range, pageNumber: Number(start.dataset.pageNumber), page: start };
  }

  #selectionTools() {
    const tools = document.querySelector("[data-selection-tools]");
    if (!tools || !this.config.canAnnotate) return;
    const place = () => {
      const current = this.mode === "read" && this.#currentSelection();
      if (!current) {
        tools.hidden = true;
        return;
      }
      const rect = current.range.getBoundingClientRect();
      tools.hidden = false;
      const top = Math.min(rect.bottom + 8, window.innerHeight - tools.offsetHeight - 8);
      tools.style.top = `${Math.max(8, top)}px`;
      tools.style.left = `${Math.max(8, Math.min(rect.left, window.innerWidth - tools.offsetWidth - 8))}px`;
    };
    document.addEventListener("selectionchange", () => requestAnimationFrame(place));
    this.container.addEventListener("scroll", () => place(), { passive: true });
    for (const button of tools.querySelectorAll("[data-selection]")) {
      // Keep the selection: act on pointerdown, before it collapses.
      button.addEventListener("pointerdown", (event) => event.preventDefault());
      button.addEventListener("click", () => this.#highlightSelection(button.dataset.selection === "note"));
    }
  }

  async #highlightSelection(withNote) {
    const current = this.#currentSelection();
    if (!current) return;
    const textLayer = current.page.querySelector(".textLayer");
    let selectors;
    try {
      selectors = quoteSelectors(textIndex(textLayer), current.range);
    } catch (error) {
      this.dialog.message(error.message);
      return;
    }
    if (!selectors) return;
    document.getSelection().removeAllRanges();
    const base = { page: current.pageNumber, selectors };
    if (!withNote) {
      await this.store.create({ ...base, motivation: "highlighting" });
      return;
    }
    this.dialog.compose({
      title: "Highlight and note",
      quote: selectors[0].exact,
      save: ({ note, shared }) =>
        this.store.create({ ...base, motivation: note ? "commenting" : "highlighting", note, shared }),
    });
  }

  // --- Tapping the page: open a highlight, or pin a note ---------------------

  #pageTaps() {
    this.container.addEventListener("click", (event) => {
      const page = event.target.closest?.(".page");
      if (!page || event.target.closest(".q-badge, .annotationLayer a")) return;
      const pageNumber = Number(page.dataset.pageNumber);
      const layer = page.querySelector(":scope > .q-layer");
      if (!layer) return;
      const box = layer.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * 100;
      const y = ((event.clientY - box.top) / box.height) * 100;
      if (this.mode === "note") {
        this.#pinNote(pageNumber, x, y);
        return;
      }
      if (this.mode !== "read" || !document.getSelection().isCollapsed) return;
      const hit = (this.hits.get(pageNumber) || []).find(({ rects }) =>
        rects.some((r) => x >= r.x && x <= r.x + r.w && y >= r.y - 0.3 && y <= r.y + r.h + 0.3),
      );
      if (hit) this.dialog.show(hit.item);
    });
  }

  #pinNote(pageNumber, x, y) {
    const round = (n) => Math.round(Math.min(100, Math.max(0, n)) * 100) / 100;
    this.dialog.compose({
      title: "Note on this page",
      requireNote: true,
      save: ({ note, shared }) =>
        this.store.create({
          motivation: "commenting",
          page: pageNumber,
          note,
          shared,
          selectors: [
            {
              type: "FragmentSelector",
              conformsTo: "http://www.w3.org/TR/media-frags/",
              value: `xywh=percent:${round(x)},${round(y)},0,0`,
            },
          ],
        }),
    });
  }

  // --- Ink: pen, finger or mouse ------------------------------------------------
  //
  // One stroke is drawn at a time, by the pointer that started it. A second
  // finger on the screen means the fingers are pinching to zoom (pinch.js):
  // the stroke the first one began is dropped.

  #inkInput(layer, pageNumber) {
    const point = (event) => {
      const box = layer.getBoundingClientRect();
      const clamp = (n) => Math.round(Math.min(1, Math.max(0, n)) * 10000) / 10000;
      return [clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)];
    };
    layer.addEventListener("pointerdown", (event) => {
      if (this.mode !== "ink" || event.button > 0) return;
      event.preventDefault();
      if (event.pointerType === "touch") {
        this.#fingers.add(event.pointerId);
        if (this.#fingers.size > 1) {
          if (this.#draft?.pointerType === "touch") this.#dropDraft();
          return;
        }
      }
      if (this.#draft) this.#finishDraft();
      layer.setPointerCapture(event.pointerId);
      const line = document.createElementNS(SVG, "polyline");
      line.setAttribute("class", "q-stroke q-stroke--draft");
      layer.querySelector(".q-ink")?.append(line);
      const { pointerId, pointerType } = event;
      this.#draft = { pointerId, pointerType, pageNumber, line, stroke: [point(event)] };
    });
    layer.addEventListener("pointermove", (event) => {
      const draft = this.#draft;
      if (draft?.pointerId !== event.pointerId) return;
      const { stroke } = draft;
      for (const sample of event.getCoalescedEvents?.() || [event]) {
        // Points closer than a fifth of a percent of the page add nothing
        // but weight (the server takes up to 20,000 per drawing).
        const next = point(sample);
        const [x, y] = stroke[stroke.length - 1];
        if (Math.hypot(next[0] - x, next[1] - y) >= 0.002) stroke.push(next);
      }
      draft.line.setAttribute("points", stroke.map(([x, y]) => `${x * 100},${y * 100}`).join(" "));
    });
  }

  #finishDraft() {
    const { pageNumber, stroke } = this.#draft;
    this.#draft = null;
    if (stroke.length === 1) stroke.push([...stroke[0]]);
    const strokes = this.ink.get(pageNumber) || [];
    strokes.push(stroke);
    this.ink.set(pageNumber, strokes);
    this.#showInkTools();
  }

  #dropDraft() {
    this.#draft?.line.remove();
    this.#draft = null;
  }

  #drawPendingInk(pageNumber, svg) {
    for (const stroke of this.ink.get(pageNumber) || []) {
      const line = document.createElementNS(SVG, "polyline");
      line.setAttribute("class", "q-stroke q-stroke--draft");
      line.setAttribute("points", stroke.map(([x, y]) => `${x * 100},${y * 100}`).join(" "));
      svg.append(line);
    }
    if (this.#draft?.pageNumber === pageNumber) svg.append(this.#draft.line);
  }

  #showInkTools() {
    const tools = document.querySelector("[data-ink-tools]");
    if (!tools) return;
    const count = [...this.ink.values()].reduce((n, strokes) => n + strokes.length, 0);
    tools.hidden = this.mode !== "ink";
    tools.querySelector("[data-ink-count]").textContent = count
      ? `${count} stroke${count === 1 ? "" : "s"} drawn`
      : "Draw on the page with a pen or finger.";
    for (const button of tools.querySelectorAll("button")) button.disabled = !count;
  }

  async saveInk() {
    const drawn = [...this.ink.entries()];
    this.ink.clear();
    this.#showInkTools();
    for (const [page, strokes] of drawn) {
      await this.store.create({
        motivation: "drawing",
        page,
        selectors: [{ type: "InkSelector", strokes }],
      });
    }
  }

  discardInk() {
    const pages = [...this.ink.keys()];
    this.ink.clear();
    this.#showInkTools();
    for (const page of pages) this.renderPage(page);
  }
}
