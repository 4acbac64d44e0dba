"""Building search documents from what the other apps hold.

Each builder takes one source (a meeting with everything published about
it, a record, a person, a body, a page) and returns the documents that
should exist for it now, with the visibility and body each may be seen
under. Text for the public comes from the same public renderings the site
shows (the published agenda's public items, the public edition of the
minutes), so search never knows more than the public pages do.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Page

from council.models import Body, Person
from council.visibility import Visibility
from meetings import selectors as meeting_selectors
from meetings.models import (
    Meeting,
    MeetingIndexPage,
    Minutes,
    Motion,
    MotionStatus,
    PublishedItem,
)
from meetings.services.minutes import minutes_document
from records.models import Record, RecordStatus, TextStatus
from search.models import DocumentKind


@dataclass(frozen=True)
class DocumentData:
    kind: str
    variant: str
    title: str
    context: str
    text: str
    url: str
    body_id: int | None
    date: datetime.date | None
    visibility: str


def documents_for(source: models.Model) -> list[DocumentData]:
    """The documents one source should have in the index now (maybe none)."""
    builder = BUILDERS.get(type(source))
    if builder is None and isinstance(source, Page):
        builder = page_documents
    return builder(source) if builder else []


def meeting_documents(meeting: Meeting) -> list[DocumentData]:
    """The meeting itself, its published items, its decided votes and its
    minutes (public edition, and the closed-session part for insiders)."""
    version = meeting_selectors.latest_version(meeting)
    day = meeting_selectors.meeting_date(meeting)
    body = meeting.primary_body
    where = f"{meeting.body_names} · {day:%-d %B %Y}"
    url = _meeting_url(meeting)

    def document(kind, variant, title, text, visibility, anchor="") -> DocumentData:
        return DocumentData(
            kind=kind,
            variant=variant,
            title=title,
            context=where,
            text=text,
            url=f"{url}#{anchor}" if anchor else url,
            body_id=body.pk if body else None,
            date=day,
            visibility=visibility,
        )

    items = (
        list(version.items.select_related("section").order_by("sort_order"))
        if version
        else []
    )
    public_titles = [i.title for i in items if i.visibility == Visibility.PUBLIC]
    documents = [
        document(
            DocumentKind.MEETING,
            "",
            f"{meeting.body_names}: {meeting.title}",
            "\n".join([meeting.location, meeting.get_status_display(), *public_titles]),
            Visibility.PUBLIC,
        )
    ]
    documents += [
        document(
            DocumentKind.ITEM,
            f"item-{item.pk}",
            f"{item.number} {item.title}",
            _item_text(item),
            item.visibility,
            anchor=f"item-{item.number}",
        )
        for item in items
    ]
    motions = meeting.motions.filter(status=MotionStatus.CLOSED).select_related(
        "mover", "seconder", "item"
    )
    documents += [
        document(
            DocumentKind.VOTE,
            f"vote-{motion.pk}",
            _motion_title(motion),
            _motion_text(motion),
            motion.visibility,
            anchor=f"motion-{motion.pk}",
        )
        for motion in motions
    ]
    minutes = meeting_selectors.public_minutes(meeting)
    if minutes is not None:
        documents += _minutes_documents(minutes, document)
    return documents


def _minutes_documents(minutes: Minutes, document) -> list[DocumentData]:
    title = f"Minutes: {minutes.meeting.body_names}, {minutes.meeting.title}"
    public = _minutes_text(minutes_document(minutes, public=True))
    everything = _minutes_text(minutes_document(minutes, public=False))
    public_lines = set(public)
    closed_part = "\n".join(line for line in everything if line not in public_lines)
    documents = [
        document(
            DocumentKind.MINUTES,
            "minutes",
            title,
            "\n".join(public),
            Visibility.PUBLIC,
            anchor="minutes-heading",
        )
    ]
    if closed_part.strip():
        documents.append(
            document(
                DocumentKind.MINUTES,
                "minutes-closed",
                f"{title} (closed session)",
                closed_part,
                Visibility.CONFIDENTIAL,
                anchor="minutes-heading",
            )
        )
    return documents


def _minutes_text(document) -> list[str]:
    lines = [document.meeting_title, document.location]
    for section in document.sections:
        lines.append(section.title)
        for item in section.items:
            lines += [f"{item.number} {item.title}", strip_tags(item.discussion_html)]
            for motion in item.motions:
                lines += [motion.text, motion.result]
    return [line for line in lines if line]


def _item_text(item: PublishedItem) -> str:
    parts = [
        item.section.title,
        strip_tags(item.description),
        strip_tags(item.recommendation),
        item.department,
        item.sponsor_name,
    ]
    return "\n".join(part for part in parts if part)


def _motion_title(motion: Motion) -> str:
    about = motion.item.title if motion.item else motion.get_kind_display()
    return f"{motion.get_result_display()}: {about}"


def _motion_text(motion: Motion) -> str:
    names = [p.name for p in (motion.mover, motion.seconder) if p is not None]
    votes = [
        f"{vote.person.name}: {vote.get_option_display()}"
        for vote in motion.votes.select_related("person")
        if not vote.is_casting_vote
    ]
    return "\n".join([motion.text, motion.result_reason, *names, *votes])


def record_documents(record: Record) -> list[DocumentData]:
    """A stored document with its extracted text (packs, compiled from other
    records, are found through those)."""
    if record.status != RecordStatus.ACTIVE or (
        record.text_status == TextStatus.NOT_EXTRACTED
    ):
        return []
    created = timezone.localdate(record.created_at)
    return [
        DocumentData(
            kind=DocumentKind.RECORD,
            variant="",
            title=record.title,
            context=f"{record.format_label} · {record.body or ''}".rstrip(" ·"),
            text=record.text,
            url=record.get_absolute_url(),
            body_id=record.body_id,
            date=created,
            visibility=record.visibility,
        )
    ]


def person_documents(person: Person) -> list[DocumentData]:
    if not Person.objects.with_public_record().filter(pk=person.pk).exists():
        return []
    return [
        DocumentData(
            kind=DocumentKind.PERSON,
            variant="",
            title=person.name,
            context="",
            text=strip_tags(person.biography),
            url=_directory_url(f"people/{person.slug}/"),
            body_id=None,
            date=None,
            visibility=Visibility.PUBLIC,
        )
    ]


def body_documents(body: Body) -> list[DocumentData]:
    return [
        DocumentData(
            kind=DocumentKind.BODY,
            variant="",
            title=body.name,
            context=body.get_classification_display(),
            text=strip_tags(body.description),
            url=_directory_url(f"bodies/{body.slug}/"),
            body_id=body.pk,
            date=None,
            visibility=Visibility.PUBLIC,
        )
    ]


def page_documents(page: Page) -> list[DocumentData]:
    """Live, public pages: their title, search description and text."""
    page = page.specific
    if not page.live or page.get_view_restrictions().exists():
        return []
    texts = [page.search_description]
    for name in ("intro", "body"):
        value = getattr(page, name, "")
        texts.append(strip_tags(str(value)) if value else "")
    return [
        DocumentData(
            kind=DocumentKind.PAGE,
            variant="",
            title=page.title,
            context="",
            text="\n".join(t for t in texts if t),
            url=page.url or "",
            body_id=None,
            date=None,
            visibility=Visibility.PUBLIC,
        )
    ]


def all_sources() -> Iterable[models.Model]:
    """Every source, for a full rebuild."""
    yield from Body.objects.all()
    yield from Person.objects.all()
    yield from Page.objects.live().specific()
    yield from Meeting.objects.prefetch_related("bodies")
    yield from Record.objects.active().select_related("body")


def _meeting_url(meeting: Meeting) -> str:
    index = MeetingIndexPage.objects.live().first()
    base = index.url if index else "/meetings/"
    return f"{base}{meeting.pk}/"


def _directory_url(tail: str) -> str:
    from council.models import CouncilPage

    page = CouncilPage.objects.live().first()
    return f"{page.url if page else '/council/'}{tail}"


BUILDERS = {
    Meeting: meeting_documents,
    Record: record_documents,
    Person: person_documents,
    Body: body_documents,
}
