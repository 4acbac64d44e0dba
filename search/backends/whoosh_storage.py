"""The whoosh indexes on disk: cached searchers, the single writer, health.

Readers never wait: whoosh segments are immutable and a commit swaps in a new
table of contents, so a searcher keeps answering from the generation it
opened. Each thread keeps one searcher per index and refreshes it (reusing
the unchanged segments) when a newer generation appears.

One process writes at a time, under whoosh's writer lock (an OS file lock, so
a crashed writer does not leave it held). A writer waits a little for the
lock; an update that still cannot be written (the lock is busy, e.g. during a
rebuild, or the index is unusable) is noted in a journal of pending updates
and re-read from the database by the next writer, so it is never lost.

A rebuild writes a complete new generation and swaps it in when done: in
place when the index is sound (whoosh's CLEAR merge), else in a sibling
directory renamed into place. Searches meanwhile see the old index.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import socket
import struct
import threading
import time
import uuid
import weakref
import zlib
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.idsets import DocIdSet
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for
from whoosh.writing import SegmentWriter

from .whoosh_codec import QuorumCodec
from .whoosh_mapping import ID
from .whoosh_ranking import filter_mask
from .whoosh_rebuild import RebuildWriter
from .whoosh_segments import DEFAULT_BUDGET_BYTES, SegmentCache

logger = logging.getLogger("search.backends.whoosh")

LOCK_NAME = f"{whoosh_index._DEF_INDEX_NAME}_WRITELOCK"
# Recent rankings (top hits and match count) per thread and generation.
RANKINGS_CACHE_SIZE = 32
HOLDER_FILE = "writer.json"

# What reading a damaged index raises, beyond whoosh's own IndexError.
READ_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    struct.error,
    zlib.error,
    whoosh_index.IndexError,
    AssertionError,
    TypeError,
)


class IndexUnavailable(Exception):
    """The index cannot answer: not built yet, damaged, or built for other
    search fields. Search through the database instead and rebuild it
    (``manage.py update_index``)."""

    def __init__(self, index_name: str, problem: str):
        super().__init__(f"The search index {index_name!r} is unavailable: {problem}")
        self.index_name = index_name
        self.problem = problem


class IndexLocked(Exception):
    """Another writer holds the index's writer lock."""

    def __init__(self, index_name: str, holder: str):
        super().__init__(
            f"The search index {index_name!r} is being written by {holder}."
        )
        self.index_name = index_name
        self.holder = holder


@dataclass(frozen=True)
class IndexHealth:
    """What `IndexStore.health` found."""

    name: str
    path: str
    healthy: bool
    problem: str = ""
    documents: int = 0
    pending_updates: int = 0
    writer: str = ""


class PendingUpdates:
    """Objects whose index update could not be written yet, as
    ``(model label, pk)``; the next writer re-reads them from the database."""

    def __init__(self, path: Path):
        self.path = path

    def add(self, keys: Iterable[tuple[str, str]]) -> None:
        data = "".join(f"{label}\t{pk}\n" for label, pk in keys).encode()
        if not data:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                # A writer may have taken the journal between open and lock:
                # then this descriptor is the old file, and we start again.
                if _same_file(fd, self.path):
                    os.write(fd, data)
                    return
            finally:
                os.close(fd)

    def take(self) -> list[tuple[str, str]]:
        """Remove and return the pending updates."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return []
        taken = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if not _same_file(fd, self.path):
                return []
            os.rename(self.path, taken)
        finally:
            os.close(fd)
        try:
            lines = taken.read_text().splitlines()
        finally:
            taken.unlink()
        return [tuple(line.split("\t", 1)) for line in lines if "\t" in line]

    def count(self) -> int:
        try:
            with self.path.open("rb") as journal:
                return sum(1 for _ in journal)
        except FileNotFoundError:
            return 0


def _same_file(fd: int, path: Path) -> bool:
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        if self.size:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class AllowedDocuments(DocIdSet):
    """Document numbers a filter allows: one boolean array per segment."""

    def __init__(self, parts: list[tuple[int, np.ndarray]]):
        self._offsets = [offset for offset, _mask in parts]
        self._masks = [mask for _offset, mask in parts]

    def __contains__(self, docnum: int) -> bool:
        part = bisect_right(self._offsets, docnum) - 1
        if part < 0:
            return False
        local = docnum - self._offsets[part]
        mask = self._masks[part]
        return local < len(mask) and bool(mask[local])

    def __bool__(self) -> bool:
        # Even when empty this is a filter, not "no filter" (whoosh's
        # collectors test the filter's truth).
        return True

    def segment_mask(self, leaf: int) -> np.ndarray:
        """The allowed local documents of the `leaf`-th segment."""
        return self._masks[leaf]


class IndexStore:
    """One index directory and this process's searchers for it."""

    def __init__(
        self,
        path: Path,
        name: str,
        schema,
        layout_field: str,
        *,
        stale_after,
        cache_bytes: int = DEFAULT_BUDGET_BYTES,
    ):
        self.path = path
        self.name = name
        self.schema = schema
        self.layout_field = layout_field
        self.stale_after = stale_after
        self.pending = PendingUpdates(path.with_name(f"{path.name}.pending"))
        self._local = threading.local()
        self._searchers: weakref.WeakSet[Searcher] = weakref.WeakSet()
        self._searchers_lock = threading.Lock()
        self._logged: set[str] = set()
        self.segments = SegmentCache(cache_bytes)

    # Reading

    def searcher(self) -> Searcher:
        """This thread's searcher, on the latest generation of the index."""
        local = self._local
        identity = _directory_identity(self.path)
        if identity is None:
            raise IndexUnavailable(
                self.name, "it has not been built yet (run manage.py update_index)"
            )
        searcher = getattr(local, "searcher", None)
        if searcher is not None and (
            local.pid != os.getpid() or local.identity != identity
        ):
            # Forked, or the directory was replaced by a rebuild.
            self._close(searcher)
            searcher = None
        try:
            if searcher is None:
                ix = self._open_index()
                previous = None
            else:
                ix = local.ix
                if ix.latest_generation() == local.generation:
                    return searcher
                previous = searcher.reader()
            generation, reader = _open_reader(ix, previous)
            self._check_layout(reader.schema)
        except IndexUnavailable:
            self.forget_searcher()
            raise
        except READ_ERRORS as exc:
            self.forget_searcher()
            raise self.damaged(exc) from exc
        searcher = Searcher(reader, fromindex=ix)
        self._remember(searcher)
        local.searcher, local.ix, local.generation = searcher, ix, generation
        local.pid, local.identity = os.getpid(), identity
        local.rankings = _LRU(RANKINGS_CACHE_SIZE)
        return searcher

    def rankings(self, searcher: Searcher) -> _LRU:
        """This thread's cache of rankings for `searcher`'s generation."""
        local = self._local
        if getattr(local, "searcher", None) is not searcher:
            return _LRU(0)
        return local.rankings

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turn errors from reading a damaged index into IndexUnavailable."""
        try:
            yield
        except IndexUnavailable:
            raise
        except READ_ERRORS as exc:
            self.forget_searcher()
            raise self.damaged(exc) from exc

    def allowed(self, searcher: Searcher, filters) -> AllowedDocuments:
        """The documents `filters` (a whoosh query) lets through, for
        rankings and whoosh's collectors.

        Segments never change once written (deletions aside, and a deleted
        document never matches a search anyway), so each segment's answer is
        cached under its id: visibility and content type filters repeat on
        almost every search, and after a save only the new small segment has
        to be evaluated."""
        parts = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            mask = self.segments.remember(
                reader,
                ("allowed", filters),
                lambda leaf=leaf, reader=reader: filter_mask(
                    filters, leaf, reader, self.segments
                ),
            )
            parts.append((offset, mask))
        return AllowedDocuments(parts)

    def forget_searcher(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if searcher is not None:
            self._close(searcher)

    def _open_index(self):
        try:
            ix = whoosh_index.FileIndex(FileStorage(str(self.path)))
        except whoosh_index.EmptyIndexError as exc:
            raise IndexUnavailable(
                self.name, "its directory holds no index (run manage.py update_index)"
            ) from exc
        self._check_layout(ix.schema)
        return ix

    def _check_layout(self, schema) -> None:
        if self.layout_field not in schema.names():
            raise IndexUnavailable(
                self.name,
                "it was built for other search fields or an older version "
                "(run manage.py update_index)",
            )

    def _remember(self, searcher: Searcher) -> None:
        with self._searchers_lock:
            self._searchers.add(searcher)

    def _close(self, searcher: Searcher) -> None:
        with suppress(Exception):
            searcher.close()

    def close(self) -> None:
        """Close every searcher this process opened (tests; before files go)."""
        with self._searchers_lock:
            searchers = list(self._searchers)
            self._searchers = weakref.WeakSet()
        for searcher in searchers:
            self._close(searcher)
        self._local = threading.local()

    def damaged(self, exc: BaseException) -> IndexUnavailable:
        problem = f"it is damaged ({type(exc).__name__}: {exc})"
        if problem not in self._logged:
            self._logged.add(problem)
            logger.error("Search index %s at %s: %s", self.name, self.path, problem)
        return IndexUnavailable(self.name, problem)

    # Writing

    @contextmanager
    def writer(
        self, *, timeout: float, purpose: str, limitmb: int = 128
    ) -> Iterator[SegmentWriter]:
        """A writer that commits when the block ends without an exception.

        Raises IndexLocked if the lock stays busy for `timeout` seconds and
        IndexUnavailable if the index is missing, damaged or outdated."""
        if _directory_identity(self.path) is None:
            raise IndexUnavailable(self.name, "it has not been built yet")
        with self._locked(self.path, timeout=timeout, purpose=purpose):
            try:
                writer = _SegmentWriter(
                    self._open_index(), _lk=False, limitmb=limitmb, codec=QuorumCodec()
                )
            except IndexUnavailable:
                raise
            except READ_ERRORS as exc:
                raise self.damaged(exc) from exc
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    @contextmanager
    def _locked(self, directory: Path, *, timeout: float, purpose: str):
        lock = FileStorage(str(directory)).lock(LOCK_NAME)
        if not try_for(lock.acquire, timeout=timeout, delay=0.05):
            raise IndexLocked(
                self.name, self.lock_holder(directory) or "another process"
            )
        holder = directory / HOLDER_FILE
        try:
            _write_holder(holder, purpose)
            yield
        finally:
            with suppress(OSError):
                holder.unlink()
            lock.release()

    def heartbeat(self, directory: Path | None = None) -> None:
        """A long writer (a rebuild) shows it is still alive."""
        holder = (directory or self.path) / HOLDER_FILE
        with suppress(OSError):
            os.utime(holder)

    def lock_holder(self, directory: Path | None = None) -> str:
        """Who holds the writer lock, or "" when nobody does."""
        directory = directory or self.path
        if not directory.is_dir():
            return ""
        lock = FileStorage(str(directory)).lock(LOCK_NAME)
        if lock.acquire():
            lock.release()
            return ""
        holder = directory / HOLDER_FILE
        try:
            info = json.loads(holder.read_text())
            idle = time.time() - holder.stat().st_mtime
        except (OSError, ValueError):
            return "an unknown process"
        return (
            f"{info.get('purpose', 'a writer')} (pid {info.get('pid')} on "
            f"{info.get('host')}, last active {idle:.0f} s ago)"
        )

    def _stale_lock(self) -> str:
        holder = self.path / HOLDER_FILE
        description = self.lock_holder()
        if not description:
            return ""
        try:
            idle = time.time() - holder.stat().st_mtime
            info = json.loads(holder.read_text())
        except (OSError, ValueError):
            return ""
        gone = info.get("host") == socket.gethostname() and not _alive(info.get("pid"))
        if gone or idle > self.stale_after:
            return f"the writer lock looks stale: held by {description}"
        return ""

    # Rebuilding

    def rebuild(
        self, *, timeout: float, limitmb: int = 128, processes: int = 2
    ) -> Rebuild:
        return Rebuild(self, timeout=timeout, limitmb=limitmb, processes=processes)

    def reset(self, *, timeout: float) -> None:
        """Make the index empty (creating it if needed)."""
        self.path.mkdir(parents=True, exist_ok=True)
        with self._locked(self.path, timeout=timeout, purpose="reset"):
            FileStorage(str(self.path)).create_index(self.schema)

    # Health

    def health(self) -> IndexHealth:
        pending = self.pending.count()
        writer = self.lock_holder()
        problem, documents = "", 0
        try:
            documents = self._probe()
        except IndexUnavailable as exc:
            problem = exc.problem
        problem = problem or self._stale_lock()
        return IndexHealth(
            name=self.name,
            path=str(self.path),
            healthy=not problem,
            problem=problem,
            documents=documents,
            pending_updates=pending,
            writer=writer,
        )

    def _probe(self) -> int:
        """Open every segment and read from it; return the document count."""
        if _directory_identity(self.path) is None:
            raise IndexUnavailable(self.name, "it has not been built yet")
        try:
            ix = self._open_index()
            with ix.reader() as reader:
                for leaf, _offset in reader.leaf_readers():
                    if leaf.doc_count_all():
                        leaf.stored_fields(leaf.doc_count_all() - 1)
                    list(islice(leaf.lexicon(ID), 1))
                return reader.doc_count()
        except IndexUnavailable:
            raise
        except READ_ERRORS as exc:
            raise self.damaged(exc) from exc

    def sound(self) -> bool:
        try:
            self._probe()
        except IndexUnavailable:
            return False
        return True


class Rebuild:
    """Writes a complete new generation of the index; searches see the old
    one until `finish` swaps it in.

    The documents go to a `RebuildWriter`, which writes them as new segments
    (one per worker process when there are many); `finish` commits those as
    the next generation, in place of every earlier segment, as whoosh's
    CLEAR merge would."""

    def __init__(
        self, store: IndexStore, *, timeout: float, limitmb: int, processes: int = 2
    ):
        self.store = store
        self.timeout = timeout
        self.limitmb = limitmb
        self.processes = processes
        self.in_place = False
        self.directory = store.path
        self.writer: RebuildWriter | None = None
        self._lock = None
        self._index = None
        self._toc = None

    def start(self) -> RebuildWriter:
        store = self.store
        self.in_place = store.sound()
        if not self.in_place:
            self.directory = store.path.with_name(f"{store.path.name}.new")
            self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = store._locked(
            self.directory, timeout=self.timeout, purpose="rebuild"
        )
        self._lock.__enter__()
        try:
            if self.in_place:
                ix = store._open_index()
            else:
                _empty_directory(self.directory)
                ix = FileStorage(str(self.directory)).create_index(store.schema)
            self._index = ix
            # The generation the new one follows (nobody else writes meanwhile).
            self._toc = ix._read_toc()
            self.writer = RebuildWriter(
                ix.storage,
                ix.indexname,
                store.schema,
                processes=self.processes,
                limitmb=self.limitmb,
                heartbeat=self.heartbeat,
                codec=QuorumCodec(),
            )
        except BaseException:
            self._release()
            raise
        return self.writer

    def heartbeat(self) -> None:
        self.store.heartbeat(self.directory)

    def finish(self) -> None:
        try:
            segments = self.writer.finish()
            ix = self._index
            generation = self._toc.generation + 1
            whoosh_index.TOC(self.store.schema, segments, generation).write(
                ix.storage, ix.indexname
            )
            whoosh_index.clean_files(ix.storage, ix.indexname, generation, segments)
            if not self.in_place:
                self._swap()
        except BaseException:
            self._discard()
            raise
        finally:
            self._release()

    def abort(self) -> None:
        try:
            if self.writer is not None:
                self.writer.cancel()
            self._discard()
        finally:
            self._release()

    def _discard(self) -> None:
        """Remove what this rebuild wrote (while it still holds the lock)."""
        if self.in_place:
            if self._toc is not None:
                # Segment files that the current generation does not list.
                ix = self._index
                whoosh_index.clean_files(
                    ix.storage, ix.indexname, self._toc.generation, self._toc.segments
                )
        else:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _swap(self) -> None:
        # Readers with the old files open keep them: they are unlinked, never
        # truncated. They notice the new directory on their next search.
        path = self.store.path
        with suppress(OSError):
            (self.directory / HOLDER_FILE).unlink()
        old = path.with_name(f"{path.name}.old-{uuid.uuid4().hex[:8]}")
        if path.exists():
            os.rename(path, old)
        os.rename(self.directory, path)
        shutil.rmtree(old, ignore_errors=True)
        self.directory = path

    def _release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.__exit__(None, None, None)


class _SegmentWriter(SegmentWriter):
    """whoosh's writer, with `_KnownLengths` for writing postings."""

    def per_document_reader(self):
        return _KnownLengths(super().per_document_reader())


class _KnownLengths:
    """A segment's per-document reader while its postings are written.

    whoosh-reloaded 2.7.5 asks it for the length of the document of every
    posting and, for fields without lengths (filters, the spelling field),
    looks for the length file on disk each time: two thirds of a rebuild's
    commit. Here the answer "no lengths" is remembered per field."""

    def __init__(self, reader):
        self._reader = reader
        self._has_lengths: dict[str, bool] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        has = self._has_lengths.get(fieldname)
        if has is None:
            has = self._reader.has_column(_lenfield(fieldname))
            self._has_lengths[fieldname] = has
        if not has:
            return default
        return self._reader.doc_field_length(docnum, fieldname, default)

    def __getattr__(self, name):
        return getattr(self._reader, name)


def _empty_directory(directory: Path) -> None:
    for entry in directory.iterdir():
        if entry.name in (LOCK_NAME, HOLDER_FILE):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _open_reader(ix, previous=None):
    """A reader on the latest generation, reusing `previous`'s segment
    readers whose segment (and its deletions) did not change.

    whoosh's own ``Index.reader(reuse=...)`` in whoosh-reloaded 2.7.5 also
    keeps segments that a merge or a rebuild removed, so it is not used."""
    for attempt in range(10):
        try:
            toc = whoosh_index.TOC.read(ix.storage, ix.indexname)
            return toc.generation, _reader_for(ix.storage, toc, previous)
        except FileNotFoundError:
            # A writer removed merged segments between reading the TOC and
            # opening them: read the newer TOC.
            if attempt == 9:
                raise
            time.sleep(0.02)


def _reader_for(storage, toc, previous):
    reusable = {}
    if previous is not None:
        for leaf, _offset in previous.leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            if segment is not None:
                reusable[segment.segment_id()] = leaf
    readers = []
    for segment in toc.segments:
        leaf = reusable.get(segment.segment_id())
        if leaf is not None and set(leaf.segment().deleted_docs()) == set(
            segment.deleted_docs()
        ):
            del reusable[segment.segment_id()]
            readers.append(leaf)
        else:
            readers.append(
                SegmentReader(storage, toc.schema, segment, generation=toc.generation)
            )
    for leaf in reusable.values():
        with suppress(Exception):
            leaf.close()
    if not readers:
        return EmptyReader(toc.schema)
    if len(readers) == 1:
        return readers[0]
    return MultiReader(readers, generation=toc.generation)


def _write_holder(holder: Path, purpose: str) -> None:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "purpose": purpose,
        "since": time.time(),
    }
    with suppress(OSError):
        holder.write_text(json.dumps(info))


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except (TypeError, ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _directory_identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return (status.st_dev, status.st_ino)


_stores: dict[str, IndexStore] = {}
_stores_lock = threading.Lock()


def index_store(path: Path, mapping, *, stale_after: float) -> IndexStore:
    """The process-wide store for the index at `path` (searchers are cached
    per process, so one is kept per directory)."""
    key = str(path)
    with _stores_lock:
        store = _stores.get(key)
        if store is None or store.layout_field != mapping.layout_field:
            store = IndexStore(
                path,
                mapping.name,
                mapping.schema,
                mapping.layout_field,
                stale_after=stale_after,
            )
            _stores[key] = store
        store.stale_after = stale_after
        return store


def close_stores(under: Path | str | None = None) -> None:
    """Close cached searchers (of indexes under `under`, or all) and forget
    the stores: tests call this before deleting index files."""
    with _stores_lock:
        keys = [
            key
            for key in _stores
            if under is None or Path(key).is_relative_to(Path(under))
        ]
        stores = [_stores.pop(key) for key in keys]
    for store in stores:
        store.close()
