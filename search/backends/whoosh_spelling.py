"""Spelling suggestions ("did you mean") from the documents a filter allows.

Every document indexes its words, unstemmed, in ``m__spell``. Candidates for
a word are found in that field's lexicon (`_Lexicon`), but the lexicon spans
all documents, also those a restricted user may not see, so it only
*proposes*: a candidate is suggested only if ``Term(m__spell, word) AND
<filter>`` matches a document, where the filter is the very one the search
applies (content type, visibility and any other queryset filter). A word
that occurs only in hidden documents is therefore never suggested, and
candidates are ranked by edit distance and then by the number of *allowed*
documents containing them. Checking a candidate counts its cached posting
list against the search's cached allowed documents, so this stays fast for
any filter; at most `CANDIDATES_CHECKED` candidates per word are checked,
picked by edit distance and index-wide frequency (the order of checking is
all that frequency decides).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.support.levenshtein import distance

from .whoosh_mapping import SPELLING, spelling_analyzer
from .whoosh_segments import SegmentCache

CANDIDATES_CHECKED = 40


def spelling_suggestions(
    searcher, allowed, text: str, cache: SegmentCache, *, limit: int = 5
) -> list[str]:
    """Corrected versions of `text`, best first (see the module docstring);
    `allowed` holds the allowed document numbers, or is None for all."""
    words = [
        (token.text, token.startchar, token.endchar)
        for token in spelling_analyzer()(text, chars=True)
    ]
    documents = _Documents(searcher, allowed, cache)
    options: dict[int, list[tuple[int, int, str]]] = {}
    for position, (word, _start, _end) in enumerate(words):
        if documents.count(word):
            continue
        candidates = _candidates(searcher, documents, cache, word, limit)
        if candidates:
            options[position] = candidates
    if not options:
        return []
    best = {position: choices[0] for position, choices in options.items()}
    variants = [best]
    others = sorted(
        (choice[:2], position, choice)
        for position, choices in options.items()
        for choice in choices[1:]
    )
    for _rank, position, choice in others:
        variants.append(best | {position: choice})
    suggestions = []
    for variant in variants:
        suggestion = _replace(text, words, variant)
        if suggestion not in suggestions:
            suggestions.append(suggestion)
    return suggestions[:limit]


def _candidates(searcher, documents, cache, word: str, limit: int):
    maxdist = 1 if len(word) <= 4 else 2
    found = set()
    for leaf, _offset in searcher.leaf_searchers():
        found.update(_lexicon(leaf.reader(), cache).within(word, maxdist))
    found.discard(word)
    reader = searcher.reader()
    proposed = sorted(
        found,
        key=lambda candidate: (
            distance(word, candidate),
            -reader.doc_frequency(SPELLING, candidate),
            candidate,
        ),
    )[:CANDIDATES_CHECKED]
    checked = []
    for candidate in proposed:
        count = documents.count(candidate)
        if count:
            checked.append((distance(word, candidate), -count, candidate))
    checked.sort()
    return checked[:limit]


class _Documents:
    """Counts of allowed documents holding a word."""

    def __init__(self, searcher, allowed, cache: SegmentCache):
        self.cache = cache
        self.segments = []
        for number, (leaf, _offset) in enumerate(searcher.leaf_searchers()):
            reader = leaf.reader()
            keep = cache.live(reader)
            if allowed is not None:
                keep = keep & allowed.segment_mask(number)
            self.segments.append((reader, keep))

    def count(self, word: str) -> int:
        total = 0
        text = word.encode("utf-8")
        for reader, keep in self.segments:
            postings = self.cache.postings(reader, SPELLING, text)
            if postings is not None:
                total += int(keep[postings.ids].sum())
        return total


ALPHABET = 27  # a-z, then every other character


@dataclass(frozen=True)
class _Lexicon:
    """A segment's spelling words with their first letter, length and letter
    counts: a word within n edits of another has the same first letter here
    (as whoosh's ``prefix=1``), a length within n and letter counts within
    2n, which rules out almost the whole lexicon with a few array operations
    before edit distances are computed."""

    words: list[str]
    first: np.ndarray
    lengths: np.ndarray
    letters: np.ndarray  # one row of ALPHABET counts per word

    def within(self, word: str, maxdist: int) -> list[str]:
        if not word or not self.words:
            return []
        near = (self.first == ord(word[0])) & (
            np.abs(self.lengths - len(word)) <= maxdist
        )
        rows = np.flatnonzero(near)
        counts = _letter_counts([word])[0]
        close = np.abs(self.letters[rows] - counts).sum(axis=1) <= 2 * maxdist
        candidates = (self.words[row] for row in rows[close].tolist())
        return [c for c in candidates if distance(word, c) <= maxdist]


def _lexicon(reader, cache: SegmentCache) -> _Lexicon:
    def read() -> _Lexicon:
        words = [text.decode("utf-8") for text in reader.lexicon(SPELLING)]
        return _Lexicon(
            words,
            np.fromiter((ord(w[0]) if w else 0 for w in words), np.int64, len(words)),
            np.fromiter(map(len, words), np.int64, len(words)),
            _letter_counts(words),
        )

    return cache.remember(reader, ("lexicon", SPELLING), read)


def _letter_counts(words: list[str]) -> np.ndarray:
    counts = np.zeros((len(words), ALPHABET), np.int16)
    if not words:
        return counts
    joined = np.frombuffer("".join(words).encode("utf-32-le"), np.uint32)
    owner = np.repeat(np.arange(len(words)), [len(w) for w in words])
    letter = joined.astype(np.int64) - ord("a")
    letter[(letter < 0) | (letter >= ALPHABET - 1)] = ALPHABET - 1
    np.add.at(counts, (owner, letter), 1)
    return counts


def _replace(text: str, words, variant: dict) -> str:
    for position in sorted(variant, reverse=True):
        _typed, start, end = words[position]
        suggestion = variant[position][2]
        if text[start:end][:1].isupper():
            suggestion = suggestion.capitalize()
        text = text[:start] + suggestion + text[end:]
    return text
