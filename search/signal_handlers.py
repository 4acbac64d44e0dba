"""Following changes in the other apps (connected in SearchConfig.ready).

Records, people, bodies and pages are cheap to rebuild and are refreshed at
once, in the same transaction. A meeting's documents (items, votes,
minutes) are rebuilt in the background once per transaction, however many
of its rows changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from council.models import Body, Person
from meetings.models import AgendaVersion, Meeting, Minutes, MinutesEntry, Motion
from records.models import Record
from records.signals import record_content_removed
from search.services import FOLLOWING_CHANGES, refresh_documents, remove_documents
from search.tasks import refresh_meeting_documents_task

# Models whose rows belong to a meeting, with the path to its id.
MEETING_PARTS = {
    Meeting: "pk",
    AgendaVersion: "meeting_id",
    Motion: "meeting_id",
    Minutes: "meeting_id",
    MinutesEntry: "minutes.meeting_id",
}


def connect() -> None:
    for model in (Record, Person, Body):
        post_save.connect(refresh_source, sender=model, dispatch_uid=f"search-{model}")
        post_delete.connect(
            remove_source, sender=model, dispatch_uid=f"search-del-{model}"
        )
    record_content_removed.connect(remove_disposed_record)
    page_published.connect(refresh_page)
    page_unpublished.connect(refresh_page)
    post_delete.connect(remove_page_source, dispatch_uid="search-page-delete")
    for model in MEETING_PARTS:
        post_save.connect(
            meeting_changed, sender=model, dispatch_uid=f"search-meeting-{model}"
        )
    post_delete.connect(remove_source, sender=Meeting, dispatch_uid="search-del-mtg")


def refresh_source(sender, instance, raw=False, **kwargs) -> None:
    if FOLLOWING_CHANGES and not raw:
        refresh_documents(instance)


def remove_source(sender, instance, **kwargs) -> None:
    remove_documents(instance)


def remove_disposed_record(*, record, **kwargs) -> None:
    remove_documents(record)


def refresh_page(sender, instance, **kwargs) -> None:
    if FOLLOWING_CHANGES:
        refresh_documents(instance)


def remove_page_source(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        remove_documents(instance)


def meeting_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw or not FOLLOWING_CHANGES:
        return
    meeting_id = instance
    for step in MEETING_PARTS[sender].split("."):
        meeting_id = getattr(meeting_id, step)
    refresh = RefreshMeeting(meeting_id)
    # Once per transaction: Django drops the callbacks of a rolled-back
    # block, so an equal one still queued means this commit will run it.
    queued = (func for _savepoints, func, _robust in connection.run_on_commit)
    if refresh not in queued:
        transaction.on_commit(refresh)


@dataclass(frozen=True)
class RefreshMeeting:
    meeting_id: int

    def __call__(self) -> None:
        refresh_meeting_documents_task.enqueue(meeting_id=self.meeting_id)
