"""modelsearch queries and queryset lookups as whoosh queries.

`QueryTranslator` turns modelsearch's query objects (PlainText, Phrase,
Fuzzy, MatchAll, Boost, And, Or, Not) into a scored whoosh query over the
text columns of a model; `lookup_query` turns one filter lookup on a
FilterField into an unscored whoosh query on its column. The combinators
`all_of`, `any_of` and `negation` keep the result small: whoosh's own
``normalize()`` is not used because it turns ``And([x, Every()])`` into
``Every()``.
"""

from __future__ import annotations

from array import array

from whoosh import matching
from whoosh import query as wq

from .whoosh_mapping import (
    AUTOCOMPLETE_MAX_GRAM,
    NULLS,
    PRESENT,
    FilterColumn,
    TextColumn,
    text_analyzer,
    word_analyzer,
)

NOTHING = wq.NullQuery

# Prefix queries shorter than this would expand to most of the lexicon.
MIN_PREFIX = 2


def everything() -> wq.Query:
    return wq.Every()


def is_everything(query: wq.Query) -> bool:
    return isinstance(query, wq.Every) and not query.fieldname


def all_of(queries) -> wq.Query:
    queries = list(queries)
    if any(query is NOTHING for query in queries):
        return NOTHING
    queries = [query for query in queries if not is_everything(query)]
    if not queries:
        return everything()
    positives = [query for query in queries if not isinstance(query, wq.Not)]
    negatives = [query.query for query in queries if isinstance(query, wq.Not)]
    if not positives:
        return negation(any_of(negatives))
    positive = positives[0] if len(positives) == 1 else wq.And(positives)
    if negatives:
        return _AndNot(positive, any_of(negatives))
    return positive


def any_of(queries) -> wq.Query:
    queries = [query for query in queries if query is not NOTHING]
    if not queries:
        return NOTHING
    if len(queries) == 1:
        return queries[0]
    return wq.Or(queries)


def negation(query: wq.Query) -> wq.Query:
    if query is NOTHING:
        return everything()
    if is_everything(query):
        return NOTHING
    if isinstance(query, wq.Not):
        return query.query
    return _Not(query)


# whoosh-reloaded 2.7.5's AndNotMatcher can return the first document of the
# positive side without checking the negative side, and its InverseMatcher can
# return a deleted document once its child is exhausted; these fix both.


class _AndNot(wq.AndNot):
    def matcher(self, searcher, context=None):
        positive = self.a.matcher(searcher, context)
        negative = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(positive, negative)


class _AndNotMatcher(matching.AndNotMatcher):
    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class _Not(wq.Not):
    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        child = self.query.matcher(searcher, searcher.boolean_context())
        return _InverseMatcher(child, reader.doc_count_all(), missing=reader.is_deleted)


class _InverseMatcher(matching.InverseMatcher):
    def _find_next(self):
        child, missing = self.child, self.missing
        while self._id < self.limit:
            if missing(self._id):
                self._id += 1
            elif child.is_active() and child.id() < self._id:
                child.skip_to(self._id)
            elif child.is_active() and child.id() == self._id:
                self._id += 1
                child.next()
            else:
                return


def boosted(query: wq.Query, factor: float) -> wq.Query:
    if factor == 1 or query is NOTHING:
        return query
    return query.with_boost(query.boost * factor)


def constant(filters: wq.Query) -> wq.Query:
    """Every document `filters` allows, all scored alike: a search for
    everything within filters."""
    return _Constant(filters)


class _Constant(wq.WrappingQuery):
    def matcher(self, searcher, context=None):
        docnums = array("I", self.child.docs(searcher))
        if not docnums:
            return matching.NullMatcher()
        return matching.ListMatcher(docnums, all_weights=1.0)


class QueryTranslator:
    """A modelsearch query as a scored whoosh query over `columns`.

    For autocomplete, words match the edge n-grams of AutocompleteFields
    (``a__`` columns): every word is a prefix. Otherwise words are stemmed
    like the indexed text, and a word ending in ``*`` (as a user may type it)
    is a prefix.
    """

    def __init__(
        self,
        columns: list[TextColumn],
        *,
        autocomplete: bool = False,
        vocabulary: str | None = None,
    ):
        self.columns = columns
        self.autocomplete = autocomplete
        # A field of unstemmed words, where "heari*" finds "hearing" (whose
        # stem "hear" it does not begin).
        self.vocabulary = vocabulary
        self._stem = text_analyzer()
        self._words = word_analyzer()

    def translate(self, query, boost: float = 1.0) -> wq.Query:
        from modelsearch import query as ms

        if not self.columns and not isinstance(query, ms.MatchAll):
            return NOTHING
        if isinstance(query, ms.MatchAll):
            return boosted(everything(), boost)
        if isinstance(query, ms.PlainText):
            return self._plain_text(query, boost)
        if isinstance(query, ms.Boost):
            return self.translate(query.subquery, boost * query.boost)
        if isinstance(query, ms.And):
            return all_of(self.translate(sub, boost) for sub in query.subqueries)
        if isinstance(query, ms.Or):
            return any_of(self.translate(sub, boost) for sub in query.subqueries)
        if isinstance(query, ms.Not):
            return negation(self.translate(query.subquery, boost))
        if self.autocomplete:
            raise NotImplementedError(
                f"`{type(query).__name__}` is not supported for autocomplete queries."
            )
        if isinstance(query, ms.Phrase):
            return self._phrase(query.query_string, boost)
        if isinstance(query, ms.Fuzzy):
            return self._fuzzy(query, boost)
        raise NotImplementedError(
            f"`{type(query).__name__}` is not supported by the whoosh search backend."
        )

    def _plain_text(self, query, boost: float) -> wq.Query:
        boost *= query.boost
        if self.autocomplete:
            clauses = [self._partial(word, boost) for word in self.words(query)]
        else:
            clauses = self._full_words(query.query_string, boost)
        if not clauses:
            return NOTHING
        return all_of(clauses) if query.operator == "and" else any_of(clauses)

    def words(self, query) -> list[str]:
        return [token.text for token in self._words(query.query_string)]

    def _full_words(self, text: str, boost: float) -> list[wq.Query]:
        clauses = []
        for chunk in text.split():
            if chunk.endswith("*"):
                words = [token.text for token in self._words(chunk)]
                if words and len(words[-1]) >= MIN_PREFIX:
                    clauses += self._stemmed(" ".join(words[:-1]), boost)
                    clauses.append(self._prefix(words[-1], boost))
                    continue
            clauses += self._stemmed(chunk, boost)
        return clauses

    def _stemmed(self, text: str, boost: float) -> list[wq.Query]:
        return [
            self._per_column(lambda name, word=token.text: wq.Term(name, word), boost)
            for token in self._stem(text)
        ]

    def _prefix(self, word: str, boost: float) -> wq.Query:
        # "meetings*" should still find "meeting", indexed as its stem "meet".
        stems = [token.text for token in self._stem(word)]
        clauses = [self._per_column(lambda name: _prefix(name, word), boost)]
        clauses += [
            self._per_column(lambda name, s=s: wq.Term(name, s), boost) for s in stems
        ]
        if self.vocabulary:
            clauses.append(boosted(_prefix(self.vocabulary, word), boost))
        return any_of(clauses)

    def _partial(self, word: str, boost: float) -> wq.Query:
        def match(name: str) -> wq.Query:
            if name.startswith("a__"):
                return wq.Term(name, word[:AUTOCOMPLETE_MAX_GRAM])
            # A SearchField named in `fields=` without an AutocompleteField.
            return _prefix(name, word)

        return self._per_column(match, boost)

    def _phrase(self, text: str, boost: float) -> wq.Query:
        words = [token.text for token in self._stem(text)]
        if not words:
            return NOTHING
        if len(words) == 1:
            return self._per_column(lambda name: wq.Term(name, words[0]), boost)
        return self._per_column(lambda name: wq.Phrase(name, words), boost)

    def _fuzzy(self, query, boost: float) -> wq.Query:
        clauses = [
            self._per_column(
                lambda name, word=token.text: wq.FuzzyTerm(
                    name, word, maxdist=_fuzziness(word), prefixlength=1
                ),
                boost,
            )
            for token in self._stem(query.query_string)
        ]
        if not clauses:
            return NOTHING
        return all_of(clauses) if query.operator == "and" else any_of(clauses)

    def _per_column(self, make, boost: float) -> wq.Query:
        return any_of(
            boosted(make(column.name), column.boost * boost) for column in self.columns
        )


def _prefix(field: str, prefix: str) -> wq.Prefix:
    # Scored like the words it expands to: whoosh's "constant score" would
    # score them as a count or as BM25 depending on the segment's size.
    return wq.Prefix(field, prefix, constantscore=False)


def _fuzziness(word: str) -> int:
    # As Elasticsearch's "AUTO": exact up to 2 letters, 1 edit up to 5.
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2


def lookup_query(column: FilterColumn, lookup: str, value) -> wq.Query | None:
    """One queryset lookup on `column`, or None when it is not supported."""
    name = column.name
    if lookup == "exact":
        return _equals(column, value)
    if lookup == "in":
        return any_of(_equals(column, item) for item in value if item is not None)
    if lookup == "isnull":
        return wq.Term(NULLS, name) if value else wq.Term(PRESENT, name)
    if lookup in ("gt", "gte", "lt", "lte"):
        return _range(column, **{lookup: value})
    if lookup == "range":
        lower, upper = value
        return _range(column, gte=lower, lte=upper)
    if lookup in ("startswith", "prefix") and column.kind == "str":
        return wq.Prefix(name, str(value))
    return None


def _equals(column: FilterColumn, value) -> wq.Query:
    indexed = column.to_index(value)
    if indexed is None:
        return NOTHING
    return wq.Term(column.name, indexed)


def _range(column: FilterColumn, gt=None, gte=None, lt=None, lte=None) -> wq.Query:
    start = column.to_index(gt if gt is not None else gte)
    end = column.to_index(lt if lt is not None else lte)
    kind = wq.TermRange if column.kind == "str" else wq.NumericRange
    return kind(
        column.name,
        start,
        end,
        startexcl=gt is not None,
        endexcl=lt is not None,
    )
