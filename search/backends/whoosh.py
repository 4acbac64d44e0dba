"""A modelsearch backend on whoosh: Quorum's embedded full-text search.

Configure it as a Wagtail search backend::

    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": "/var/lib/quorum/search-index",
            # Optional:
            "WRITE_LOCK_TIMEOUT": 2.0,  # s a save waits before queuing
            "REBUILD_LOCK_TIMEOUT": 60.0,  # s update_index waits for writers
            "STALE_LOCK_AFTER": 600.0,  # s a silent writer is reported stale
            "RAM_LIMIT_MB": 128,  # memory of one writer before spilling
            "REBUILD_PROCESSES": 2,  # workers of a large rebuild (a segment each)
        }
    }

``Model.objects.search()`` / ``.autocomplete()``, ``manage.py update_index``
and modelsearch's save/delete signals then use it unchanged. Queryset
filters on FilterFields (visibility among them) are evaluated inside whoosh
before the top N is taken, never by trimming a page afterwards.

Beyond modelsearch's API the backend offers ``health()`` / ``is_healthy()``
(a damaged, missing or outdated index raises `IndexUnavailable` on search, so
callers can fall back to the database), ``rebuild_index()``,
``suggest(queryset, text)`` (spelling suggestions drawn only from documents
the queryset allows) and ``highlight(text, query)`` (snippets).

Pieces: `whoosh_mapping` (schema and documents), `whoosh_queries` (query
translation), `whoosh_compiler` (queryset filters and ordering),
`whoosh_storage` (index files, searchers, writer lock), `whoosh_spelling`,
`whoosh_snippets`.
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import QuerySet
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchResults,
    get_model_root,
)
from modelsearch.index import class_is_indexed, get_indexed_models
from modelsearch.query import MATCH_ALL
from whoosh import collectors

from .whoosh_compiler import (
    WhooshAutocompleteQueryCompiler,
    WhooshSearchQueryCompiler,
)
from .whoosh_mapping import ID, NULLS, mapping_for
from .whoosh_queries import NOTHING
from .whoosh_ranking import Unsupported, rank
from .whoosh_snippets import highlight
from .whoosh_spelling import spelling_suggestions
from .whoosh_storage import (
    IndexHealth,
    IndexLocked,
    IndexStore,
    IndexUnavailable,
    close_stores,
    index_store,
)

__all__ = [
    "IndexHealth",
    "IndexLocked",
    "IndexUnavailable",
    "SearchBackend",
    "WhooshSearchBackend",
    "highlight",
]

logger = logging.getLogger("search.backends.whoosh")


# One pass over the matches serves count() and the first pages: Django's
# Paginator asks for the count, then for a slice.
PREFETCH = 100
# Rankings longer than this (searches without a slice) are not kept.
CACHED_RANKING_MAX = 1000


@dataclass(frozen=True)
class _Ranking:
    hits: list[tuple[float, int]]  # (score or sort key, document number)
    total: int

    def covers(self, limit: int | None) -> bool:
        complete = len(self.hits) >= self.total
        return complete or (limit is not None and len(self.hits) >= limit)


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    @property
    def _store(self) -> IndexStore:
        return self.backend.store(self.query_compiler.model)

    def _do_search(self):
        if self.query_compiler.plan is None or (
            self.stop is not None and self.stop <= self.start
        ):
            return []
        store = self._store
        searcher = store.searcher()
        with store.reading():
            limit = None if self.stop is None else max(self.stop, PREFETCH)
            page = self._ranking(store, searcher, limit).hits[self.start : self.stop]
            docnums = [docnum for _, docnum in page]
            scores = {}
            if self._score_field:
                if self.query_compiler.sort_keys() is None:
                    scores = {docnum: score for score, docnum in page}
                else:
                    scores = _scores(searcher, self.query_compiler.plan[0], docnums)
            pks = [searcher.stored_fields(docnum)[ID] for docnum in docnums]
        return self._objects(pks, [scores.get(docnum, 0.0) for docnum in docnums])

    def _ranking(self, store, searcher, limit) -> _Ranking:
        """The first `limit` matches (None: all) in order and their count,
        shared by equal searches on the same generation of the index."""
        compiler = self.query_compiler
        scored, filters = compiler.plan
        sort_keys = compiler.sort_keys()
        key = (scored, filters, tuple(sort_keys) if sort_keys else None)
        cache = store.rankings(searcher)
        ranking = cache.get(key)
        if ranking is not None and ranking.covers(limit):
            return ranking
        allowed = store.allowed(searcher, filters) if filters is not None else None
        try:
            ranked = rank(searcher, scored, allowed, limit, store.segments, sort_keys)
        except Unsupported:
            collector = _collector(limit, compiler.sort_facets(), allowed)
            searcher.search_with_collector(scored, collector)
            ranking = _Ranking(collector.results().top_n, collector.count())
        else:
            # The matches found on the way serve facets.
            cache.put(("matches", scored, filters), ranked.matches)
            ranking = _Ranking(ranked.hits, ranked.total)
        if len(ranking.hits) <= CACHED_RANKING_MAX:
            cache.put(key, ranking)
        return ranking

    def _objects(self, pks: list[str], scores: list[float]) -> list:
        queryset = self.query_compiler.queryset
        pk_field = queryset.model._meta.pk
        values = [pk_field.to_python(pk) for pk in pks]
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        found = {obj.pk: obj for obj in queryset.filter(pk__in=values)}
        objects = []
        # Rows deleted since they were indexed simply drop out.
        for value, score in zip(values, scores, strict=True):
            obj = found.get(value)
            if obj is not None:
                if self._score_field:
                    setattr(obj, self._score_field, float(score))
                objects.append(obj)
        return objects

    def _do_count(self):
        if self.query_compiler.plan is None:
            return 0
        store = self._store
        searcher = store.searcher()
        with store.reading():
            total = self._ranking(store, searcher, PREFETCH).total
        total -= self.start
        if self.stop is not None:
            total = min(total, self.stop - self.start)
        return max(total, 0)

    def facet(self, field_name):
        """Counts of the matching documents per value of a FilterField,
        largest first; ``None`` counts documents without a value."""
        column = self.query_compiler.facet_column(field_name)
        if self.query_compiler.plan is None:
            return OrderedDict()
        scored, filters = self.query_compiler.plan
        store = self._store
        searcher = store.searcher()
        with store.reading():
            matches = _matches(store, searcher, scored, filters)
            counts = _facet_counts(store, matches, column)
        ordered = sorted(counts.items(), key=lambda item: (-item[1], repr(item[0])))
        return OrderedDict(
            (None if value is None else column.from_index(value), count)
            for value, count in ordered
        )


def _collector(limit, sortedby, allowed):
    """whoosh's collector for the top `limit` (None: all), by score or by
    `sortedby`, of the documents in `allowed` (None: all).

    Every match is scored: whoosh-reloaded's shortcuts for a top N
    (block-quality skipping and ``replace()``) lose or misscore documents of
    compound queries, so they are switched off."""
    if sortedby is not None:
        collector = collectors.SortingCollector(sortedby, limit=limit)
    elif limit is None:
        collector = collectors.UnlimitedCollector()
    else:
        collector = collectors.TopCollector(limit, usequality=False, replace=0)
    if allowed is not None:
        collector = collectors.FilterCollector(collector, allow=allowed)
    return collector


def _scores(searcher, query, docnums) -> dict[int, float]:
    """Relevance of a few documents (a page ordered by a field)."""
    scores = {}
    wanted = sorted(docnums)
    for leaf, offset in searcher.leaf_searchers():
        local = [d - offset for d in wanted if 0 <= d - offset < leaf.doc_count_all()]
        if not local:
            continue
        matcher = query.matcher(leaf, leaf.context(needs_current=True))
        for docnum in local:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                scores[docnum + offset] = matcher.score()
    return scores


def _matches(store, searcher, scored, filters) -> list[tuple[object, np.ndarray]]:
    """The documents matching `scored` within `filters`, unscored: per
    segment, its reader and the local document numbers. Computed once per
    search and generation, however many facets are asked for."""
    cache = store.rankings(searcher)
    key = ("matches", scored, filters)
    matches = cache.get(key)
    if matches is not None:
        return matches
    allowed = store.allowed(searcher, filters) if filters is not None else None
    try:
        matches = rank(searcher, scored, allowed, 0, store.segments).matches
    except Unsupported:
        matches = []
        for number, (leaf, _offset) in enumerate(searcher.leaf_searchers()):
            local = np.fromiter(scored.docs(leaf), np.int64)
            if allowed is not None:
                local = local[allowed.segment_mask(number)[local]]
            matches.append((leaf.reader(), local))
    cache.put(key, matches)
    return matches


def _facet_counts(store, matches, column) -> Counter:
    counts = Counter()
    segments = store.segments
    for reader, local in matches:
        if not len(local):
            continue
        nulls = segments.term_mask(
            reader, NULLS, reader.schema[NULLS].to_bytes(column.name)
        )
        if column.sortable:
            present = local[~nulls[local]]
            if len(present) < len(local):
                counts[None] += len(local) - len(present)
            values = segments.column(reader, column.name)
            per_code = np.bincount(values.codes[present], minlength=len(values.labels))
            for code in np.flatnonzero(per_code).tolist():
                counts[values.labels[code]] += int(per_code[code])
            continue
        # A to-many document may have values and a null (an empty relation).
        counts[None] += int(nulls[local].sum())
        wanted = np.zeros(reader.doc_count_all(), bool)
        wanted[local] = True
        field = reader.schema[column.name]
        for term in list(field.sortable_terms(reader, column.name)):
            postings = segments.postings(reader, column.name, term)
            count = 0 if postings is None else int(wanted[postings.ids].sum())
            if count:
                counts[field.from_bytes(term)] += count
    return counts


class WhooshIndex(BaseIndex):
    """The index of one root model (and its subclasses)."""

    def __init__(self, backend, root_model, rebuild=None):
        super().__init__(backend)
        self.root = root_model
        self.mapping = mapping_for(root_model)
        self.store = backend.store(root_model)
        self._rebuild = rebuild
        self._rebuilt_ids: set[str] = set()

    def get_key(self):
        return self.mapping.name

    def __str__(self):
        return self.mapping.name

    def add_model(self, model):
        """Nothing to do: the schema covers every indexed model of the root."""

    def refresh(self):
        """Write updates that were queued while the writer lock was busy."""
        if self._rebuild is None and self.store.pending.count():
            self._write([], [])

    def reset(self):
        self.store.reset(timeout=self.backend.rebuild_lock_timeout)

    def add_items(self, model, items):
        if not class_is_indexed(model) or not items:
            return
        if self._rebuild is not None:
            self._add_to_rebuild(model, items)
        else:
            self._write(self._most_specific(model, items), [])

    def delete_item(self, item):
        if class_is_indexed(type(item)):
            self._write([], [item])

    # Writing

    def _write(self, upserts, deletes):
        keys = [(_label(type(obj)), str(obj.pk)) for obj in [*upserts, *deletes]]
        try:
            with self.store.writer(
                timeout=self.backend.write_lock_timeout,
                purpose="update",
                limitmb=self.backend.ram_limit_mb,
            ) as writer:
                self._apply(writer, upserts, deletes)
        except (IndexLocked, IndexUnavailable) as exc:
            self.store.pending.add(keys)
            # Before the first build (loading the demo city) this is routine.
            level = logging.DEBUG if "not been built" in str(exc) else logging.WARNING
            logger.log(
                level, "%s; %d update(s) queued for the next writer.", exc, len(keys)
            )

    def _apply(self, writer, upserts, deletes):
        pending = self.store.pending.take()
        try:
            documents: dict[str, dict] = {}
            gone: set[str] = set()
            # Queued updates first: the objects in hand are at least as new.
            self._reread(pending, documents, gone)
            for obj in upserts:
                document = self.mapping.document(obj)
                documents[document[ID]] = document
                gone.discard(document[ID])
            for obj in deletes:
                gone.add(str(obj.pk))
                documents.pop(str(obj.pk), None)
            for key in gone | documents.keys():
                writer.delete_by_term(ID, key)
            for document in documents.values():
                writer.add_document(**document)
        except BaseException:
            self.store.pending.add(pending)
            raise

    def _reread(self, pending, documents, gone):
        """Index queued objects as the database has them now."""
        keys_by_label = defaultdict(set)
        for label, key in pending:
            keys_by_label[label].add(key)
        for label, keys in keys_by_label.items():
            try:
                model = apps.get_model(label)
                values = {model._meta.pk.to_python(key) for key in keys}
            except (LookupError, ValueError, ValidationError):
                logger.warning("Dropping queued search updates for %s %s", label, keys)
                continue
            if not class_is_indexed(model) or get_model_root(model) is not self.root:
                continue
            found = self._most_specific(
                model, list(model.get_indexed_objects().filter(pk__in=values))
            )
            for obj in found:
                try:
                    document = self.mapping.document(obj)
                except Exception:
                    logger.exception("Cannot index %r; it stays out of the index", obj)
                    continue
                documents[document[ID]] = document
            gone.update(keys - {str(obj.pk) for obj in found})

    def _most_specific(self, model, objs):
        """Index objects as their most specific indexed class, as
        modelsearch's other backends see them after `get_indexed_instance`."""
        subclasses = [
            other
            for other in self.mapping.models
            if other is not model and issubclass(other, model)
        ]
        if not subclasses or not objs:
            return list(objs)
        by_pk = {obj.pk: obj for obj in objs}
        # Shallow to deep: the deepest class that has the row wins.
        for subclass in sorted(subclasses, key=_depth):
            general = [pk for pk, obj in by_pk.items() if not isinstance(obj, subclass)]
            for obj in subclass.get_indexed_objects().filter(pk__in=general):
                by_pk[obj.pk] = obj
        return list(by_pk.values())

    def _add_to_rebuild(self, model, items):
        rebuild, writer = self._rebuild
        documents = []
        for obj in self._most_specific(model, items):
            # A more specific class's own pass indexes it.
            if type(obj) is not model and type(obj) in self.mapping.models:
                continue
            document = self.mapping.document(obj)
            if document[ID] in self._rebuilt_ids:
                continue
            self._rebuilt_ids.add(document[ID])
            documents.append(document)
        writer.add_documents(documents)
        rebuild.heartbeat()


def _depth(model) -> int:
    return len(model._meta.get_parent_list())


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


class WhooshRebuilder:
    """What ``update_index`` uses: the new documents replace the whole index
    when `finish` is called; searches use the old index until then."""

    def __init__(self, index: WhooshIndex):
        self.index = index
        self.rebuild = None

    def start(self) -> WhooshIndex:
        backend = self.index.backend
        self.rebuild = self.index.store.rebuild(
            timeout=backend.rebuild_lock_timeout,
            limitmb=backend.ram_limit_mb,
            processes=backend.rebuild_processes,
        )
        writer = self.rebuild.start()
        return WhooshIndex(backend, self.index.root, rebuild=(self.rebuild, writer))

    def finish(self) -> None:
        self.rebuild.finish()
        # Saves made meanwhile were queued: write them now.
        self.index.refresh()

    def abort(self) -> None:
        self.rebuild.abort()


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    index_class = WhooshIndex
    rebuilder_class = WhooshRebuilder
    # A failed index write must not fail the clerk's save: it is logged, and
    # the update is queued or the index reported unhealthy until rebuilt.
    catch_indexing_errors = True

    def __init__(self, params):
        super().__init__(params)
        params = dict(params)
        path = params.pop("PATH", None)
        if not path:
            raise ImproperlyConfigured(
                "The whoosh search backend needs PATH, the index directory."
            )
        self.path = Path(path)
        self.write_lock_timeout = float(params.pop("WRITE_LOCK_TIMEOUT", 2.0))
        self.rebuild_lock_timeout = float(params.pop("REBUILD_LOCK_TIMEOUT", 60.0))
        self.stale_lock_after = float(params.pop("STALE_LOCK_AFTER", 600.0))
        self.ram_limit_mb = int(params.pop("RAM_LIMIT_MB", 128))
        # Worker processes of a large rebuild, each writing one segment.
        self.rebuild_processes = int(params.pop("REBUILD_PROCESSES", 2))
        for modelsearch_option in ("AUTO_UPDATE", "ATOMIC_REBUILD"):
            params.pop(modelsearch_option, None)
        if params:
            raise ImproperlyConfigured(
                f"Unknown options for the whoosh search backend: {sorted(params)}"
            )

    def get_index_for_model(self, model):
        return WhooshIndex(self, get_model_root(model))

    def store(self, model) -> IndexStore:
        mapping = mapping_for(get_model_root(model))
        return index_store(
            self.path / mapping.name, mapping, stale_after=self.stale_lock_after
        )

    # Beyond modelsearch's API

    def health(self) -> list[IndexHealth]:
        """The state of every index: built, readable, current, writer lock."""
        return [index.store.health() for index in self.all_indexes()]

    def is_healthy(self) -> bool:
        return all(report.healthy for report in self.health())

    def rebuild_index(self, models=None, *, chunk_size: int = 1000) -> int:
        """Rebuild, from the database, the indexes holding `models` (default:
        all); returns the number of documents written."""
        roots = {get_model_root(model) for model in models or get_indexed_models()}
        written = 0
        for root in roots:
            index = self.get_index_for_model(root)
            rebuilder = self.rebuilder_class(index)
            target = rebuilder.start()
            try:
                for model in index.mapping.models:
                    for chunk in keyset_chunks(model.get_indexed_objects(), chunk_size):
                        target.add_items(model, chunk)
            except BaseException:
                rebuilder.abort()
                raise
            rebuilder.finish()
            written += len(target._rebuilt_ids)
        return written

    def flush_pending(self) -> None:
        """Write queued updates now (they are also written by the next save)."""
        for index in self.all_indexes():
            index.refresh()

    def suggest(self, model_or_queryset, text: str, *, limit: int = 5) -> list[str]:
        """Spelling suggestions for `text` ("did you mean"), drawn only from
        documents that `model_or_queryset` allows (its filters, e.g.
        ``visible_to(user)``): whole query strings, best first; empty when
        every word occurs in those documents or nothing close does."""
        if isinstance(model_or_queryset, QuerySet):
            queryset = model_or_queryset
        else:
            queryset = model_or_queryset.objects.all()
        if not class_is_indexed(queryset.model):
            return []
        compiler = WhooshSearchQueryCompiler(queryset, MATCH_ALL)
        compiler.check()
        filters = compiler.filter_query()
        if filters is NOTHING:
            return []
        store = self.store(queryset.model)
        searcher = store.searcher()
        with store.reading():
            allowed = store.allowed(searcher, filters) if filters is not None else None
            return spelling_suggestions(
                searcher, allowed, text, store.segments, limit=limit
            )

    @staticmethod
    def highlight(text: str, query, **options):
        """`text` with the words `query` matches marked: see `highlight`."""
        return highlight(text, query, **options)

    def close(self) -> None:
        """Close this process's cached searchers of these indexes."""
        close_stores(self.path)


def keyset_chunks(queryset, size: int):
    """Objects in primary key order, `size` at a time (keyset pagination)."""
    queryset = queryset.order_by("pk")
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        chunk = list(page[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


SearchBackend = WhooshSearchBackend
