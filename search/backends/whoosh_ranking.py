"""Searches evaluated a segment at a time over whole posting lists.

whoosh scores a search one match at a time through its matchers (about
8 µs a match in Python), and its shortcuts for a top N (block-quality
skipping) misrank compound queries, so they are off. Here each term's
posting list is read once (and kept, `whoosh_segments`) and a query is
evaluated with numpy over the whole segment: one match flag and one score
per document. The scores are whoosh's own BM25F with its statistics, so
results, scores and order are what whoosh's collectors give (tests compare
the two on random queries); every match is counted, and the filter is
applied before the top N is taken.

`rank` handles terms, And, Or, And-not, prefixes, phrases, match-all and
constant-score filter searches, ordered by relevance or by sortable
columns; `filter_mask` turns filter queries into boolean arrays. Anything
else (fuzzy terms, other weightings) is `Unsupported`, and the caller lets
whoosh's collectors answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from .whoosh_mapping import NULLS
from .whoosh_queries import _AndNot, _Constant, _Not
from .whoosh_segments import POSITION_BITS, SegmentCache, readable

POSITION_MASK = (1 << POSITION_BITS) - 1


class Unsupported(Exception):
    """The query needs whoosh's matchers."""


@dataclass(frozen=True)
class Ranking:
    hits: list[tuple[float, int]]  # (score, global document number), best first
    total: int
    # Per segment: its reader and the allowed matching local document numbers.
    matches: list[tuple[object, np.ndarray]]


# The query, compiled


@dataclass(frozen=True)
class _Term:
    field: str
    text: bytes
    boost: float


@dataclass(frozen=True)
class _Prefix:
    field: str
    prefix: str
    boost: float  # with the query's own boost: whoosh drops it for one term
    single_boost: float


@dataclass(frozen=True)
class _Phrase:
    field: str
    words: tuple[bytes, ...]
    boost: float


@dataclass(frozen=True)
class _Everything:
    score: float


@dataclass(frozen=True)
class _Filtered:
    filters: wq.Query  # every document it allows, scored 1


@dataclass(frozen=True)
class _Any:
    parts: tuple


@dataclass(frozen=True)
class _All:
    parts: tuple


@dataclass(frozen=True)
class _Except:
    positive: object
    negative: wq.Query


def rank(
    searcher,
    query: wq.Query,
    allowed,
    limit: int | None,
    cache: SegmentCache,
    sort_keys: list[tuple[str, bool]] | None = None,
) -> Ranking:
    """The best `limit` (None: all) documents for `query` among `allowed`
    (None: all) and the number of matches. Ordered as whoosh's collectors
    order them: by score then document number, or by `sort_keys`
    ((sortable column, descending) pairs) then document number, in which
    case the hits' scores are 0. Raises Unsupported."""
    if type(searcher.weighting) is not BM25F:
        raise Unsupported("another weighting")
    plan = _compile(query, searcher.schema, 1.0)
    leaves = list(searcher.leaf_searchers())
    if not all(readable(leaf.reader()) for leaf, _ in leaves):
        raise Unsupported("not a segment of whoosh 2.7's format")
    scorer = _Scorer(searcher, cache)
    found, matches, total = [], [], 0
    for number, (leaf, offset) in enumerate(leaves):
        reader = leaf.reader()
        keep = cache.live(reader)
        if allowed is not None:
            keep = keep & allowed.segment_mask(number)
        segment = _Segment(leaf, reader, cache, scorer, keep)
        mask, scores = segment.evaluate(plan)
        docnums = np.flatnonzero(mask & keep)
        total += len(docnums)
        matches.append((reader, docnums))
        if sort_keys is None:
            found.append(_best(docnums, scores[docnums], limit, offset))
        else:
            found.append((docnums + offset, docnums, reader))
    if sort_keys is None:
        return Ranking(_merge_best(found, limit), total, matches)
    return Ranking(_sorted(found, sort_keys, limit, cache), total, matches)


def _best(docnums, scores, limit, offset) -> tuple[np.ndarray, np.ndarray]:
    """The `limit` best of one segment: (scores, global document numbers)."""
    if limit is not None and len(docnums) > limit:
        if limit <= 0:
            return np.zeros(0), np.zeros(0, np.int64)
        floor = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        keep = scores >= floor
        docnums, scores = docnums[keep], scores[keep]
    return scores, docnums + offset


def _merge_best(found, limit) -> list[tuple[float, int]]:
    scores = np.concatenate([scores for scores, _ in found]) if found else np.zeros(0)
    docnums = (
        np.concatenate([docnums for _, docnums in found])
        if found
        else np.zeros(0, np.int64)
    )
    order = np.lexsort((docnums, -scores))
    if limit is not None:
        order = order[: max(limit, 0)]
    return list(zip(scores[order].tolist(), docnums[order].tolist(), strict=True))


def _sorted(found, sort_keys, limit, cache) -> list[tuple[float, int]]:
    """Matches ordered by column values (as whoosh's SortingCollector: the
    key, then the document number; a descending key reverses its values)."""
    if not found:
        return []
    docnums = np.concatenate([global_ for global_, _, _ in found])
    if not len(docnums):
        return []
    keys = []
    readers = [reader for _, _, reader in found]
    for name, descending in sort_keys:
        ranks = _value_ranks(readers, name, cache)
        key = np.concatenate(
            [
                rank[cache.column(reader, name).codes[local]]
                for (_, local, reader), rank in zip(found, ranks, strict=True)
            ]
        )
        keys.append(-key if descending else key)
    if len(keys) == 1 and limit is not None and limit < len(docnums):
        # One key: key and document number packed into one integer, so the
        # first `limit` are picked without sorting every match.
        packed = ((keys[0] + (1 << 30)) << 32) | docnums  # stays below 2**63
        best = np.argpartition(packed, max(limit, 1) - 1)[: max(limit, 0)]
        order = best[np.argsort(packed[best])]
    else:
        order = np.lexsort((docnums, *reversed(keys)))
        if limit is not None:
            order = order[: max(limit, 0)]
    return [(0.0, docnum) for docnum in docnums[order].tolist()]


def _value_ranks(readers, name: str, cache: SegmentCache) -> list[np.ndarray]:
    """For each segment, the rank of each of its column codes among the
    values of all the segments (each segment codes only its own values).
    Kept per set of segments: a generation of the index."""

    def read():
        labels = [cache.column(reader, name).labels for reader in readers]
        rank_of = {
            value: rank for rank, value in enumerate(sorted(set().union(*labels)))
        }
        return [
            np.fromiter(map(rank_of.__getitem__, values), np.int64, len(values))
            for values in labels
        ]

    if len(readers) == 1:
        return [np.arange(len(cache.column(readers[0], name).labels))]
    segments = tuple(reader.segment().segment_id() for reader in readers)
    return cache.remember(readers[0], ("value ranks", name, segments), read)


def _compile(query: wq.Query, schema, boost: float):
    """The query as plan nodes with boosts multiplied into the leaves, or
    None when it matches nothing."""
    kind = type(query)
    if kind is wq.Term:
        return _term(query, schema, boost)
    if kind in (wq.Or, wq.And):
        if kind is wq.Or and (query.scale or query.minmatch):
            raise Unsupported("coordination")
        boost = _boost(query, boost)
        parts = [_compile(sub, schema, boost) for sub in query.subqueries]
        if kind is wq.Or:
            parts = tuple(part for part in parts if part is not None)
            return _Any(parts) if parts else None
        if not parts or any(part is None for part in parts):
            return None
        return _All(tuple(parts))
    if kind is _AndNot:
        # Its matcher scores the positive side only and ignores its own boost.
        positive = _compile(query.a, schema, boost)
        return None if positive is None else _Except(positive, query.b)
    if kind is wq.Prefix:
        if query.fieldname not in schema or not query.text:
            raise Unsupported("a prefix outside the schema")
        return _Prefix(
            query.fieldname, query.text, _boost(query, boost), single_boost=boost
        )
    if kind is wq.Phrase:
        return _phrase(query, schema, boost)
    if kind is wq.Every and not query.fieldname:
        # A list of every document, each weighing the query's boost.
        return _Everything(query.boost)
    if kind is _Constant:
        return _Filtered(query.child)
    if query is wq.NullQuery:
        return None
    raise Unsupported(kind.__name__)


def _boost(query: wq.Query, boost: float) -> float:
    if query.boost <= 0:
        raise Unsupported("a boost that is not positive")
    return boost * query.boost


def _term(query: wq.Term, schema, boost: float) -> _Term | None:
    if query.minquality:
        raise Unsupported("minimum quality")
    if query.fieldname not in schema:
        return None
    try:
        text = schema[query.fieldname].to_bytes(query.text)
    except ValueError:
        return None
    return _Term(query.fieldname, text, _boost(query, boost))


def _phrase(query: wq.Phrase, schema, boost: float) -> _Phrase | None:
    if query.slop != 1 or query.fieldname not in schema:
        raise Unsupported("a sloppy phrase or one outside the schema")
    field = schema[query.fieldname]
    if not field.format or not field.format.supports("positions"):
        raise Unsupported("a phrase on a field without positions")
    try:
        words = tuple(field.to_bytes(word) for word in query.words)
    except ValueError:
        return None
    return _Phrase(query.fieldname, words, _boost(query, boost))


class _Segment:
    """One segment's share of a search: plan nodes become (match flags,
    scores) arrays over its documents."""

    def __init__(self, leaf, reader, cache: SegmentCache, scorer, keep):
        self.leaf = leaf
        self.reader = reader
        self.cache = cache
        self.scorer = scorer
        self.keep = keep  # live and allowed: phrases check only these
        self.size = reader.doc_count_all()

    def nothing(self):
        return np.zeros(self.size, bool), np.zeros(self.size)

    def evaluate(self, node):
        """(match flags, scores): scores are 0 where nothing matches."""
        kind = type(node)
        if node is None:
            return self.nothing()
        if kind is _Term:
            return self._terms([(node.field, node.text)], node.boost)
        if kind is _Any:
            mask, scores = self.nothing()
            for part in node.parts:
                part_mask, part_scores = self.evaluate(part)
                mask |= part_mask
                scores += part_scores
            return mask, scores
        if kind is _All:
            mask, scores = self.evaluate(node.parts[0])
            for part in node.parts[1:]:
                part_mask, part_scores = self.evaluate(part)
                mask &= part_mask
                scores += part_scores
            return mask, scores * mask
        if kind is _Except:
            mask, scores = self.evaluate(node.positive)
            if mask.any():
                mask &= ~filter_mask(node.negative, self.leaf, self.reader, self.cache)
            return mask, scores * mask
        if kind is _Prefix:
            expanded = self.reader.expand_prefix(node.field, node.prefix)
            texts = [text for text in expanded if text]
            boost = node.boost if len(texts) > 1 else node.single_boost
            return self._terms([(node.field, text) for text in texts], boost)
        if kind is _Phrase:
            return self._phrase(node)
        if kind is _Everything:
            return np.ones(self.size, bool), np.full(self.size, node.score)
        if kind is _Filtered:
            mask = filter_mask(node.filters, self.leaf, self.reader, self.cache)
            return mask.copy(), mask.astype(float)
        raise Unsupported(kind.__name__)

    def _terms(self, terms, boost: float):
        """The union of some terms' postings, each scored, scores summed."""
        mask, scores = self.nothing()
        for field, text in terms:
            postings = self.cache.postings(self.reader, field, text)
            if postings is not None:
                mask[postings.ids] = True
                scores[postings.ids] += (
                    self.scorer.scores(self.reader, field, text, postings) * boost
                )
        return mask, scores

    def _phrase(self, node: _Phrase):
        cache, reader = self.cache, self.reader
        postings = [cache.postings(reader, node.field, word) for word in node.words]
        if any(p is None for p in postings):
            return self.nothing()
        # Candidates hold every word; then the words must follow each other.
        candidates = self.keep.copy()
        for p in postings:
            present = np.zeros(self.size, bool)
            present[p.ids] = True
            candidates &= present
        if not candidates.any():
            return self.nothing()
        # Phrase starts: each word's occurrences moved back by its place in
        # the phrase, intersected; rarer words first, so that each next word
        # is decoded only in the documents still in the running.
        starts = None
        by_rarity = sorted(range(len(postings)), key=lambda i: len(postings[i].ids))
        for place in by_rarity:
            keys = cache.positions(reader, node.field, node.words[place], candidates)
            keys = keys[(keys & POSITION_MASK) >= place] - place
            if starts is None:
                starts = keys
            else:
                starts = np.intersect1d(starts, keys, assume_unique=True)
            candidates = np.zeros(self.size, bool)
            candidates[starts >> POSITION_BITS] = True
            if not len(starts):
                break
        mask = np.zeros(self.size, bool)
        mask[starts >> POSITION_BITS] = True
        scores = np.zeros(self.size)
        for word, p in zip(node.words, postings, strict=True):
            scores[p.ids] += self.scorer.scores(reader, node.field, word, p)
        return mask, scores * mask * node.boost


class _Scorer:
    """whoosh's BM25F (`whoosh.scoring.bm25`) with the statistics whoosh's
    BM25FScorer takes from the top-level searcher; fields without lengths
    score a posting's weight, as whoosh's WeightScorer does."""

    def __init__(self, searcher, cache: SegmentCache):
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.cache = cache
        self._norms: dict[str, np.ndarray] = {}

    def scores(self, reader, field: str, text: bytes, postings) -> np.ndarray:
        weights = postings.weights
        if not self.searcher.schema[field].scorable:
            return weights
        lengths = self.cache.lengths(reader, field)[postings.ids]
        idf = self.searcher.idf(field, text)
        k1p = self.weighting.K1 + 1
        return idf * ((weights * k1p) / (weights + self._norms_for(field)[lengths]))

    def _norms_for(self, field: str) -> np.ndarray:
        """The denominator's length part for each length byte."""
        norms = self._norms.get(field)
        if norms is None:
            weighting = self.weighting
            B = weighting._field_B.get(field, weighting.B)
            K1 = weighting.K1
            avgfl = self.searcher.avg_field_length(field) or 1
            # Exactly as bm25(): a zero byte stands for length 1 (the
            # default whoosh's scorer asks for), never for a match.
            norms = np.array(
                [
                    K1 * ((1 - B) + B * (byte_to_length(byte) or 1) / avgfl)
                    for byte in range(256)
                ]
            )
            self._norms[field] = norms
        return norms


# Filters


def filter_mask(query: wq.Query, leaf, reader, cache: SegmentCache) -> np.ndarray:
    """The documents of one segment `query` (a filter: unscored) matches,
    deleted ones possibly included, as a boolean array. Do not modify it:
    it may be shared through the cache."""
    kind = type(query)
    size = reader.doc_count_all()
    if kind is wq.Term and query.fieldname in reader.schema:
        try:
            text = reader.schema[query.fieldname].to_bytes(query.text)
        except ValueError:
            return np.zeros(size, bool)
        return cache.term_mask(reader, query.fieldname, text)
    if kind in (wq.And, wq.Or) and query.subqueries:
        masks = [filter_mask(sub, leaf, reader, cache) for sub in query.subqueries]
        combine = np.logical_and if kind is wq.And else np.logical_or
        return combine.reduce(masks)
    if kind is _AndNot:
        return filter_mask(query.a, leaf, reader, cache) & ~filter_mask(
            query.b, leaf, reader, cache
        )
    if kind is _Not:
        return ~filter_mask(query.query, leaf, reader, cache) & cache.live(reader)
    if kind is wq.Every and not query.fieldname:
        return cache.live(reader)
    if query is wq.NullQuery:
        return np.zeros(size, bool)
    if kind is wq.NumericRange and _sortable(reader, query.fieldname):
        return _in_range(query, reader, cache)
    mask = np.zeros(size, bool)
    mask[np.fromiter(query.docs(leaf), np.int64)] = True
    return mask


def _sortable(reader, field: str) -> bool:
    return field in reader.schema and reader.schema[field].sortable_typecode is not None


def _in_range(query: wq.NumericRange, reader, cache: SegmentCache) -> np.ndarray:
    """A range on a sortable numeric column, read from the column (documents
    without a value hold a default there: they are left out)."""
    column = cache.column(reader, query.fieldname)
    labels = np.asarray(column.labels, dtype=np.float64 if _floats(column) else None)
    inside = np.ones(len(labels), bool)
    if query.start is not None:
        inside &= labels > query.start if query.startexcl else labels >= query.start
    if query.end is not None:
        inside &= labels < query.end if query.endexcl else labels <= query.end
    missing = cache.term_mask(
        reader, NULLS, reader.schema[NULLS].to_bytes(query.fieldname)
    )
    return inside[column.codes] & ~missing


def _floats(column) -> bool:
    return any(isinstance(label, float) for label in column.labels)
