"""Quorum's whoosh codec: posting blocks that read back as flat arrays.

whoosh-reloaded's codec (``W3Codec``) writes each block of a posting list
as a pickled tuple of Python tuples: reading a block back builds one Python
object per document number, weight and value, about a microsecond a
posting, which at 200,000 documents makes the first search for a common
word cost a tenth of a second per column. `QuorumCodec` keeps everything
else of W3Codec (term index, columns, stored fields, block headers, so
whoosh's matchers, merges and tools work unchanged) and writes the block
data as packed little-endian arrays instead:

    count (uint32), weights kind (uint8), values kind (uint8), n (uint32)
    n bytes, compressed: document number deltas (count x uint32), then
        weights: none (all 1) | one float32 | count x float32
    the rest, compressed: values, none | count x fixed-size bytes |
        count x uint32 lengths + bytes

Values (positions) are compressed apart because only phrases read them.

`read_blocks` hands these to numpy without a Python object per posting;
whoosh's own matchers get the tuples they expect from `QuorumLeafMatcher`.
Blocks are larger than whoosh's default (1,024 postings instead of 128):
searches read whole posting lists, so skipping inside them buys nothing.

Segments remember their codec, so an index keeps reading whatever wrote it.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from itertools import chain
from pickle import dumps, loads

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.formats import Positions
from whoosh.util.numeric import length_to_byte

BLOCK_LIMIT = 1024
# Occurrences are keyed as document << POSITION_BITS | position.
POSITION_BITS = 32
COMPRESSION = 1  # zlib level: fast to write; blocks of numbers still shrink

_HEADER = struct.Struct("<IBBI")
NO_WEIGHTS, ONE_WEIGHT, WEIGHTS = 0, 1, 2
NO_VALUES, FIXED_VALUES, VALUES, POSITIONS = 0, 1, 2, 3


class QuorumCodec(W3Codec):
    def __init__(self, blocklimit=BLOCK_LIMIT, compression=COMPRESSION, inlinelimit=1):
        super().__init__(blocklimit, compression, inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors keep whoosh's blocks
            return super().postings_writer(dbfile, byteids)
        return QuorumPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return QuorumLeafMatcher(
            dbfile, offset, length, format_, term=term, scorer=scorer
        )


class QuorumPostingsWriter(W3PostingsWriter):
    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        comp = self._compression
        databytes = _pack(ids, self._weights, self._values, self._format, comp)
        # The block header whoosh's matchers read to skip blocks.
        infobytes = _pickled_info(
            len(ids),
            ids[-1],
            self._maxweight,
            comp,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
        )
        length = len(infobytes) + len(databytes)
        self._postfile.write_int(-length if last else length)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


def _pickled_info(*info) -> bytes:
    return dumps(info, 2)


def _pack(ids: array, weights: array, values: list, format_, level: int) -> bytes:
    count = len(ids)
    deltas = np.diff(np.frombuffer(ids, np.uint32), prepend=np.uint32(0))
    floats = np.frombuffer(weights, np.float32)
    if (floats == 1.0).all():
        weights_kind, weight_bytes = NO_WEIGHTS, b""
    elif (floats == floats[0]).all():
        weights_kind, weight_bytes = ONE_WEIGHT, floats[:1].tobytes()
    else:
        weights_kind, weight_bytes = WEIGHTS, floats.tobytes()
    fixed = format_.fixed_value_size()
    if not values:
        values_kind, value_bytes = NO_VALUES, b""
    elif len(values) != count:
        raise ValueError("some postings of a block have values and some have none")
    elif fixed is not None and fixed > 0:
        values_kind, value_bytes = FIXED_VALUES, b"".join(values)
    elif type(format_) is formats.Positions:
        moves = [decode_position_deltas(value) for value in values]
        counts = array("I", map(len, moves)).tobytes()
        values_kind = POSITIONS
        value_bytes = counts + array("I", chain.from_iterable(moves)).tobytes()
    else:
        lengths = array("I", map(len, values)).tobytes()
        values_kind, value_bytes = VALUES, lengths + b"".join(values)
    numbers = _compress(deltas.astype(np.uint32).tobytes() + weight_bytes, level)
    return b"".join(
        (
            _HEADER.pack(count, weights_kind, values_kind, len(numbers)),
            numbers,
            _compress(value_bytes, level) if value_bytes else b"",
        )
    )


def _compress(data: bytes, level: int) -> bytes:
    return zlib.compress(data, level) if level else data


def _decompress(data: bytes, level: int) -> bytes:
    return zlib.decompress(data) if level else bytes(data)


class Block:
    """One block's document numbers (absolute) and weights as arrays. Its
    values are decompressed when first asked for (only phrases need them):
    as whoosh encodes them (`values`), or as arrays of positions."""

    __slots__ = ("ids", "weights", "_raw", "_kind", "_fixed", "_level", "_packed")

    def __init__(self, data: bytes, fixed_size, level: int):
        count, weights_kind, values_kind, size = _HEADER.unpack_from(data)
        numbers = _decompress(data[_HEADER.size : _HEADER.size + size], level)
        self.ids = np.cumsum(np.frombuffer(numbers, np.uint32, count), dtype=np.int64)
        at = 4 * count
        if weights_kind == NO_WEIGHTS:
            self.weights = np.ones(count)
        elif weights_kind == ONE_WEIGHT:
            self.weights = np.full(count, np.frombuffer(numbers, np.float32, 1, at)[0])
        else:
            self.weights = np.frombuffer(numbers, np.float32, count, at).astype(float)
        self._kind, self._fixed, self._level = values_kind, fixed_size, level
        self._raw = data[_HEADER.size + size :]
        self._packed: PackedValues | None = None

    @property
    def has_values(self) -> bool:
        return self._kind != NO_VALUES

    @property
    def has_positions(self) -> bool:
        return self._kind == POSITIONS

    @property
    def raw_size(self) -> int:
        return len(self._raw)

    @property
    def values(self) -> PackedValues | None:
        """The values as whoosh encodes them."""
        if self._kind == NO_VALUES or self._packed is not None:
            return self._packed
        count = len(self.ids)
        if self._kind == POSITIONS:
            starts, positions = self.positions()
            encode = Positions().encode
            encoded = [encode(p.tolist()) for p in np.split(positions, starts[1:])]
            lengths = np.fromiter(map(len, encoded), np.int64, count)
            self._packed = PackedValues(lengths, b"".join(encoded))
            return self._packed
        data = _decompress(self._raw, self._level)
        if self._kind == FIXED_VALUES:
            self._packed = PackedValues(np.full(count, self._fixed, np.int64), data)
        else:
            lengths = np.frombuffer(data, np.uint32, count).astype(np.int64)
            self._packed = PackedValues(lengths, data[4 * count :])
        return self._packed

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each posting's positions start, and all positions, for a
        block written with positions."""
        data, count = _decompress(self._raw, self._level), len(self.ids)
        counts = np.frombuffer(data, np.uint32, count).astype(np.int64)
        deltas = np.frombuffer(data, np.uint32, offset=4 * count).astype(np.int64)
        return _restarting_cumsum(counts, deltas)


def _restarting_cumsum(counts: np.ndarray, deltas: np.ndarray):
    """Running sums of `deltas` that restart at each group of `counts`, and
    where each group starts."""
    starts = np.zeros(len(counts), np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    running = np.cumsum(deltas)
    before = np.zeros(len(counts), np.int64)
    nonempty = starts > 0
    before[nonempty] = running[starts[nonempty] - 1]
    return starts, running - np.repeat(before, counts)


def decode_position_deltas(value: bytes) -> list[int]:
    """whoosh's Positions value: a 4-byte count, then a pickled list of
    position deltas (the pickle's final "." dropped when it can be)."""
    return loads(value[4:] if value.endswith(b".") else value[4:] + b".")


class PackedValues:
    """Encoded values of postings, end to end, read one at a time."""

    def __init__(self, lengths: np.ndarray, blob: bytes):
        self.ends = np.cumsum(lengths)
        self.blob = blob

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> bytes:
        start = int(self.ends[index - 1]) if index else 0
        return self.blob[start : int(self.ends[index])]

    def as_list(self) -> list[bytes]:
        return [self[i] for i in range(len(self))]


class BlockValues:
    """The values of a whole posting list, read from its blocks when first
    asked for."""

    def positions(self) -> np.ndarray | None:
        """Every occurrence as ``document << 32 | position`` when the blocks
        hold positions as numbers (else None)."""
        if not self._blocks or not self._blocks[0].has_positions:
            return None
        parts = []
        for block in self._blocks:
            starts, positions = block.positions()
            counts = np.diff(np.append(starts, len(positions)))
            parts.append((np.repeat(block.ids, counts) << POSITION_BITS) | positions)
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def __init__(self, blocks: list[Block]):
        self._blocks = blocks
        self._packed: PackedValues | None = None
        # Memory once decompressed, roughly (cache accounting).
        self.nbytes = 4 * sum(block.raw_size for block in blocks)

    def _joined(self) -> PackedValues:
        if self._packed is None:
            parts = [block.values for block in self._blocks]
            lengths = np.concatenate([np.diff(p.ends, prepend=0) for p in parts])
            self._packed = PackedValues(lengths, b"".join(p.blob for p in parts))
            self._blocks = []
        return self._packed

    def __len__(self) -> int:
        return len(self._joined())

    def __getitem__(self, index: int) -> bytes:
        return self._joined()[index]


def read_blocks(postfile, offset: int, length: int, format_):
    """The blocks of one posting list written by `QuorumCodec`."""
    matcher = QuorumLeafMatcher(postfile, offset, length, format_)
    while True:
        yield matcher.block()
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


class QuorumLeafMatcher(W3LeafMatcher):
    def block(self) -> Block:
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        return Block(data, self._fixedsize, self._compression)

    def _read_data(self):
        # whoosh's matchers expect (id deltas, weights, values) as W3 has them.
        block = self.block()
        deltas = np.diff(block.ids, prepend=0).astype(np.uint32)
        weights = array("f", block.weights.astype(np.float32).tobytes())
        fixed = self._fixedsize
        if block.values is None:
            values = None
        elif fixed is not None and fixed > 0:
            values = block.values.blob
        else:
            values = tuple(block.values.as_list())
        self._data = (array("I", deltas.tobytes()), weights, values)


def uses_quorum_codec(reader) -> bool:
    return isinstance(getattr(reader, "_codec", None), QuorumCodec)
