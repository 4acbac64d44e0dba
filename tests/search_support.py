"""Shared search fixtures and helpers (loaded as a pytest plugin from
tests/conftest.py): the index a test searches, and every search surface
read as one string, for the canary tests that prove nothing leaks."""

from __future__ import annotations

import pytest
from django.db import connection
from modelsearch.backends import get_search_backend

from search.models import SearchDocument
from search.selectors import SearchRequest, search

# The SQLite run searches with whoosh; make test-postgres with modelsearch's
# PostgreSQL backend (the test settings' "database" backend).
WHOOSH = connection.vendor != "postgresql"


@pytest.fixture
def search_backend(settings, tmp_path):
    """Whoosh in its own index under tmp_path (SQLite run); modelsearch's
    PostgreSQL backend on PostgreSQL. Request it before any data is made
    (`pytestmark = pytest.mark.usefixtures("search_backend")`)."""
    if not WHOOSH:
        yield get_search_backend()
        return
    backend = whoosh_index_in(tmp_path, settings)
    yield backend
    backend.close()


def whoosh_index_in(folder, settings):
    """Make a fresh whoosh index under `folder` the search backend."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(folder / "search-index"),
        }
    }
    backend = get_search_backend()
    backend.rebuild_index([SearchDocument])
    return backend


def found(user, text, **filters):
    return search(user, SearchRequest(text=text, **filters))


def shown_text(outcome) -> str:
    """Everything a results page shows (count, suggestion, titles, contexts,
    snippets, links, facets), as one lower-case string."""
    parts = [str(outcome.total), outcome.suggestion]
    for hit in outcome.hits:
        parts += [hit.document.title, hit.document.context, str(hit.snippet), hit.url]
    for facets in outcome.facets.values():
        parts += [f"{f.label} {f.count}" for f in facets]
    return " ".join(parts).lower()
