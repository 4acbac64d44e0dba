"""Snippets: a text with the words a search matched marked.

The index stores no text, so the caller highlights the text it already has
from the database, and only for the page of results it shows. Words match as
in the search: stemmed ("meetings" marks "meeting"), accents folded, and a
word typed with a trailing ``*`` marks every word it begins.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh import highlight as wh

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
    tokens = _marked(
        text_analyzer()(text, chars=True, mode="query", removestops=False),
        text,
        stems,
        prefixes,
    )
    fragmenter = wh.ContextFragmenter(maxchars=fragment_chars, surround=surround)
    best = wh.top_fragments(
        fragmenter.fragment_tokens(text, tokens),
        fragments,
        wh.BasicFragmentScorer(),
        wh.SCORE,
        minscore=1,
    )
    if not best:
        return mark_safe(escape(_beginning(text, fragment_chars)))
    best.sort(key=lambda fragment: fragment.startchar)
    formatter = _MarkFormatter()
    html = formatter.format(best)
    if best[0].startchar > 0:
        html = ELLIPSIS + html
    if best[-1].endchar < len(text):
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


def _marked(tokens, text, stems, prefixes):
    fold = word_analyzer()
    for token in tokens:
        token.matched = not token.stopped and token.text in stems
        if not token.matched and prefixes:
            typed = "".join(t.text for t in fold(text[token.startchar : token.endchar]))
            token.matched = typed.startswith(prefixes)
        yield token


def _beginning(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(None, 1)[0]
    return cut + ELLIPSIS


class _MarkFormatter(wh.Formatter):
    between = f" {ELLIPSIS} "

    def _text(self, text):
        return escape(text)

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(wh.get_text(text, token, replace))}</mark>"
