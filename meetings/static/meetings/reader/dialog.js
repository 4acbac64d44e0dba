// The note dialog: write a note, or read, edit, share or delete one. Note
// text is only ever shown with textContent.

import { kindLabel, pointOf, quoteText } from "quorum/annotations";

/** The note dialog: write a new note, or read, edit, share or delete one. */
export class NoteDialog {
  constructor({ store, config, root }) {
    this.store = store;
    this.config = config;
    this.root = root;
    this.form = root.querySelector("[data-note-form]");
    this.parts = Object.fromEntries(
      ["title", "meta", "quote", "text", "label", "body", "share", "share-label", "save", "delete", "cancel"].map(
        (name) => [name, root.querySelector(`[data-note-${name}]`)],
      ),
    );
    this.root.addEventListener("close", () => this.#closed());
  }

  #reset({ title, quote = "", meta = "" }) {
    const p = this.parts;
    p.title.textContent = title;
    p.meta.textContent = meta;
    p.quote.textContent = quote;
    p.quote.hidden = !quote;
    p.text.hidden = true;
    p.text.textContent = "";
    p.body.value = "";
    p.body.hidden = false;
    p.label.hidden = false;
    p.share.checked = false;
    p["share-label"].hidden = false;
    p.save.hidden = false;
    p.delete.hidden = true;
    p.cancel.textContent = "Cancel";
    this.root.returnValue = "";
  }

  compose({ title, quote, save, requireNote = false }) {
    this.#reset({ title, quote });
    this.parts.body.required = requireNote;
    this.onSave = () => save({ note: this.parts.body.value.trim(), shared: this.parts.share.checked });
    this.onDelete = null;
    this.root.showModal();
    this.parts.body.focus();
  }

  show(item) {
    const when = item.created ? new Date(item.created).toLocaleString() : "";
    const status = item.pending ? " · waiting to sync" : "";
    const sharing = item.mine ? (item.shared ? " · shared" : " · private") : " · shared with the body";
    this.#reset({
      title: item.mine ? `Your ${kindLabel(item).toLowerCase()}` : `${kindLabel(item)} by ${item.author}`,
      quote: quoteText(item),
      meta: `Page ${item.page}${sharing}${when ? ` · ${when}` : ""}${status}`,
    });
    const p = this.parts;
    if (!item.mine || !this.config.canAnnotate) {
      p.text.textContent = item.note || "(no note)";
      p.text.hidden = false;
      p.body.hidden = true;
      p.label.hidden = true;
      p["share-label"].hidden = true;
      p.save.hidden = true;
      p.cancel.textContent = "Close";
      this.onSave = null;
      this.onDelete = null;
    } else {
      p.body.value = item.note;
      p.body.required = Boolean(pointOf(item)) && !quoteText(item);
      p.share.checked = item.shared;
      p.delete.hidden = false;
      this.onSave = () => this.store.update(item.id, { note: p.body.value.trim(), shared: p.share.checked });
      this.onDelete = () => this.store.remove(item.id);
    }
    this.root.showModal();
  }

  message(text) {
    this.#reset({ title: "Not saved", meta: text });
    this.parts.body.hidden = true;
    this.parts.label.hidden = true;
    this.parts["share-label"].hidden = true;
    this.parts.save.hidden = true;
    this.parts.cancel.textContent = "Close";
    this.onSave = null;
    this.root.showModal();
  }

  #closed() {
    const action = this.root.returnValue;
    if (action === "save" && this.onSave) this.onSave();
    if (action === "delete" && this.onDelete) this.onDelete();
    this.onSave = null;
    this.onDelete = null;
  }
}
