"""Reading what a citizen types into a search box.

Words are all required; "a phrase" in quotes; OR between alternatives
(binding looser than the implicit AND); AND is allowed; NOT or a leading
minus excludes; a trailing * finds words starting so. Whatever is typed,
a query comes out: an unclosed quote is closed, stray operators are
dropped, and each repair is explained in `notes` for the page to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from modelsearch.query import And, MatchAll, Not, Or, Phrase, PlainText, SearchQuery

# A phrase in quotes, or a run of other characters (parentheses are not
# supported and read as spaces).
_TOKEN = re.compile(r'"([^"]*)"|([^\s"()]+)')
_OPERATORS = {"AND", "OR", "NOT"}
# Characters that are neither word characters nor the prefix star.
_PUNCTUATION = re.compile(r"[^\w*'\-]+", re.UNICODE)
MAX_TERMS = 32


@dataclass
class ParsedQuery:
    query: SearchQuery | None
    text: str
    words: list[str] = field(default_factory=list)  # for highlighting
    notes: list[str] = field(default_factory=list)


@dataclass
class _Term:
    query: SearchQuery
    negated: bool = False


def parse_user_query(text: str) -> ParsedQuery:
    """The search query for `text`, with the repairs made explained."""
    notes: list[str] = []
    text = text.strip()
    if text.count('"') % 2:
        text = text + '"'
        notes.append(_("A closing quotation mark was missing; we added one."))
    groups: list[list[_Term]] = [[]]
    words: list[str] = []
    pending_not = False
    stray: list[str] = []
    term_count = 0
    for match in _TOKEN.finditer(text):
        phrase, bare = match.groups()
        if bare in _OPERATORS:
            if bare == "OR":
                if groups[-1]:
                    groups.append([])
                else:
                    stray.append(bare)
            elif bare == "NOT":
                pending_not = True
            continue
        negated = pending_not
        pending_not = False
        if phrase is not None:
            phrase_words = _words(phrase)
            if not phrase_words:
                continue
            query: SearchQuery = (
                Phrase(" ".join(phrase_words))
                if len(phrase_words) > 1
                else PlainText(phrase_words[0])
            )
            found = phrase_words
        else:
            if bare.startswith("-") and len(bare) > 1:
                negated, bare = True, bare[1:]
            found = _words(bare)
            if not found:
                continue
            query = PlainText(" ".join(found), operator="and")
        term_count += 1
        if term_count > MAX_TERMS:
            notes.append(_("Only the first %(n)d words were used.") % {"n": MAX_TERMS})
            break
        if not negated:
            words += [w.rstrip("*") for w in found]
        groups[-1].append(_Term(query, negated))
    if pending_not:
        stray.append("NOT")
    if groups and not groups[-1] and len(groups) > 1:
        groups.pop()
        stray.append("OR")
    if stray:
        notes.append(
            _("“%(ops)s” had nothing to apply to and was left out.")
            % {"ops": "”, “".join(dict.fromkeys(stray))}
        )
    alternatives = [_group_query(group, notes) for group in groups if group]
    alternatives = [a for a in alternatives if a is not None]
    if not alternatives:
        return ParsedQuery(None, text, words, notes)
    query = alternatives[0] if len(alternatives) == 1 else Or(alternatives)
    return ParsedQuery(query, text, words, notes)


def _group_query(group: list[_Term], notes: list[str]) -> SearchQuery | None:
    positive = [t.query for t in group if not t.negated]
    negative = [Not(t.query) for t in group if t.negated]
    if not positive:
        notes.append(_("Only excluded words were given, so everything else is shown."))
        positive = [MatchAll()]
    parts = positive + negative
    return parts[0] if len(parts) == 1 else And(parts)


def _words(chunk: str) -> list[str]:
    """The searchable words of a chunk: punctuation goes, a trailing * stays."""
    words = []
    for word in _PUNCTUATION.sub(" ", chunk).split():
        word = word.strip("'-")
        star = word.endswith("*")
        word = word.replace("*", "")
        if word:
            words.append(word + ("*" if star else ""))
    return words
