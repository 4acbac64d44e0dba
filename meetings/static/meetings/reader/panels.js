// The reader's side panel: the pack's outline (agenda items and their
// attachments), page thumbnails drawn as they scroll into view, and the
// list of annotations (yours, shared by others, not placed).

import { kindLabel, quoteText } from "quorum/annotations";

const THUMB_WIDTH = 112;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The PDF's bookmarks as a nested list of buttons. */
export async function renderOutline({ root, pdf, linkService, onJump }) {
  const outline = await pdf.getOutline();
  root.replaceChildren();
  if (!outline?.length) {
    root.append(element("p", "muted", "This pack has no contents list."));
    return;
  }
  const build = (entries, depth) => {
    const list = element("ul", `outline-list outline-list--${depth}`);
    for (const entry of entries) {
      const li = element("li");
      const button = element("button", "outline-entry", entry.title);
      button.type = "button";
      button.addEventListener("click", async () => {
        await linkService.goToDestination(entry.dest);
        onJump();
      });
      li.append(button);
      if (entry.items?.length) li.append(build(entry.items, depth + 1));
      list.append(li);
    }
    return list;
  };
  root.append(build(outline, 0));
}

/** Thumbnails of every page, each drawn when it scrolls into view. */
export class Thumbnails {
  constructor({ root, pdf, viewer, onJump }) {
    this.root = root;
    this.pdf = pdf;
    this.viewer = viewer;
    this.onJump = onJump;
    this.started = false;
    this.queue = [];
    this.busy = 0;
  }

  start() {
    if (this.started) {
      this.current(this.viewer.currentPageNumber);
      return;
    }
    this.started = true;
    const first = this.viewer.getPageView(0);
    const ratio = first?.viewport ? first.viewport.height / first.viewport.width : 11 / 8.5;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting && !entry.target.dataset.drawn) {
            entry.target.dataset.drawn = "1";
            this.#draw(entry.target);
          }
        }
      },
      { root: this.root, rootMargin: "200px 0px" },
    );
    const fragment = document.createDocumentFragment();
    for (let n = 1; n <= this.pdf.numPages; n += 1) {
      const button = element("button", "thumb");
      button.type = "button";
      button.dataset.page = String(n);
      button.setAttribute("aria-label", `Page ${n}`);
      const frame = element("span", "thumb__frame");
      frame.style.aspectRatio = `1 / ${ratio}`;
      button.append(frame, element("span", "thumb__number", String(n)));
      button.addEventListener("click", () => {
        this.viewer.currentPageNumber = n;
        this.onJump();
      });
      fragment.append(button);
      observer.observe(button);
    }
    this.root.append(fragment);
    this.current(this.viewer.currentPageNumber);
  }

  current(pageNumber) {
    if (!this.started) return;
    this.root.querySelector(".thumb--current")?.classList.remove("thumb--current");
    const button = this.root.querySelector(`[data-page="${pageNumber}"]`);
    if (!button) return;
    button.classList.add("thumb--current");
    if (!this.root.hidden) button.scrollIntoView({ block: "nearest" });
  }

  #draw(button) {
    this.queue.push(button);
    this.#next();
  }

  async #next() {
    if (this.busy >= 2 || !this.queue.length) return;
    const button = this.queue.shift();
    this.busy += 1;
    try {
      const page = await this.pdf.getPage(Number(button.dataset.page));
      const base = page.getViewport({ scale: 1 });
      const scale = (THUMB_WIDTH / base.width) * (window.devicePixelRatio || 1);
      const viewport = page.getViewport({ scale });
      const canvas = element("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
      button.querySelector(".thumb__frame").replaceChildren(canvas);
    } catch (error) {
      button.dataset.drawn = "";
    } finally {
      this.busy -= 1;
      this.#next();
    }
  }
}

/** Put `text` on the clipboard, or, where the browser will not, select it
 * on the page for the member to copy. */
async function copyText(text, node) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(node);
    document.getSelection().removeAllRanges();
    document.getSelection().addRange(range);
    return false;
  }
}

/** A change the server refused: what it was, why, its text, and what to do. */
function refusedEntry(entry, { onRetry, onDiscard }) {
  const li = element("li", "note-entry note-entry--refused");
  li.dataset.refused = String(entry.seq);
  const head = element("p", "note-entry__head");
  head.append(element("span", "note-entry__kind", entry.label));
  if (entry.page) head.append(element("span", "note-entry__page", `p. ${entry.page}`));
  li.append(head, element("p", "note-entry__reason", `Not saved: ${entry.reason}`));
  if (entry.quote) li.append(element("q", "note-entry__quote", entry.quote));
  const text = entry.note ? element("p", "note-entry__note note-entry__note--kept", entry.note) : null;
  if (text) li.append(text);
  const actions = element("div", "note-entry__actions");
  if (text) {
    const copy = element("button", "button", "Copy text");
    copy.type = "button";
    copy.addEventListener("click", async () => {
      copy.textContent = (await copyText(entry.note, text)) ? "Copied" : "Selected — copy it";
    });
    actions.append(copy);
  }
  const retry = element("button", "button", "Try again");
  retry.type = "button";
  retry.addEventListener("click", () => onRetry(entry));
  const discard = element("button", "button button--danger", "Discard");
  discard.type = "button";
  discard.addEventListener("click", () => onDiscard(entry));
  actions.append(retry, discard);
  li.append(actions);
  return li;
}

/** The annotations list: changes not synced, yours, others' shared ones,
 * and those not placed. */
export function renderNotes({ root, store, onOpen, onRetry, onDiscard, countBadge }) {
  const items = store.list().sort((a, b) => a.page - b.page || String(a.created).localeCompare(String(b.created)));
  const mine = items.filter((item) => item.mine);
  const others = items.filter((item) => !item.mine);
  root.replaceChildren();
  if (countBadge) countBadge.textContent = items.length ? `(${items.length})` : "";
  const group = (title, entries, empty) => {
    const section = element("section", "notes-group");
    section.append(element("h3", "notes-group__title", title));
    if (!entries.length) {
      section.append(element("p", "muted", empty));
      return section;
    }
    const list = element("ul", "notes-list");
    for (const item of entries) list.append(entry(item));
    section.append(list);
    return section;
  };
  const entry = (item) => {
    const li = element("li", `note-entry${item.mine ? "" : " note-entry--shared"}`);
    const button = element("button", "note-entry__open");
    button.type = "button";
    button.dataset.annotation = item.id;
    const head = element("span", "note-entry__head");
    head.append(element("span", "note-entry__kind", kindLabel(item)));
    head.append(element("span", "note-entry__page", item.page ? `p. ${item.page}` : ""));
    if (!item.mine) head.append(element("span", "note-entry__author", item.author));
    if (item.mine && item.shared) head.append(element("span", "tag", "Shared"));
    if (item.pending) head.append(element("span", "tag tag--pending", "Waiting to sync"));
    button.append(head);
    const quote = quoteText(item);
    if (quote) button.append(element("q", "note-entry__quote", quote));
    if (item.note) button.append(element("span", "note-entry__note", item.note));
    if (item.orphanReason) button.append(element("span", "note-entry__note muted", item.orphanReason));
    button.addEventListener("click", () => onOpen(item));
    li.append(button);
    return li;
  };
  if (store.refused.length) {
    const section = element("section", "notes-group notes-group--refused");
    section.tabIndex = -1;
    section.dataset.refused = "";
    section.append(element("h3", "notes-group__title", "Not synced"));
    section.append(
      element("p", "muted", "The server refused these changes. Copy your text, try again, or discard them."),
    );
    const list = element("ul", "notes-list");
    for (const entry of store.refused) list.append(refusedEntry(entry, { onRetry, onDiscard }));
    section.append(list);
    root.append(section);
  }
  root.append(group("Yours", mine, "Select text to highlight it, or use Note and Ink."));
  root.append(group("Shared by others", others, "No one has shared an annotation here yet."));
  if (store.notPlaced.length) {
    root.append(group("Not placed in this version", store.notPlaced, ""));
  }
}
