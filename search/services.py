"""Keeping search documents in step with their sources.

`refresh_documents` makes one source's documents match what
`search.documents` says they should be now; saving and deleting them is
what modelsearch indexes. A document whose visibility narrows is
re-indexed at once (not in the background), so a record made confidential
is gone from public results by the next query.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from modelsearch import index
from modelsearch.backends import get_search_backend
from wagtail.models import Page

from council.visibility import Visibility
from search.documents import DocumentData, all_sources, documents_for
from search.models import SearchDocument

logger = logging.getLogger(__name__)

# Empty while bulk_loading: the signal handlers then leave documents alone.
FOLLOWING_CHANGES = {True}
REBUILD_SCHEDULED = "search:index-rebuild-scheduled"
# A rebuild queued but not finished within this long may be queued again.
REBUILD_WINDOW_SECONDS = 30 * 60

# Who may see a visibility, widest first: a move right narrows it.
_WIDTH = [Visibility.PUBLIC, Visibility.INTERNAL, Visibility.CONFIDENTIAL]


def source_key(source: models.Model) -> tuple[ContentType, str]:
    # Pages are keyed by their base class, so a page keeps its documents
    # whatever specific class it is loaded as.
    model = Page if isinstance(source, Page) else type(source)
    return ContentType.objects.get_for_model(model), str(source.pk)


@transaction.atomic
def refresh_documents(source: models.Model) -> int:
    """Create, update or delete the documents of one source; return how many
    changed."""
    source_type, source_id = source_key(source)
    wanted = {data.variant: data for data in documents_for(source)}
    existing = {
        doc.variant: doc
        for doc in SearchDocument.objects.filter(
            source_type=source_type, source_id=source_id
        )
    }
    changed = 0
    for variant, doc in existing.items():
        if variant not in wanted:
            doc.delete()
            changed += 1
    for variant, data in wanted.items():
        doc = existing.get(variant) or SearchDocument(
            source_type=source_type, source_id=source_id, variant=variant
        )
        if doc.pk and _matches(doc, data):
            continue
        narrowed = doc.pk is not None and _narrows(doc.visibility, data.visibility)
        _fill(doc, data)
        doc.save()
        changed += 1
        if narrowed:
            transaction.on_commit(lambda doc=doc: index.insert_or_update_object(doc))
    return changed


def remove_documents(source: models.Model) -> int:
    """Delete a source's documents (and so their index entries) now."""
    source_type, source_id = source_key(source)
    docs = list(
        SearchDocument.objects.filter(source_type=source_type, source_id=source_id)
    )
    for doc in docs:
        doc.delete()
    return len(docs)


def refresh_all_documents(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every document from the database (after a restore, or to
    pick up a change in how documents are built); return the sources seen."""
    seen = 0
    keep: set[tuple[int, str]] = set()
    for source in all_sources():
        refresh_documents(source)
        source_type, source_id = source_key(source)
        keep.add((source_type.pk, source_id))
        seen += 1
        if progress and seen % 100 == 0:
            progress(seen)
    for doc in SearchDocument.objects.only("pk", "source_type_id", "source_id"):
        if (doc.source_type_id, doc.source_id) not in keep:
            doc.delete()
    return seen


@contextmanager
def bulk_loading() -> Iterator[None]:
    """Load a lot of data (the demo city, an import) without following each
    change: documents are rebuilt and the index rebuilt once, at the end."""
    from modelsearch.signal_handlers import (
        post_delete_signal_handler,
        post_save_signal_handler,
    )

    post_save.disconnect(post_save_signal_handler, sender=SearchDocument)
    post_delete.disconnect(post_delete_signal_handler, sender=SearchDocument)
    FOLLOWING_CHANGES.clear()
    try:
        yield
    finally:
        FOLLOWING_CHANGES.add(True)
        post_save.connect(post_save_signal_handler, sender=SearchDocument)
        post_delete.connect(post_delete_signal_handler, sender=SearchDocument)
    refresh_all_documents()
    rebuild_search_index()


def schedule_index_rebuild() -> bool:
    """Queue one rebuild of a broken index; True if this call queued it."""
    from search.tasks import rebuild_search_index_task

    if not cache.add(REBUILD_SCHEDULED, True, timeout=REBUILD_WINDOW_SECONDS):
        return False
    logger.error("The search index is broken: a rebuild from the database is queued.")
    rebuild_search_index_task.enqueue()
    return True


def rebuild_search_index() -> int:
    """Rebuild the index of search documents; return how many were indexed."""
    backend = get_search_backend()
    try:
        if hasattr(backend, "rebuild_index"):
            return backend.rebuild_index([SearchDocument])
        call_command("update_index", stdout=io.StringIO())
        return SearchDocument.objects.count()
    finally:
        cache.delete(REBUILD_SCHEDULED)


def _fill(doc: SearchDocument, data: DocumentData) -> None:
    for name, value in asdict(data).items():
        setattr(doc, name, value)
    doc.year = data.date.year if data.date else None


def _matches(doc: SearchDocument, data: DocumentData) -> bool:
    return all(getattr(doc, name) == value for name, value in asdict(data).items())


def _narrows(old: str, new: str) -> bool:
    return _WIDTH.index(new) > _WIDTH.index(old)
