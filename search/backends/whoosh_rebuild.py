"""Full rebuilds, fast: documents analysed straight into posting columns and
written as whole segments, by worker processes in parallel.

whoosh's SegmentWriter spends a rebuild in Python, per word and per posting:
a Token object per word through the analyzer chain, a tuple per posting
pickled into sorted runs and read back, and several calls per posting as the
codec writes it out (30-60 documents/s for ~600-word documents). Here, for
the same documents, the segment files come out byte for byte as whoosh's:

* text fields go through `TextTerms`, the spelling field through
  `VocabularyTokenizer.words` (one regex pass per field, each distinct word
  analysed once per process); other fields through whoosh's own ``index()``;
* postings are kept as columns (term number, weight, length of the encoded
  value, and one byte string of the values): 12 bytes a posting plus its
  positions. When the pool is full they are sorted by term with numpy and
  written to a run file;
* at the end each term's postings are gathered from the runs and handed to
  the codec's own postings writer a whole block at a time (instead of a call
  per posting); stored fields, lengths and columns go through whoosh's
  per-document writer.

`RebuildWriter` is what a rebuild writes with. A small rebuild it writes
itself, as one segment; beyond `IN_PROCESS_LIMIT` documents it starts worker
processes (fresh interpreters, where Django is not set up and nothing of the
parent's memory is copied), deals the documents out to them, and each writes
one segment. The caller commits the segments as the index's next generation.
"""

from __future__ import annotations

import ctypes
import logging
import mmap
import multiprocessing
import os
import queue
import shutil
import sys
import traceback
from array import array
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import W3FieldWriter, W3TermInfo
from whoosh.fields import UnknownFieldError
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.system import pack_uint, pack_ushort

from .whoosh_codec import QuorumCodec
from .whoosh_mapping import (
    VocabularyTokenizer,
    autocomplete_analyzer,
    prefix_terms,
    text_analyzer,
    text_terms,
    vocabulary_analyzer,
)

logger = logging.getLogger("search.backends.whoosh")

# Up to this many documents a rebuild is written in this process: starting
# workers costs a second or two, and tests and small sites stay one segment.
IN_PROCESS_LIMIT = 2_000
# Documents sent to a worker at a time, and batches waiting per worker.
BATCH = 500
QUEUE_DEPTH = 4
# How often a waiting parent checks on its workers (and shows it is alive).
POLL_SECONDS = 2.0

# Positions values of terms found once, by position (most terms of a text),
# and Frequency values, by frequency.
_SINGLE_POSITIONS = 4096
_FREQUENCIES = 256
# Filter values a field remembers the terms of.
_INDEXED_VALUES = 4096
# Field terms looked up in the runs at a time, when postings are written.
_TERMS_AT_ONCE = 1024


class RebuildFailed(Exception):
    """A worker process writing part of a rebuild failed."""


# One segment


class SegmentBuilder:
    """Writes one new segment of the index in `storage` from documents (the
    dicts `IndexMapping.document` makes), as whoosh's SegmentWriter would,
    without committing it: `finish` returns the segment."""

    def __init__(
        self,
        storage: FileStorage,
        indexname: str,
        schema,
        *,
        tempdir: Path,
        limitmb: int,
        codec: QuorumCodec | None = None,
        stagger: float = 1.0,
        heartbeat: Callable[[], None] = lambda: None,
    ):
        _keep_heap_slack()
        self.storage = storage
        self.schema = schema
        self.heartbeat = heartbeat
        self.codec = codec or QuorumCodec()
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        # Half the memory for postings, half for sorting them.
        limit = int(limitmb * 1024 * 1024) // 2
        self.pool = PostingPool(tempdir, limit, int(limit * stagger))
        self.docnum = 0
        self._fields = {
            name: _FieldPlan(name, field, self.pool) for name, field in schema.items()
        }
        self._lengths = [
            plan.lengths for plan in self._fields.values() if plan.lengths is not None
        ]
        self._text_terms = text_terms()
        self._prefix_terms = prefix_terms()
        self._vocabulary: VocabularyTokenizer = vocabulary_analyzer()
        positions = formats.Positions()
        self._encode_positions = positions.encode
        self._single = [positions.encode([p]) for p in range(_SINGLE_POSITIONS)]
        # What formats.Frequency stores with a posting: the frequency.
        self._encode_frequency = pack_uint
        self._frequencies = [pack_uint(f) for f in range(_FREQUENCIES)]

    def add_documents(self, documents: list[dict]) -> None:
        for document in documents:
            self.add_document(document)

    def add_document(self, document: dict) -> None:
        """Add a document (as SegmentWriter.add_document, without boosts).
        After an error the segment is unusable, as whoosh's is: cancel it."""
        perdoc = self.perdoc
        docnum = self.docnum
        names = sorted(document)
        for name in names:
            if name not in self._fields:
                raise UnknownFieldError(f"No field named {name!r} in {self.schema}")
        perdoc.start_doc(docnum)
        for lengths in self._lengths:
            lengths.append(0)
        for name in names:
            value = document[name]
            if value is None:
                continue
            plan = self._fields[name]
            field = plan.field
            length = self._index(plan, value) if field.indexed else 0
            if plan.lengths is not None:
                plan.lengths[docnum] = length
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(
                    name, field.column_type, field.to_column_value(value)
                )
        perdoc.finish_doc()
        self.pool.end_document()
        self.docnum += 1

    def _index(self, plan: _FieldPlan, value) -> int:
        """Pool the postings of one field of a document; its length."""
        pool = self.pool
        kind = plan.kind if isinstance(value, str) else "other"
        if kind == "text":
            positions, length = self._text_terms(value)
            single = self._single
            encode = self._encode_positions
            found = positions.values()
            pool.add(
                list(map(plan.terms.__getitem__, positions)),
                [float(len(places)) for places in found],
                [
                    single[places[0]]
                    if len(places) == 1 and places[0] < _SINGLE_POSITIONS
                    else encode(places)
                    for places in found
                ],
            )
        elif kind == "prefixes":
            counts, length = self._prefix_terms(value)
            known = self._frequencies
            encode = self._encode_frequency
            frequencies = counts.values()
            pool.add(
                list(map(plan.terms.__getitem__, counts)),
                [float(frequency) for frequency in frequencies],
                [
                    known[frequency] if frequency < _FREQUENCIES else encode(frequency)
                    for frequency in frequencies
                ],
            )
        elif kind == "vocabulary":
            words = self._vocabulary.words(value)
            length = len(words)
            pool.add(list(map(plan.terms.__getitem__, words)), [1.0] * length, None)
        else:
            terms, weights, values, length = plan.index(value)
            pool.add(list(map(plan.terms.__getitem__, terms)), weights, values)
        return length if plan.field.scorable else 0

    def finish(self):
        """Write the postings and close the segment's files; the segment."""
        self.perdoc.close()
        self.pool.seal()
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        try:
            write = _TermWriter(fieldwriter)
            for name in sorted(self._fields):
                plan = self._fields[name]
                if not plan.terms:
                    continue
                fieldwriter.start_field(name, plan.field)
                write.start_field(plan.field, plan.lengths)
                terms = plan.sorted_terms()
                tids = (tid for _btext, tid in terms)
                for number, ((btext, _tid), postings) in enumerate(
                    zip(terms, self.pool.postings(tids), strict=True)
                ):
                    write(btext, *postings)
                    if not number % 50_000:
                        self.heartbeat()
                fieldwriter.finish_field()
        finally:
            fieldwriter.close()
            self.pool.discard()
        segment = self.segment
        segment.set_doc_count(self.docnum)
        if segment.should_assemble():
            segment.create_compound_file(self.storage)
        return segment

    def cancel(self) -> None:
        if not self.perdoc.is_closed:
            self.perdoc.close()
        self.pool.discard()


class _FieldPlan:
    """How one schema field is indexed here, and its terms so far."""

    def __init__(self, name: str, field, pool: PostingPool):
        self.name = name
        self.field = field
        if field.vector or field.separate_spelling():
            raise ValueError(f"Field {name!r}: term vectors and spelling are not built")
        self.kind = "other"
        fmt = field.format
        if field.indexed and fmt.field_boost == 1.0:
            analyzer = field.analyzer
            if type(fmt) is formats.Positions and analyzer == text_analyzer():
                self.kind = "text"
            elif type(fmt) is formats.Frequency and analyzer == autocomplete_analyzer():
                self.kind = "prefixes"
            elif type(fmt) is formats.Existence and analyzer == vocabulary_analyzer():
                self.kind = "vocabulary"
        self.terms = _Terms(pool, text=self.kind != "other")
        # The field's length in each document (for block statistics).
        self.lengths = array("I") if field.scorable else None
        # What whoosh's index() made of recent values (filters repeat them).
        self._indexed: dict = {}

    def index(self, value) -> tuple[list, list[float], list[bytes], int]:
        """whoosh's ``index()`` of a value: terms, weights, values, length."""
        key = tuple(value) if isinstance(value, list) else value
        try:
            known = self._indexed.get(key)
        except TypeError:  # unhashable
            key, known = None, None
        if known is not None:
            return known
        terms, weights, values, length = [], [], [], 0
        for btext, frequency, weight, encoded in self.field.index(value):
            terms.append(btext)
            weights.append(weight)
            values.append(encoded)
            length += frequency
        if self.kind != "other":
            # A list for a text field (whoosh takes it as tokens).
            terms = [btext.decode("utf-8") for btext in terms]
        known = terms, weights, values, length
        if key is not None:
            if len(self._indexed) >= _INDEXED_VALUES:
                self._indexed.clear()
            self._indexed[key] = known
        return known

    def sorted_terms(self) -> list[tuple[bytes, int]]:
        """(term bytes, term number) in whoosh's order (by bytes)."""
        if self.terms.text:
            return sorted(
                (term.encode("utf-8"), tid) for term, tid in self.terms.items()
            )
        return sorted(self.terms.items())


class _Terms(dict):
    """A field's terms (str, or bytes from whoosh's ``index()``) -> term
    numbers in the pool, numbered on first sight."""

    def __init__(self, pool: PostingPool, *, text: bool):
        super().__init__()
        self.pool = pool
        self.text = text

    def __missing__(self, term) -> int:
        tid = self[term] = self.pool.known_terms
        self.pool.known_terms += 1
        return tid


# Postings


class PostingPool:
    """The postings of one new segment: the latest as columns in document
    order, the earlier ones in runs, sorted by term and written to files.

    A posting takes 12 bytes here plus its encoded positions; sorting a full
    pool takes about as much again for a moment, so a worker's memory stays
    within about twice `limit_bytes` (plus its vocabulary). The first run
    is cut at `first_limit_bytes`, so that workers started together sort
    at different times."""

    def __init__(
        self, tempdir: Path, limit_bytes: int, first_limit_bytes: int | None = None
    ):
        self.tempdir = tempdir
        self.limit_bytes = first_limit_bytes or limit_bytes
        self._next_limit_bytes = limit_bytes
        self.known_terms = 0  # term numbers given out
        self.runs: list[_Run] = []
        self._docs_before = 0  # documents in earlier runs
        self._reset()

    def _reset(self) -> None:
        self.tids = array("I")
        self.weights = array("f")
        self.value_lengths = array("I")
        self.values = bytearray()
        self.counts = array("I")  # postings per document
        self._document_start = 0

    def add(self, tids: list[int], weights: list[float], values) -> None:
        self.tids.extend(tids)
        self.weights.extend(weights)
        if values is None:
            self.value_lengths.frombytes(bytes(4 * len(tids)))
        else:
            self.value_lengths.extend(map(len, values))
            self.values += b"".join(values)

    def end_document(self) -> None:
        size = len(self.tids)
        self.counts.append(size - self._document_start)
        self._document_start = size
        if size * 12 + len(self.values) > self.limit_bytes:
            self._write_run()
            self.limit_bytes = self._next_limit_bytes

    def seal(self) -> None:
        """No more postings: the pooled ones become the last run."""
        if self.counts:
            self._write_run()

    def _write_run(self) -> None:
        """Sort the pooled postings by term (documents stay in order within
        a term), write them as a run, and empty the pool."""
        path = self.tempdir / f"run{len(self.runs)}"
        path.mkdir(parents=True, exist_ok=True)
        tids = np.frombuffer(self.tids, dtype=np.uint32)
        lengths = np.frombuffer(self.value_lengths, dtype=np.uint32)
        known = self.known_terms
        # Where each term's postings and values start in the run.
        starts = np.zeros(known + 1, dtype=np.int64)
        np.cumsum(np.bincount(tids, minlength=known), out=starts[1:])
        np.save(path / "starts.npy", starts)
        sizes = np.bincount(tids, weights=lengths, minlength=known)
        np.cumsum(sizes.astype(np.int64), out=starts[1:])
        np.save(path / "value_starts.npy", starts)
        del starts, sizes
        order = _term_order(tids)
        counts = np.frombuffer(self.counts, dtype=np.uint32)
        first = self._docs_before
        self._docs_before += len(counts)
        docs = np.repeat(np.arange(first, first + len(counts), dtype=np.uint32), counts)
        np.save(path / "docs.npy", docs[order])
        del docs
        np.save(path / "weights.npy", np.frombuffer(self.weights, np.float32)[order])
        np.save(path / "lengths.npy", lengths[order])
        _write_values(path / "values", self.values, lengths, order)
        del tids, lengths, counts, order
        self._reset()
        self.runs.append(_Run(path))

    def postings(self, tids: Iterable[int]):
        """Each term's documents, weights, value lengths and values (end to
        end), gathered from the runs."""
        tids = iter(tids)
        runs = self.runs
        while chunk := list(islice(tids, _TERMS_AT_ONCE)):
            spans = [run.spans(chunk) for run in runs]
            for number in range(len(chunk)):
                parts = [
                    run.postings(*span[number])
                    for run, span in zip(runs, spans, strict=True)
                    if span[number][0] != span[number][1]
                ]
                if len(parts) == 1:
                    yield parts[0]
                else:
                    yield (
                        np.concatenate([part[0] for part in parts]),
                        np.concatenate([part[1] for part in parts]),
                        np.concatenate([part[2] for part in parts]),
                        b"".join(part[3] for part in parts),
                    )

    def discard(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []
        shutil.rmtree(self.tempdir, ignore_errors=True)


def _term_order(tids: np.ndarray) -> np.ndarray:
    """Posting numbers sorted by term, in posting order within a term: the
    low halves of (term << 32 | posting) keys sorted in place, which takes
    8 bytes a posting where a stable argsort takes 12."""
    count = len(tids)
    keys = np.empty(count, dtype=np.uint64)
    step = 1 << 20
    for first in range(0, count, step):
        chunk = tids[first : first + step].astype(np.uint64)
        chunk <<= np.uint64(32)
        chunk |= np.arange(first, first + len(chunk), dtype=np.uint64)
        keys[first : first + step] = chunk
    keys.sort()
    low = 0 if sys.byteorder == "little" else 1
    return keys.view(np.uint32)[low::2]


def _write_values(path: Path, values: bytearray, lengths, order) -> None:
    """Write the values (byte strings of `lengths`, end to end) in `order`."""
    with path.open("wb") as out:
        if not values:
            return
        source = np.frombuffer(values, dtype=np.uint8)
        offsets = np.cumsum(lengths, dtype=np.int64)
        offsets -= lengths
        # An index per byte copied: a few megabytes at a time.
        step = 1 << 16
        for first in range(0, len(order), step):
            chosen = order[first : first + step]
            sizes = lengths[chosen].astype(np.int64)
            total = int(sizes.sum())
            if not total:
                continue
            index = np.repeat(offsets[chosen] - (np.cumsum(sizes) - sizes), sizes)
            index += np.arange(total)
            out.write(source[index].tobytes())


class _Run:
    """Postings sorted by term, in files: for term number t, postings
    ``starts[t]:starts[t + 1]`` and value bytes from ``value_starts[t]``.
    Everything is read through memory maps (file pages, not the process's
    own memory)."""

    def __init__(self, path: Path):
        def load(name: str) -> np.ndarray:
            # A plain array over the map: slicing a np.memmap costs more.
            return np.asarray(np.load(path / f"{name}.npy", mmap_mode="r"))

        self.starts = load("starts")
        self.value_starts = load("value_starts")
        self.docs = load("docs")
        self.weights = load("weights")
        self.lengths = load("lengths")
        self._file = (path / "values").open("rb")
        if os.fstat(self._file.fileno()).st_size:
            self.values = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        else:
            self.values = b""

    def spans(self, tids: list[int]) -> list[tuple[int, int, int, int]]:
        """For each term, its postings' and its values' start and end."""
        known = len(self.starts) - 1
        tids = np.asarray(tids, dtype=np.int64)
        # Terms first seen after this run have nothing in it.
        tids[tids > known] = known
        ends = np.minimum(tids + 1, known)
        return list(
            zip(
                self.starts[tids].tolist(),
                self.starts[ends].tolist(),
                self.value_starts[tids].tolist(),
                self.value_starts[ends].tolist(),
                strict=True,
            )
        )

    def postings(self, start: int, end: int, value_start: int, value_end: int):
        return (
            self.docs[start:end],
            self.weights[start:end],
            self.lengths[start:end],
            self.values[value_start:value_end],
        )

    def close(self) -> None:
        if isinstance(self.values, mmap.mmap):
            self.values.close()
        self._file.close()


class _TermWriter:
    """Writes terms' postings through the codec's own postings writer, a
    whole block at a time (its buffers filled from arrays instead of a call
    per posting), and their entries in the term index."""

    def __init__(self, fieldwriter: W3FieldWriter):
        self.fieldwriter = fieldwriter
        self.termindex = fieldwriter._tindex

    def start_field(self, field, lengths: array | None) -> None:
        # The field writer has just made this field's postings writer.
        self.postings = self.fieldwriter._postwriter
        if self.postings._inlinelimit > 1:
            raise ValueError("Inlined postings are not written here")
        self.format = field.format
        self.limit = self.postings._blocklimit
        self.lengths = lengths
        self.length_array = (
            None if lengths is None else np.frombuffer(lengths, np.uint32)
        )
        self.index_offset = self.termindex.dbfile.tell()

    def __call__(self, btext, docs, weights, value_lengths, values) -> None:
        postings, limit = self.postings, self.limit
        count = len(docs)
        postings.start_postings(self.format, W3TermInfo())
        value_start = 0
        for start in range(0, count, limit):
            end = min(start + limit, count)
            if start:
                postings._write_block()
            block_docs = docs[start:end]
            block_weights = weights[start:end]
            postings._ids = ids = array("I", block_docs.tobytes())
            postings._weights = array("f", block_weights.tobytes())
            max_weight = float(block_weights.max())
            postings._maxweight = max_weight if max_weight > 0 else 0
            if values:
                sizes = value_lengths[start:end].tolist()
                block_values = []
                for size in sizes:
                    if size:
                        block_values.append(values[value_start : value_start + size])
                        value_start += size
                postings._values = block_values
            postings._minlength, postings._maxlength = self._length_range(
                ids, block_docs
            )
        terminfo = postings.finish_postings()
        self._add_term(pack_ushort(self.fieldwriter._fieldid) + btext, terminfo)

    def _length_range(self, ids: array, docs) -> tuple[int | None, int]:
        """The shortest and longest field length (but 0) of the documents."""
        if self.lengths is None:
            return None, 0
        if len(ids) > _SHORT_BLOCK:
            found = self.length_array[docs]
            found = found[found > 0]
            if not len(found):
                return None, 0
            return int(found.min()), int(found.max())
        lengths = self.lengths
        found = [lengths[doc] for doc in ids if lengths[doc]]
        if not found:
            return None, 0
        return min(found), max(found)

    def _add_term(self, key: bytes, terminfo: W3TermInfo) -> None:
        # OrderedHashWriter.add, without its two tell() calls a term.
        index = self.termindex
        if key <= index.lastkey:
            raise ValueError(f"Keys must increase: {index.lastkey!r}..{key!r}")
        value = terminfo.to_bytes()
        position = self.index_offset
        index.index.append(position)
        entry = _HASH_LENGTHS.pack(len(key), len(value)) + key + value
        index.dbfile.write(entry)
        self.index_offset = position + len(entry)
        hashed = index.hashfn(key)
        index.buckets[hashed & 255].append((hashed, position))
        index.lastkey = key


# Blocks up to this many postings find their length range in Python, longer
# ones with numpy (whose calls cost more than a few postings' worth).
_SHORT_BLOCK = 48


# Several segments at once


class RebuildWriter:
    """The documents of a rebuild, written as new segments of the index in
    `storage` (not committed: `finish` returns them).

    Up to `IN_PROCESS_LIMIT` documents are kept and written here as one
    segment; beyond that `processes` workers each write a segment, and
    `heartbeat` is called while they finish."""

    def __init__(
        self,
        storage: FileStorage,
        indexname: str,
        schema,
        *,
        processes: int,
        limitmb: int,
        heartbeat: Callable[[], None] = lambda: None,
        codec: QuorumCodec | None = None,
    ):
        self.storage = storage
        self.indexname = indexname
        self.schema = schema
        self.codec = codec or QuorumCodec()
        # A daemonic process (some task runners') may not start processes.
        daemonic = multiprocessing.current_process().daemon
        self.processes = 1 if daemonic else max(1, processes)
        self.limitmb = limitmb
        self.heartbeat = heartbeat
        self.documents = 0
        self._kept: list[dict] = []
        self._builder: SegmentBuilder | None = None
        self._workers: list[_Worker] = []
        self._next = 0
        self._results = None
        self.is_closed = False

    @property
    def tempdir(self) -> Path:
        return Path(self.storage.folder) / f"{self.indexname}.rebuild"

    def add_documents(self, documents: list[dict]) -> None:
        if not documents:
            return
        self.documents += len(documents)
        if self._workers:
            self._send(documents)
        elif self._builder is not None:
            self._builder.add_documents(documents)
        else:
            self._kept.extend(documents)
            if len(self._kept) > IN_PROCESS_LIMIT:
                kept, self._kept = self._kept, []
                if self.processes > 1:
                    self._start_workers()
                    self._send(kept)
                else:
                    self._builder = self._new_builder(self.tempdir / "pool")
                    self._builder.add_documents(kept)

    def finish(self) -> list:
        """Write the segments; return them, in document order."""
        logger.info(
            "Writing the rebuilt index %s: %d documents, in %d process(es)",
            self.indexname,
            self.documents,
            len(self._workers) or 1,
        )
        try:
            if self._workers:
                segments = self._finish_workers()
            else:
                if self._builder is None and self._kept:
                    self._builder = self._new_builder(self.tempdir / "pool")
                    self._builder.add_documents(self._kept)
                    self._kept = []
                segments = [self._builder.finish()] if self._builder else []
        except BaseException:
            self.cancel()
            raise
        self._close()
        return segments

    def cancel(self) -> None:
        """Stop the workers and remove what they wrote but the segment files
        (which the caller's clean-up or directory removal deletes)."""
        if self.is_closed:
            return
        for worker in self._workers:
            worker.stop()
        if self._builder is not None:
            self._builder.cancel()
        self._close()

    def _close(self) -> None:
        if self._builder is not None:
            self._builder.pool.discard()
        self._builder = None
        self._kept = []
        self._workers = []
        shutil.rmtree(self.tempdir, ignore_errors=True)
        # The per-document writers' shared temporary directory.
        shutil.rmtree(
            Path(self.storage.folder) / f"{self.indexname}.tmp", ignore_errors=True
        )
        self.is_closed = True

    def _new_builder(self, tempdir: Path) -> SegmentBuilder:
        return SegmentBuilder(
            self.storage,
            self.indexname,
            self.schema,
            tempdir=tempdir,
            limitmb=self.limitmb,
            codec=self.codec,
            heartbeat=self.heartbeat,
        )

    # Workers

    def _start_workers(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._results = context.Queue()
        # Created here: the workers' per-document writers share it.
        self.storage.temp_storage(f"{self.indexname}.tmp")
        for number in range(self.processes):
            self._workers.append(
                _Worker(
                    context,
                    number,
                    self._results,
                    folder=self.storage.folder,
                    indexname=self.indexname,
                    schema=self.schema,
                    tempdir=self.tempdir / f"worker{number}",
                    limitmb=self.limitmb,
                    codec=self.codec,
                    # Workers fed alike sort at different times.
                    stagger=(number + 1) / self.processes,
                )
            )

    def _send(self, documents: list[dict]) -> None:
        for first in range(0, len(documents), BATCH):
            worker = self._workers[self._next]
            self._next = (self._next + 1) % len(self._workers)
            self._put(worker, documents[first : first + BATCH])

    def _put(self, worker: _Worker, item) -> None:
        while not worker.put(item):
            self.heartbeat()
            if not worker.alive():
                raise self._failure(worker)

    def _finish_workers(self) -> list:
        for worker in self._workers:
            self._put(worker, None)
        segments: dict[int, object] = {}
        while len(segments) < len(self._workers):
            try:
                number, outcome, detail = self._results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self.heartbeat()
                for worker in self._workers:
                    if worker.number not in segments and not worker.alive():
                        raise self._failure(worker) from None
                continue
            if outcome != "done":
                raise RebuildFailed(f"Rebuild worker {number} failed:\n{detail}")
            segments[number] = detail
        for worker in self._workers:
            worker.close()
        return [segments[number] for number in sorted(segments) if segments[number]]

    def _failure(self, worker: _Worker) -> RebuildFailed:
        """Why `worker` stopped: its own report, if it made one."""
        try:
            while True:
                number, outcome, detail = self._results.get(timeout=0.5)
                if number == worker.number and outcome != "done":
                    return RebuildFailed(f"Rebuild worker {number} failed:\n{detail}")
        except queue.Empty:
            return RebuildFailed(
                f"Rebuild worker {worker.number} stopped "
                f"(exit code {worker.process.exitcode})"
            )


class _Worker:
    """A worker process writing one segment, and the queue that feeds it."""

    def __init__(self, context, number: int, results, **arguments):
        self.number = number
        self.documents = context.Queue(QUEUE_DEPTH)
        self.process = context.Process(
            target=_write_segment,
            args=(number, self.documents, results),
            kwargs=arguments,
            name=f"quorum-rebuild-{number}",
            daemon=True,
        )
        self.process.start()

    def alive(self) -> bool:
        return self.process.is_alive()

    def put(self, documents: list[dict] | None) -> bool:
        """Queue documents (None: the end) unless the queue stays full."""
        try:
            self.documents.put(documents, timeout=POLL_SECONDS)
        except queue.Full:
            return False
        return True

    def close(self) -> None:
        self.documents.close()
        self.documents.join_thread()
        self.process.join()

    def stop(self) -> None:
        self.documents.cancel_join_thread()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _write_segment(
    number,
    documents,
    results,
    *,
    folder,
    indexname,
    schema,
    tempdir,
    limitmb,
    codec,
    stagger,
):
    """A worker's life: documents in until None, then its segment out."""
    builder = None
    try:
        storage = FileStorage(folder)
        builder = SegmentBuilder(
            storage,
            indexname,
            schema,
            tempdir=Path(tempdir),
            limitmb=limitmb,
            codec=codec,
            stagger=stagger,
        )
        for batch in iter(documents.get, None):
            builder.add_documents(batch)
        segment = builder.finish() if builder.docnum else None
        builder.pool.discard()
        results.put((number, "done", segment))
    except BaseException:
        if builder is not None:
            builder.cancel()
            builder.pool.discard()
        results.put((number, "failed", traceback.format_exc()))
    finally:
        results.close()
        results.join_thread()


def _keep_heap_slack(pad: int = 4 << 20) -> None:
    """Let glibc keep a few megabytes free at the top of the heap (for the
    rest of the process: a few megabytes more memory, and saves write their
    blocks faster too).

    zlib allocates and frees ~270 kB each time it compresses; by default
    glibc hands the freed top of the heap back to the system every time, and
    the next call faults the pages in again: 70 µs a call instead of 3, for
    the two calls a block of postings takes."""
    try:
        ctypes.CDLL(None).mallopt(_M_TOP_PAD, pad)
    except (OSError, AttributeError):  # not glibc
        pass


_M_TOP_PAD = -2  # glibc's malloc.h
