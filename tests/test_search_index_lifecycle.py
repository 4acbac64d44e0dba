"""The whoosh index is derived data: a broken one is detected and rebuilt
from the database, and search keeps answering while that happens."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core import management
from modelsearch.backends import get_search_backend

from search.models import SearchDocument
from search.selectors import SearchRequest, search
from tests.factories import RecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index_dir(settings, tmp_path):
    path = tmp_path / "search-index"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(path)}
    }
    backend = get_search_backend()
    backend.rebuild_index([SearchDocument])
    yield path
    backend.close()


def titles(text: str) -> list[str]:
    outcome = search(None, SearchRequest(text=text))
    return [hit.document.title for hit in outcome.hits], outcome.degraded


def test_a_truncated_segment_is_detected_and_rebuilt_while_search_answers(
    index_dir, caplog
):
    for number in range(30):
        RecordFactory(
            title=f"Harbour dredging report {number}",
            content=f"Dredging of the harbour basin, phase {number}.\n".encode(),
        )
    assert len(titles("dredging")[0]) == 10
    segments = sorted(index_dir.rglob("*.seg"), key=lambda p: p.stat().st_size)
    assert segments, "the index has segment files"
    with segments[-1].open("r+b") as segment:
        segment.truncate(segment.seek(0, 2) // 2)
    get_search_backend().close()  # as a freshly started process would open it

    found, degraded = titles("dredging")

    # Answered (from the database) while the index is rebuilt...
    assert degraded and len(found) == 10
    assert "search index is broken" in caplog.text
    # ...and rebuilt: the next search comes from the index again.
    found, degraded = titles("dredging")
    assert not degraded and len(found) == 10


def test_update_index_rebuilds_a_lost_index_with_progress(index_dir):
    RecordFactory(title="Ferry timetable", content=b"Timetable of the ferry.\n")
    get_search_backend().close()
    shutil.rmtree(index_dir)

    output = io.StringIO()
    management.call_command("update_index", stdout=output)

    assert "search.SearchDocument" in output.getvalue()
    assert titles("timetable") == (["Ferry timetable"], False)
