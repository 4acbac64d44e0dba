// Finding a highlight's words again in pdf.js's text layer, and turning a
// selection into W3C selectors. Matching ignores whitespace, soft hyphens,
// compatibility forms and case, as the server does (meetings/anchoring.py),
// because pdf.js and pypdf extract a page's text a little differently.

const IGNORED = /[\s\u00ad\u200b\u200c\u200d\ufeff]/;
const CONTEXT = 32;
const QUOTE_MAX = 2000;

function fold(text) {
  let folded = "";
  for (const char of text || "") {
    if (!IGNORED.test(char)) folded += char.normalize("NFKC").toLowerCase();
  }
  return folded;
}

/** The text of a page's text layer: joined (a space between text nodes)
 * and folded, with the node and offset of each folded character. */
export function textIndex(textLayer) {
  const walker = document.createTreeWalker(textLayer, NodeFilter.SHOW_TEXT);
  const nodes = [];
  const origin = [];
  let joined = "";
  let folded = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (joined && !/\s$/.test(joined)) joined += " ";
    nodes.push({ node, start: joined.length });
    const data = node.data;
    for (let offset = 0; offset < data.length; offset += 1) {
      const char = data[offset];
      if (IGNORED.test(char)) continue;
      for (const piece of char.normalize("NFKC").toLowerCase()) {
        folded += piece;
        origin.push([nodes.length - 1, offset]);
      }
    }
    joined += data;
  }
  return { nodes, origin, joined, folded };
}

/** W3C selectors for a selected range of a page's text layer, or null. */
export function quoteSelectors(index, range) {
  let start = null;
  let end = null;
  for (const entry of index.nodes) {
    if (!range.intersectsNode(entry.node)) continue;
    const from = entry.node === range.startContainer ? range.startOffset : 0;
    const to = entry.node === range.endContainer ? range.endOffset : entry.node.length;
    if (to <= from) continue;
    if (start === null) start = entry.start + from;
    end = entry.start + to;
  }
  if (start === null) return null;
  const text = index.joined;
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  const exact = text.slice(start, end).replace(/\s+/g, " ");
  if (!exact) return null;
  if (exact.length > QUOTE_MAX) throw new Error(`Highlights are limited to ${QUOTE_MAX} characters.`);
  return [
    {
      type: "TextQuoteSelector",
      exact,
      prefix: text.slice(Math.max(0, start - CONTEXT), start).replace(/\s+/g, " "),
      suffix: text.slice(end, end + CONTEXT).replace(/\s+/g, " "),
    },
    { type: "TextPositionSelector", start, end },
  ];
}

function sharedTail(a, b) {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n += 1;
  return n;
}

function sharedHead(a, b) {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n += 1;
  return n;
}

/** A DOM range over the quote in the page's text, the occurrence whose
 * surroundings match best; null when the words are not on the page. */
export function quoteRange(index, quote) {
  const target = fold(quote.exact);
  if (!target) return null;
  const prefix = fold(quote.prefix);
  const suffix = fold(quote.suffix);
  let best = -1;
  let bestScore = -1;
  for (let at = index.folded.indexOf(target); at !== -1; at = index.folded.indexOf(target, at + 1)) {
    const before = index.folded.slice(Math.max(0, at - prefix.length), at);
    const after = index.folded.slice(at + target.length, at + target.length + suffix.length);
    const score = sharedTail(before, prefix) + sharedHead(after, suffix);
    if (score > bestScore) {
      best = at;
      bestScore = score;
    }
  }
  if (best < 0) return null;
  const [startNode, startOffset] = index.origin[best];
  const [endNode, endOffset] = index.origin[best + target.length - 1];
  const range = document.createRange();
  range.setStart(index.nodes[startNode].node, startOffset);
  range.setEnd(index.nodes[endNode].node, endOffset + 1);
  return range;
}

/** The range's line boxes in percent of `box`, one per line. */
export function percentRects(range, box) {
  const lines = [];
  for (const rect of range.getClientRects()) {
    if (rect.width < 1 || rect.height < 1) continue;
    const r = {
      x: ((rect.left - box.left) / box.width) * 100,
      y: ((rect.top - box.top) / box.height) * 100,
      w: (rect.width / box.width) * 100,
      h: (rect.height / box.height) * 100,
    };
    const line = lines.find((l) => Math.abs(l.y - r.y) < l.h / 2 && r.x <= l.x + l.w + 1 && r.x + r.w >= l.x - 1);
    if (line) {
      const right = Math.max(line.x + line.w, r.x + r.w);
      line.x = Math.min(line.x, r.x);
      line.w = right - line.x;
      line.h = Math.max(line.h, r.h);
    } else {
      lines.push(r);
    }
  }
  return lines;
}
