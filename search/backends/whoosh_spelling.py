"""Spelling suggestions ("did you mean") from the documents a filter allows.

Every document indexes its words, unstemmed, in ``m__spell``. Candidates for
a word are found in that field's lexicon with whoosh's Levenshtein automata,
but the lexicon spans all documents, also those a restricted user may not
see, so it only *proposes*: a candidate is suggested only if
``Term(m__spell, word) AND <filter>`` matches a document, where the filter is
the very one the search applies (content type, visibility and any other
queryset filter). A word that occurs only in hidden documents is therefore
never suggested, and candidates are ranked by edit distance and then by the
number of *allowed* documents containing them. Checking a candidate walks
its posting list against the search's cached set of allowed documents and
stops at the first hit, so this stays fast for any filter; at most
`CANDIDATES_CHECKED` candidates per word are checked, picked by edit distance
and index-wide frequency (the order of checking is all that frequency
decides).
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.support.levenshtein import distance

from .whoosh_mapping import SPELLING, spelling_analyzer

CANDIDATES_CHECKED = 40
FREQUENCY_CAP = 1000


def spelling_suggestions(searcher, allowed, text: str, *, limit: int = 5) -> list[str]:
    """Corrected versions of `text`, best first (see the module docstring);
    `allowed` holds the allowed document numbers, or is None for all."""
    words = [
        (token.text, token.startchar, token.endchar)
        for token in spelling_analyzer()(text, chars=True)
    ]
    options: dict[int, list[tuple[int, int, str]]] = {}
    for position, (word, _start, _end) in enumerate(words):
        if _documents(searcher, allowed, word, cap=1):
            continue
        candidates = _candidates(searcher, allowed, word, limit)
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


def _candidates(searcher, allowed, word: str, limit: int) -> list[tuple[int, int, str]]:
    maxdist = 1 if len(word) <= 4 else 2
    found = set()
    for leaf, _offset in searcher.reader().leaf_readers():
        found.update(leaf.terms_within(SPELLING, word, maxdist, prefix=1))
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
        count = _documents(searcher, allowed, candidate, cap=FREQUENCY_CAP)
        if count:
            checked.append((distance(word, candidate), -count, candidate))
    checked.sort()
    return checked[:limit]


def _documents(searcher, allowed, word: str, *, cap: int) -> int:
    """How many allowed documents contain `word`, counting up to `cap`."""
    count = 0
    for docnum in searcher.docs_for_query(wq.Term(SPELLING, word)):
        if allowed is None or docnum in allowed:
            count += 1
            if count >= cap:
                break
    return count


def _replace(text: str, words, variant: dict) -> str:
    for position in sorted(variant, reverse=True):
        _typed, start, end = words[position]
        suggestion = variant[position][2]
        if text[start:end][:1].isupper():
            suggestion = suggestion.capitalize()
        text = text[:start] + suggestion + text[end:]
    return text
