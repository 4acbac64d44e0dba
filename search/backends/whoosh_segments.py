"""What searches read from a segment, as numpy arrays, kept between searches.

A whoosh segment never changes once written (only its deletions do), so a
term's posting list, a field's lengths or a filter column read from it stay
valid for as long as the segment lives. `SegmentCache` keeps them under the
segment's id and deletion count, within a memory budget, least recently used
first out: the words, filters and columns most searches share are read from
disk and decoded once per process instead of once per search.

The readers below use whoosh-reloaded 2.7's on-disk internals (posting
blocks are pickled ``(ids, weights, values)`` tuples; field lengths are a
byte column); `readable()` tells whether a segment has that layout.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain
from pickle import loads

import numpy as np
from whoosh import columns, formats
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import SegmentReader, TermNotFound

from .whoosh_codec import POSITION_BITS, BlockValues, read_blocks, uses_quorum_codec

# Memory for cached arrays of one index in one process.
DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024

# struct's standard-size type codes (whoosh's number columns) as numpy's.
NUMPY_TYPES = {
    "b": np.int8, "B": np.uint8, "h": np.int16, "H": np.uint16,
    "i": np.int32, "I": np.uint32, "l": np.int32, "L": np.uint32,
    "q": np.int64, "Q": np.uint64, "f": np.float32, "d": np.float64,
}  # fmt: skip


@dataclass(frozen=True)
class Postings:
    """One term's postings in one segment, deletions included."""

    ids: np.ndarray  # int64, ascending local document numbers
    weights: np.ndarray  # float64, the term's frequency (times field boost)
    values: list | BlockValues | None  # encoded positions, one per posting

    @property
    def nbytes(self) -> int:
        values = self.values
        if isinstance(values, BlockValues):
            extra = values.nbytes
        else:
            extra = 64 * len(values or ())
        return self.ids.nbytes + self.weights.nbytes + extra


@dataclass(frozen=True)
class Column:
    """A sortable filter column of one segment: each document's value as a
    code into `labels` (sorted, so codes order like values)."""

    codes: np.ndarray  # int32, one per document
    labels: list

    @property
    def nbytes(self) -> int:
        return self.codes.nbytes + 64 * len(self.labels)


def readable(reader) -> bool:
    # The block and column internals read here are whoosh-reloaded 2.7's.
    return (
        type(reader) is SegmentReader
        and hasattr(reader, "_terms")
        and hasattr(reader._terms, "_postfile")
        and hasattr(reader, "_perdoc")
        and hasattr(reader._perdoc, "_cached_reader")
    )


class SegmentCache:
    """Arrays read from segments, shared by the threads of a process."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES):
        self.budget = budget_bytes
        self._items: OrderedDict = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    # What searches ask for

    def postings(self, reader, field: str, text: bytes) -> Postings | None:
        """A term's postings (None when the segment lacks the term)."""
        key = ("postings", field, text)
        return self._cached(reader, key, lambda: _read_postings(reader, field, text))

    def positions(
        self, reader, field: str, text: bytes, documents: np.ndarray
    ) -> np.ndarray:
        """The term's occurrences in `documents` (a boolean array) as
        ``document << 32 | position``, ascending: phrases are matched by
        comparing these arrays. Decoding positions is the slow part of a
        phrase, so only the documents asked for are decoded, unless they
        are most of the term's: then all are, and kept."""
        key = ("positions", field, text)
        every = self._peek(reader, key)
        if every is None:
            postings = self.postings(reader, field, text)
            if postings is None:
                return np.zeros(0, np.int64)
            if isinstance(postings.values, BlockValues):
                # Positions kept as numbers (QuorumCodec): decoded in bulk.
                decoded = postings.values.positions()
                if decoded is not None:
                    every = self._cached(reader, key, lambda: decoded)
                    return every[documents[every >> POSITION_BITS]]
            wanted = documents[postings.ids]
            format_ = reader.schema[field].format
            if wanted.sum() * 2 < len(wanted):
                values = postings.values
                return _decode_positions(
                    postings.ids[wanted],
                    [values[i] for i in np.flatnonzero(wanted).tolist()],
                    format_,
                )
            every = self._cached(
                reader,
                key,
                lambda: _decode_positions(postings.ids, postings.values, format_),
            )
        return every[documents[every >> POSITION_BITS]]

    def term_mask(self, reader, field: str, text: bytes) -> np.ndarray:
        """The documents holding a term, as a boolean array."""

        def read():
            mask = np.zeros(reader.doc_count_all(), bool)
            postings = self.postings(reader, field, text)
            if postings is not None:
                mask[postings.ids] = True
            return mask

        return self._cached(reader, ("term mask", field, text), read)

    def lengths(self, reader, field: str) -> np.ndarray:
        """Each document's encoded length of `field` (one byte; 0: none)."""
        return self._cached(
            reader,
            ("lengths", field),
            lambda: np.frombuffer(_length_bytes(reader, _lenfield(field)), np.uint8),
        )

    def live(self, reader) -> np.ndarray:
        """Documents not deleted, as a boolean array."""

        def read():
            mask = np.ones(reader.doc_count_all(), bool)
            deleted = list(reader.deleted_docs_set)
            if deleted:
                mask[deleted] = False
            return mask

        return self._cached(reader, ("live",), read)

    def column(self, reader, name: str) -> Column:
        return self._cached(
            reader, ("column", name), lambda: _read_column(reader, name)
        )

    def remember(self, reader, key: tuple, read):
        """Any other per-segment value, cached like the rest."""
        return self._cached(reader, key, read)

    # The cache

    def _peek(self, reader, key: tuple):
        segment = reader.segment() if hasattr(reader, "segment") else None
        if segment is None:
            return None
        key = (segment.segment_id(), segment.deleted_count(), *key)
        with self._lock:
            return self._items.get(key)

    def _cached(self, reader, key: tuple, read):
        segment = reader.segment() if hasattr(reader, "segment") else None
        if segment is None:
            return read()
        # Deletions change without a new segment id: they are part of the key.
        key = (segment.segment_id(), segment.deleted_count(), *key)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = read()
        size = _size(value)
        with self._lock:
            if key not in self._items and size <= self.budget // 4:
                self._items[key] = value
                self._used += size
                while self._used > self.budget:
                    _old_key, old = self._items.popitem(last=False)
                    self._used -= _size(old)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._used = 0


def _size(value) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes + 100
    nbytes = getattr(value, "nbytes", None)
    return 100 if nbytes is None else nbytes + 100


def _read_postings(reader, field: str, text: bytes) -> Postings | None:
    terms = reader._terms
    try:
        terminfo = terms.term_info(field, text)
    except (KeyError, TermNotFound):
        return None
    keep_values = bool(reader.schema[field].format.supports("positions"))
    if terminfo.is_inlined():
        ids, weights, values = terminfo.inlined_postings()
        weights = [1.0 if weight is None else weight for weight in weights]
        return Postings(
            np.asarray(ids, np.int64),
            np.asarray(weights, np.float64),
            list(values) if keep_values else None,
        )
    offset, length = terminfo.extent()
    format_ = reader.schema[field].format
    if uses_quorum_codec(reader):
        blocks = list(read_blocks(terms._postfile, offset, length, format_))
        values = BlockValues(blocks) if keep_values and blocks[0].has_values else None
        return Postings(
            np.concatenate([block.ids for block in blocks]),
            np.concatenate([block.weights for block in blocks]),
            values,
        )
    matcher = W3LeafMatcher(terms._postfile, offset, length, format_)
    ids, weights, values = [], [], []
    while True:
        matcher._read_data()
        block_ids, block_weights, block_values = matcher._data[:3]
        count = matcher._blocklength
        ids.append(np.cumsum(np.asarray(block_ids, np.int64)))  # delta-coded
        if block_weights is None:
            weights.append(np.ones(count))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights))
        else:
            weights.append(np.asarray(block_weights, np.float64))
        if keep_values:
            values.extend(block_values)
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return Postings(
        np.concatenate(ids), np.concatenate(weights), values if keep_values else None
    )


def _read_column(reader, name: str) -> Column:
    # Columns are read whole, not a value at a time through whoosh's reader
    # (seconds per column at 200,000 documents), and only their distinct
    # values are translated.
    raw = reader.column_reader(name, translate=False)
    translate = reader.schema[name].from_column_value
    doccount = reader.doc_count_all()
    if type(raw) is columns.NumericColumn.Reader and raw._typecode in NUMPY_TYPES:
        # Big-endian numbers in an order-preserving encoding.
        stored = np.full(doccount, raw._default, NUMPY_TYPES[raw._typecode])
        count = min(raw._count, doccount)
        if count:
            data = raw._dbfile.get(raw._basepos, count * raw._fixedlen)
            stored[:count] = np.frombuffer(data, stored.dtype.newbyteorder(">"))
        distinct, codes = np.unique(stored, return_inverse=True)
        labels = [translate(value) for value in distinct.tolist()]
        return Column(codes.astype(np.int32), labels)
    if type(raw) is columns.VarBytesColumn.Reader:
        stored = _var_bytes(raw, doccount)
    else:
        stored = list(raw)
    first_seen: dict = {}
    codes = np.fromiter(
        (first_seen.setdefault(value, len(first_seen)) for value in stored),
        np.int32,
        len(stored),
    )
    translated = [translate(value) for value in first_seen]
    labels = sorted(set(translated))
    rank = {label: number for number, label in enumerate(labels)}
    recode = np.fromiter(map(rank.__getitem__, translated), np.int32, len(translated))
    return Column(recode[codes], labels)


def _var_bytes(raw, doccount: int) -> list[bytes]:
    """A variable-length bytes column's values: one read, then slices."""
    starts = np.asarray(raw._offsets, np.int64)
    ends = starts + np.asarray(raw._lengths, np.int64)
    end = int(ends.max()) if len(ends) else 0
    data = bytes(raw._dbfile.get(raw._basepos, end)) if end else b""
    values = [data[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    return values + [b""] * (doccount - len(values))  # whoosh's default


def _decode_positions(ids: np.ndarray, values: list, format_) -> np.ndarray:
    if type(format_) is formats.Positions:
        # Each value: a 4-byte count, then a pickled list of position deltas
        # (whoosh drops the pickle's final "." when it can).
        deltas = [loads(v[4:] if v.endswith(b".") else v[4:] + b".") for v in values]
    else:
        deltas = [
            np.diff(format_.decode_positions(value), prepend=0).tolist()
            for value in values
        ]
    counts = np.fromiter(map(len, deltas), np.int64, len(deltas))
    total = int(counts.sum())
    if not total:
        return np.zeros(0, np.int64)
    flat = np.fromiter(chain.from_iterable(deltas), np.int64, total)
    running = np.cumsum(flat)
    # Positions restart at each posting: subtract what came before it.
    ends = np.cumsum(counts)[:-1]
    before = np.zeros(len(counts), np.int64)
    before[1:] = np.where(ends > 0, running[np.maximum(ends - 1, 0)], 0)
    positions = running - np.repeat(before, counts)
    documents = np.repeat(ids, counts)
    return (documents << POSITION_BITS) | positions


def _length_bytes(reader: SegmentReader, lenfield: str) -> bytes:
    """One segment's length bytes of a field, one per document (0: none)."""
    column = reader._perdoc._cached_reader(lenfield, LENGTHS_COLUMN)
    doccount = reader.doc_count_all()
    if column is None:
        return bytes(doccount)
    if column._fixedlen != 1:
        raise ValueError("an unexpected length column")
    count = min(column._count, doccount)
    raw = column._dbfile.get(column._basepos, count) if count else b""
    return bytes(raw) + bytes(doccount - len(raw))
