"""Relevance rankings read from whoosh's posting lists in bulk.

whoosh scores a search one match at a time through its matchers (about
8 µs a match in Python), and its shortcuts for a top N (block-quality
skipping) misrank compound queries, so they are off. For the queries most
searches are made of (terms, And, Or, And-not over text columns) this module
reads each term's postings a block at a time, scores them with whoosh's own
BM25F formula and statistics, combines them per segment and keeps the top N
of the documents the filter allows, counting every match on the way.

Anything else (phrases, prefixes, fuzzy terms, match-all, other weightings)
is `Unsupported`, and the caller lets whoosh's collectors answer.
"""

from __future__ import annotations

import heapq
from array import array
from dataclasses import dataclass
from itertools import accumulate, repeat

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from .whoosh_queries import _AndNot


class Unsupported(Exception):
    """The query needs whoosh's matchers."""


@dataclass(frozen=True)
class Ranking:
    hits: list[tuple[float, int]]  # (score, global document number), best first
    total: int
    # Per segment: its reader and the allowed matching local document numbers.
    matches: list[tuple[object, array]]


@dataclass(frozen=True)
class _Term:
    field: str
    text: bytes
    boost: float


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


def rank(searcher, query: wq.Query, allowed, limit: int | None, lengths) -> Ranking:
    """The best `limit` (None: all) documents for `query` among `allowed`
    (None: all), ordered as whoosh's collectors order them (score, then
    document number), and the number of matches.

    `lengths(reader, lenfield)` returns a segment's field lengths (bytes, one
    per document); the caller caches them. Raises Unsupported."""
    weighting = searcher.weighting
    if type(weighting) is not BM25F:
        raise Unsupported("another weighting")
    plan = _compile(query, searcher.schema, 1.0)
    leaves = list(searcher.leaf_searchers())
    if not all(_readable(leaf.reader()) for leaf, _ in leaves):
        raise Unsupported("not a segment of whoosh 2.7's format")
    scorer = _Scorer(searcher, weighting, lengths)
    candidates, matches, total = [], [], 0
    for number, (leaf, offset) in enumerate(leaves):
        reader = leaf.reader()
        scores = _allowed_only(
            _evaluate(plan, scorer, leaf, reader),
            reader,
            None if allowed is None else allowed.segment_bits(number),
        )
        total += len(scores)
        matches.append((reader, array("I", scores)))
        candidates += [
            (score, docnum + offset) for docnum, score in _best(scores, limit)
        ]
    candidates.sort(key=_order)
    return Ranking(candidates[:limit], total, matches)


def _readable(reader) -> bool:
    # The block and column internals read here are whoosh-reloaded 2.7's.
    return (
        type(reader) is SegmentReader
        and hasattr(reader, "_terms")
        and hasattr(reader._terms, "_postfile")
        and hasattr(reader, "_perdoc")
        and hasattr(reader._perdoc, "_cached_reader")
    )


def _order(hit: tuple[float, int]) -> tuple[float, int]:
    return (-hit[0], hit[1])


def _best(scores: dict[int, float], limit: int | None) -> list[tuple[int, float]]:
    """The `limit` best (docnum, score) pairs, the lowest document numbers
    winning ties."""
    if limit is None or len(scores) <= limit:
        return list(scores.items())
    if limit <= 0:
        return []
    floor = heapq.nlargest(limit, scores.values())[-1]
    best = [(docnum, score) for docnum, score in scores.items() if score >= floor]
    if len(best) > limit:
        best.sort(key=lambda pair: (-pair[1], pair[0]))
        del best[limit:]
    return best


def _allowed_only(scores, reader, bits) -> dict[int, float]:
    deleted = reader.deleted_docs_set
    if bits is None and not deleted:
        return scores
    if bits is None:
        return {d: s for d, s in scores.items() if d not in deleted}
    return {
        d: s
        for d, s in scores.items()
        if bits[d >> 3] >> (d & 7) & 1 and d not in deleted
    }


# Queries


def _compile(query: wq.Query, schema, boost: float):
    """The query as _Term/_Any/_All/_Except with boosts multiplied into the
    terms, or None when it matches nothing."""
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
    field = schema[query.fieldname]
    if not field.scorable:
        raise Unsupported("an unscored field")
    try:
        text = field.to_bytes(query.text)
    except ValueError:
        return None
    return _Term(query.fieldname, text, _boost(query, boost))


def _evaluate(node, scorer, leaf, reader) -> dict[int, float]:
    """Local document number -> score, in one segment."""
    if node is None:
        return {}
    if type(node) is _Term:
        return scorer.term(reader, node)
    if type(node) is _Any:
        return _union([_evaluate(part, scorer, leaf, reader) for part in node.parts])
    if type(node) is _All:
        return _intersection(
            [_evaluate(part, scorer, leaf, reader) for part in node.parts]
        )
    scores = _evaluate(node.positive, scorer, leaf, reader)
    if scores:
        excluded = set(node.negative.docs(leaf))
        scores = {d: s for d, s in scores.items() if d not in excluded}
    return scores


def _union(parts: list[dict[int, float]]) -> dict[int, float]:
    parts.sort(key=len, reverse=True)
    total = dict(parts[0]) if parts else {}
    get = total.get
    for part in parts[1:]:
        for docnum, score in part.items():
            total[docnum] = get(docnum, 0.0) + score
    return total


def _intersection(parts: list[dict[int, float]]) -> dict[int, float]:
    parts.sort(key=len)
    total = parts[0]
    for part in parts[1:]:
        total = {d: s + part[d] for d, s in total.items() if d in part}
    return total


# Scoring


class _Scorer:
    """whoosh's BM25F (`whoosh.scoring.bm25`) with the statistics whoosh's
    BM25FScorer takes from the top-level searcher."""

    def __init__(self, searcher, weighting: BM25F, lengths):
        self.searcher = searcher
        self.weighting = weighting
        self.lengths = lengths
        self._norms: dict[str, list[float]] = {}

    def term(self, reader, term: _Term) -> dict[int, float]:
        try:
            ids, weights = _postings(reader, term.field, term.text)
        except TermNotFound:
            return {}
        norms = self._norms_for(term.field)
        lengths = self.lengths(reader, _lenfield(term.field))
        idf = self.searcher.idf(term.field, term.text)
        k1p = self.weighting.K1 + 1
        boost = term.boost
        if boost == 1:
            return {
                d: idf * ((w * k1p) / (w + norms[lengths[d]]))
                for d, w in zip(ids, weights, strict=True)
            }
        return {
            d: idf * ((w * k1p) / (w + norms[lengths[d]])) * boost
            for d, w in zip(ids, weights, strict=True)
        }

    def _norms_for(self, field: str) -> list[float]:
        """The denominator's length part for each length byte."""
        norms = self._norms.get(field)
        if norms is None:
            weighting = self.weighting
            B = weighting._field_B.get(field, weighting.B)
            K1 = weighting.K1
            avgfl = self.searcher.avg_field_length(field) or 1
            # Exactly as bm25(): a zero byte stands for length 1 (the
            # default whoosh's scorer asks for), never for a match.
            norms = [
                K1 * ((1 - B) + B * (byte_to_length(byte) or 1) / avgfl)
                for byte in range(256)
            ]
            self._norms[field] = norms
        return norms


def _postings(reader: SegmentReader, field: str, text: bytes):
    """A term's document numbers and weights in one segment, deletions
    included, decoded a block at a time."""
    terms = reader._terms
    terminfo = terms.term_info(field, text)
    if terminfo.is_inlined():
        ids, weights, _values = terminfo.inlined_postings()
        return ids, [1.0 if w is None else w for w in weights]
    offset, length = terminfo.extent()
    matcher = W3LeafMatcher(
        terms._postfile, offset, length, reader.schema[field].format
    )
    ids: list[int] = []
    weights: list[float] = []
    while True:
        matcher._read_data()
        block_ids, block_weights = matcher._data[0], matcher._data[1]
        ids += accumulate(block_ids)
        if block_weights is None:
            weights += repeat(1.0, matcher._blocklength)
        elif isinstance(block_weights, float):
            weights += repeat(block_weights, matcher._blocklength)
        else:
            weights += block_weights
        if matcher._lastblock:
            return ids, weights
        matcher._goto(matcher._nextoffset)


def field_lengths(reader: SegmentReader, lenfield: str) -> bytes:
    """One segment's length bytes of a field, one per document (0: none)."""
    column = reader._perdoc._cached_reader(lenfield, LENGTHS_COLUMN)
    doccount = reader.doc_count_all()
    if column is None:
        return bytes(doccount)
    if column._fixedlen != 1:
        raise Unsupported("an unexpected length column")
    count = min(column._count, doccount)
    raw = column._dbfile.get(column._basepos, count) if count else b""
    return raw + bytes(doccount - len(raw))
