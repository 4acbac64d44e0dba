"""Finding an annotated passage again in the text of a document's pages.

Pure functions, no models: an annotation remembers the passage it was made
on as a W3C TextQuoteSelector (the exact words plus a little text before and
after) and a TextPositionSelector (character offsets in its page's text).
When the pack is recompiled or the file replaced, `reanchor` looks for the
quote again, preferring the occurrence whose surroundings match best and
that lies nearest to where it was, and falls back to the old offsets only
when they still point into the same text.

Text extracted from PDFs differs between tools (pdf.js in the reader,
pypdf at ingest) in line breaks, spaces, ligatures and case, so matching
ignores whitespace, soft hyphens, compatibility forms ("ﬁ" is "fi") and
case. Offsets returned are always offsets into the original page text.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# How much of the prefix and suffix decides between equal quotes.
CONTEXT_CHARS = 32
_IGNORED = frozenset({"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"})


@dataclass(frozen=True)
class TextQuote:
    """The quoted words, with the text just before and after them."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class TextPosition:
    """Character offsets into one page's text: start included, end excluded."""

    start: int
    end: int


@dataclass(frozen=True)
class Anchor:
    """Where a passage is now: a 0-based page index and offsets in its text.

    `method` is "quote" when the quote was found, "position" when the old
    offsets were kept because the text could not be checked.
    """

    page: int
    start: int
    end: int
    exact: str
    method: str


@dataclass(frozen=True)
class _Folded:
    """Text reduced for matching, with the original offset of each character."""

    text: str
    origin: array  # compact: pages are folded once and kept (see _fold)


def fold(text: str) -> str:
    """Text as it is compared: no whitespace, compatibility forms, casefolded."""
    return _fold(text).text


# Re-anchoring looks for many quotes in the same pages: fold each page once.
@lru_cache(maxsize=128)
def _fold(text: str) -> _Folded:
    chars: list[str] = []
    origin = array("I")
    for index, char in enumerate(text):
        if char.isspace() or char in _IGNORED:
            continue
        for folded in unicodedata.normalize("NFKC", char).casefold():
            if folded.isspace():
                continue
            chars.append(folded)
            origin.append(index)
    return _Folded("".join(chars), origin)


def _common_suffix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


@dataclass(frozen=True)
class _Match:
    page: int
    start: int  # offsets in the original page text
    end: int
    context: int  # characters of prefix and suffix that agree


def _matches_on_page(page: int, text: str, quote: TextQuote) -> list[_Match]:
    exact = fold(quote.exact)
    if not exact:
        return []
    folded = _fold(text)
    prefix = fold(quote.prefix)[-CONTEXT_CHARS:]
    suffix = fold(quote.suffix)[:CONTEXT_CHARS]
    matches = []
    at = folded.text.find(exact)
    while at != -1:
        end = at + len(exact)
        before = folded.text[max(0, at - len(prefix)) : at]
        after = folded.text[end : end + len(suffix)]
        matches.append(
            _Match(
                page=page,
                start=folded.origin[at],
                end=folded.origin[end - 1] + 1,
                context=_common_suffix(before, prefix) + _common_prefix(after, suffix),
            )
        )
        at = folded.text.find(exact, at + 1)
    return matches


def find_quote(
    pages: Sequence[str],
    quote: TextQuote,
    *,
    page_hint: int = 0,
    position_hint: TextPosition | None = None,
) -> Anchor | None:
    """The best occurrence of `quote` in `pages`, or None if it is nowhere.

    Best means: the most prefix and suffix characters agree; then the page
    nearest `page_hint`; then the offset nearest `position_hint`.
    """
    matches = [
        match
        for page, text in enumerate(pages)
        for match in _matches_on_page(page, text, quote)
    ]
    if not matches:
        return None
    hint_start = position_hint.start if position_hint else 0

    def rank(match: _Match) -> tuple[int, int, int]:
        return (
            -match.context,
            abs(match.page - page_hint),
            abs(match.start - hint_start),
        )

    best = min(matches, key=rank)
    return Anchor(
        page=best.page,
        start=best.start,
        end=best.end,
        exact=pages[best.page][best.start : best.end],
        method="quote",
    )


def reanchor(
    pages: Sequence[str],
    *,
    page: int,
    quote: TextQuote | None,
    position: TextPosition | None,
    same_text: bool,
) -> Anchor | None:
    """Where a text annotation made on page index `page` belongs in `pages`.

    The quote is looked for first (anywhere, nearest the old place winning
    ties). If it is not found, or there is none, the old page and offsets are
    kept only when `same_text` says the pages are those the annotation was
    made on (the same file: its text cannot have moved, it just could not be
    checked, for example a scan without a text layer or a quote taken from
    the reader's slightly different text). Otherwise None: the annotation
    cannot be placed.
    """
    if quote is not None and quote.exact.strip():
        found = find_quote(pages, quote, page_hint=page, position_hint=position)
        if found is not None:
            return found
    if not same_text or page < 0:
        return None
    text = pages[page] if page < len(pages) else ""
    start, end = (position.start, position.end) if position else (0, 0)
    return Anchor(
        page=page,
        start=start,
        end=end,
        exact=text[start:end] if quote is None else quote.exact,
        method="position",
    )
