"""Snippets: a text with the words a search matched marked.

The index stores no text, so the caller highlights the text it already has
from the database, and only for the page of results it shows. Words match as
in the search: stemmed ("meetings" marks "meeting"), accents folded, and a
word typed with a trailing ``*`` marks every word it begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.support.charset import accent_map

from .whoosh_mapping import text_analyzer, word_analyzer

ELLIPSIS = "\u2026"


def highlight(
    text: str,
    query,
    *,
    fragments: int = 3,
    fragment_chars: int = 200,
    surround: int = 50,
) -> SafeString:
    """`text` as HTML: the best `fragments` passages around matched words,
    each word in ``<mark>``, everything else escaped. `query` is a query
    string or a modelsearch query object (negated parts are not marked).
    Without a match, the beginning of the text."""
    if not text:
        return mark_safe("")
    stems, prefixes = query_words(query)
    matched = _matched_words(text, stems, prefixes)
    if not matched:
        return mark_safe(escape(_beginning(text, fragment_chars)))
    passages = _passages(text, matched, fragment_chars, surround)
    best = sorted(passages, key=lambda p: (-len(p.words), p.start))[:fragments]
    best.sort(key=lambda passage: passage.start)
    html = f" {ELLIPSIS} ".join(passage.html(text) for passage in best)
    if best[0].start > 0:
        html = ELLIPSIS + html
    if best[-1].end < len(text):
        html += ELLIPSIS
    return mark_safe(html)


def query_words(query) -> tuple[frozenset[str], tuple[str, ...]]:
    """The stems a query looks for, and the prefixes of its ``word*``s."""
    from modelsearch import query as ms

    stems, prefixes = set(), []

    def visit(node):
        if isinstance(node, str):
            node = ms.PlainText(node)
        if isinstance(node, ms.Not):
            return
        if isinstance(node, ms.And | ms.Or):
            for sub in node.subqueries:
                visit(sub)
        elif isinstance(node, ms.Boost):
            visit(node.subquery)
        elif hasattr(node, "query_string"):
            for chunk in node.query_string.split():
                words = [token.text for token in word_analyzer()(chunk)]
                if chunk.endswith("*") and words:
                    prefixes.append(words[-1])
                    words = words[:-1]
                stems.update(token.text for token in text_analyzer()(" ".join(words)))

    visit(query)
    return frozenset(stems), tuple(prefixes)


def _matched_words(text: str, stems, prefixes) -> list[tuple[int, int]]:
    """(start, end) of each word of `text` the query matches. Words are
    folded and stemmed as the index does (`text_analyzer`); a stem begins
    like its word (Porter only rewrites endings), so only words beginning
    like a query word, or with letters to fold, are looked at."""
    if not stems and not prefixes:
        return []
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lengthen when lowercased
        lowered = "".join(char.lower()[:1] for char in text)
    candidates = _candidates(frozenset(word[:3] for word in (*stems, *prefixes)))
    hits = {
        word
        for word in set(candidates.findall(lowered))
        if _matches(word, stems, prefixes)
    }
    if not hits:
        return []
    return [
        found.span() for found in candidates.finditer(lowered) if found.group() in hits
    ]


@lru_cache(maxsize=1000)
def _candidates(beginnings: frozenset[str]) -> re.Pattern:
    """Words that begin with one of `beginnings`, or hold a letter beyond
    ASCII (folded before comparing)."""
    alternatives = "|".join(re.escape(b) for b in sorted(beginnings, key=len))
    return re.compile(rf"\b(?:(?:{alternatives})\w*|\w*[^\x00-\x7f]\w*)(?:\.\w+)*")


def _matches(word: str, stems, prefixes) -> bool:
    if not word.isascii():
        word = word.translate(accent_map)
    return bool(prefixes and word.startswith(prefixes)) or _stem(word) in stems


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str | None:
    """The indexed form of one folded word; None for a stop word."""
    for token in text_analyzer()(word, mode="query", removestops=False):
        return None if token.stopped else token.text
    return None


@dataclass
class _Passage:
    start: int
    end: int
    words: list[tuple[int, int]]

    def html(self, text: str) -> str:
        parts, at = [], self.start
        for start, end in self.words:
            parts += [escape(text[at:start]), f"<mark>{escape(text[start:end])}</mark>"]
            at = end
        parts.append(escape(text[at : self.end]))
        return "".join(parts)


def _passages(text: str, matched, length: int, surround: int) -> list[_Passage]:
    """Matched words gathered into passages of at most about `length`
    characters, with up to `surround` characters of context around them,
    cut between words."""
    passages: list[_Passage] = []
    for start, end in matched:
        current = passages[-1] if passages else None
        if current is not None and end - current.start <= length:
            current.words.append((start, end))
            continue
        begin = max(0, start - surround)
        if current is not None:
            begin = max(begin, current.words[-1][1])
        if begin > 0:
            space = text.find(" ", begin, start)
            begin = start if space < 0 else space + 1
        passages.append(_Passage(begin, end, [(start, end)]))
    for passage, following in zip(passages, passages[1:] + [None], strict=True):
        last = passage.words[-1][1]
        stop = min(len(text) if following is None else following.start, last + surround)
        if stop < len(text):
            space = text.rfind(" ", last, stop)
            stop = last if space < 0 else space
        passage.end = stop
    return passages


def _beginning(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(None, 1)[0]
    return cut + ELLIPSIS
