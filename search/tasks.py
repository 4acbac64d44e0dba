"""Background work of search (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_meeting_documents_task(meeting_id: int) -> int:
    """Rebuild a meeting's documents (items, votes, minutes) after a change."""
    from meetings.models import Meeting
    from search.services import refresh_documents

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return refresh_documents(meeting) if meeting is not None else 0


@task()
def rebuild_search_index_task() -> int:
    """Rebuild the search index from the database (after it was found
    broken); searches are answered from the database meanwhile."""
    from search.services import rebuild_search_index

    return rebuild_search_index()
