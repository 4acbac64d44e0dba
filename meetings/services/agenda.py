"""The clerk's working agenda: sections, items, attachments, order."""

from __future__ import annotations

from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from council.visibility import Visibility
from meetings.models import AgendaAttachment, AgendaItem, AgendaSection, Meeting
from meetings.models.schedules import SectionKind
from meetings.services.filing import REPORTS_CLASS, file_meeting_record
from meetings.services.ordering import next_position
from records.models import Record
from records.services import store_record
from records.services.retention import set_record_access


def add_section(
    *, meeting: Meeting, title: str, kind: str = SectionKind.STANDARD
) -> AgendaSection:
    """Append a section to the end of the meeting's agenda."""
    position = next_position(meeting.sections)
    section = AgendaSection(
        meeting=meeting,
        title=title,
        kind=kind,
        sort_order=position,
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def add_item(
    *,
    section: AgendaSection,
    title: str,
    description: str = "",
    recommendation: str = "",
    department: str = "",
    sponsor=None,
    visibility: str | None = None,
    is_consent: bool = False,
    submission=None,
) -> AgendaItem:
    """Append an item to a section. Items in a closed session default to
    confidential, all others to public."""
    if visibility is None:
        visibility = (
            Visibility.CONFIDENTIAL if section.is_closed_session else Visibility.PUBLIC
        )
    position = next_position(section.items)
    item = AgendaItem(
        section=section,
        sort_order=position,
        title=title,
        description=description,
        recommendation=recommendation,
        department=department,
        sponsor=sponsor,
        visibility=visibility,
        is_consent=is_consent or section.kind == SectionKind.CONSENT,
        submission=submission,
    )
    item.full_clean()
    item.save()
    return item


def _attachment_access(item: AgendaItem) -> dict:
    """The visibility and body an item's files must carry."""
    return {"visibility": item.visibility, "body": item.section.meeting.primary_body}


@transaction.atomic
def attach_file(
    *, item: AgendaItem, upload_name: str, data: BinaryIO, title: str = "", user=None
) -> AgendaAttachment:
    """Validate and store an uploaded file, then attach it to `item`.

    Raises RejectedUpload (nothing stored) for files Quorum cannot accept.
    """
    record = store_record(
        upload_name=upload_name,
        data=data,
        title=title or upload_name,
        created_by=user,
        **_attachment_access(item),
    )
    return attach_record(item=item, record=record, title=title or record.title)


def attach_record(*, item: AgendaItem, record: Record, title: str) -> AgendaAttachment:
    """Attach an already stored record to `item` (e.g. from a submission)."""
    access = _attachment_access(item)
    set_record_access(
        record=record, visibility=access["visibility"], body=access["body"]
    )
    position = next_position(item.attachments)
    attachment = AgendaAttachment.objects.create(
        item=item,
        record=record,
        title=title,
        sort_order=position,
    )
    file_meeting_record(
        record=record,
        meeting=item.section.meeting,
        used_by=item,
        role="agenda attachment",
        class_code=REPORTS_CLASS,
    )
    return attachment


def remove_attachment(*, attachment: AgendaAttachment) -> None:
    """Take a file off an item; the record itself is kept."""
    attachment.delete()


@transaction.atomic
def set_item_visibility(*, item: AgendaItem, visibility: str) -> AgendaItem:
    """Change who may see an item; its files follow."""
    item.visibility = visibility
    item.full_clean()
    item.save(update_fields=["visibility"])
    for attachment in item.attachments.select_related("record"):
        set_record_access(
            record=attachment.record,
            visibility=visibility,
            body=attachment.record.body,
        )
    return item


@transaction.atomic
def reorder_agenda(*, meeting: Meeting, layout: list[tuple[int, list[int]]]) -> None:
    """Put sections and items in the order the clerk dragged them into.

    `layout` lists every section id of the meeting with its item ids, in the
    new order. Moving an item across sessions must respect its visibility.
    """
    sections = {s.pk: s for s in meeting.sections.all()}
    items = {i.pk: i for i in AgendaItem.objects.filter(section__meeting=meeting)}
    section_ids = [section_id for section_id, _ in layout]
    item_ids = [item_id for _, ids in layout for item_id in ids]
    if sorted(section_ids) != sorted(sections) or sorted(item_ids) != sorted(items):
        raise ValidationError(
            _(
                "The agenda changed while you were editing it. "
                "Reload the page and try again."
            )
        )
    for section_order, (section_id, ids) in enumerate(layout):
        section = sections[section_id]
        section.sort_order = section_order
        for item_order, item_id in enumerate(ids):
            item = items[item_id]
            item.section, item.sort_order = section, item_order
            try:
                item.clean()
            except ValidationError as error:
                raise ValidationError(
                    _("“%(item)s” cannot move to “%(section)s”: %(reason)s")
                    % {
                        "item": item.title,
                        "section": section.title,
                        "reason": " ".join(error.messages),
                    }
                ) from None
    AgendaSection.objects.bulk_update(sections.values(), ["sort_order"])
    AgendaItem.objects.bulk_update(items.values(), ["section", "sort_order"])


def remove_item(*, item: AgendaItem) -> None:
    """Delete an item from the working agenda (published versions keep it)."""
    if item.submission_id:
        from meetings.services.submissions import unplace_submission

        unplace_submission(submission=item.submission)
    item.delete()
