"""Publishing an agenda: the notice check, the frozen version, the packs."""

from __future__ import annotations

import datetime
import html
import logging
import tempfile
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from council.visibility import Visibility
from meetings import selectors
from meetings.models import (
    AgendaVersion,
    BoardPack,
    Meeting,
    MeetingStatus,
    PackEdition,
    PackStatus,
    PublishedAttachment,
    PublishedItem,
    PublishedSection,
)
from meetings.packs import (
    PackAttachment,
    PackCompilationError,
    PackItem,
    PackSection,
    PackSpec,
    compile_pack,
)
from meetings.services.annotations import carry_annotations_forward
from meetings.services.filing import PACKS_CLASS, file_meeting_record
from records.models import Record
from records.renditions import StoredRenditions
from records.services import store_record
from records.services.retention import declare_record

logger = logging.getLogger(__name__)


class LateNoticeError(ValidationError):
    """Publishing inside the notice period needs a recorded reason."""


@transaction.atomic
def publish_agenda(
    *,
    meeting: Meeting,
    user,
    late_notice_reason: str = "",
    change_note: str = "",
    now: datetime.datetime | None = None,
) -> AgendaVersion:
    """Freeze the working agenda as the next version and queue its packs.

    The first version must be published before the bodies' notice period
    starts unless the clerk records why it is late. Later versions are
    addenda: they supersede earlier ones, which stay downloadable.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    now = now or timezone.now()
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(
            _("This meeting is cancelled; its agenda cannot be published.")
        )
    if not meeting.sections.exists():
        raise ValidationError(_("The agenda is empty: add sections and items first."))
    deadline = selectors.notice_deadline(meeting)
    if now > deadline and not late_notice_reason.strip():
        raise LateNoticeError(
            _(
                "The notice period ended on %(deadline)s: the agenda had to be "
                "published by then. To publish anyway, record the reason."
            )
            % {"deadline": date_format(timezone.localtime(deadline), "DATETIME_FORMAT")}
        )
    previous = selectors.latest_version(meeting)
    version = AgendaVersion.objects.create(
        meeting=meeting,
        number=previous.number + 1 if previous else 1,
        published_at=now,
        published_by=user,
        late_notice_reason=late_notice_reason.strip() if now > deadline else "",
        change_note=change_note.strip(),
    )
    changed = _freeze_agenda(meeting, version, previous)
    if previous is not None and not changed:
        raise ValidationError(
            _(
                "Nothing has changed since version %(number)d: "
                "there is no addendum to publish."
            )
            % {"number": previous.number}
        )
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.AGENDA_PUBLISHED
        meeting.save(update_fields=["status"])
    packs = [
        BoardPack.objects.create(version=version, edition=e) for e in PackEdition.values
    ]
    transaction.on_commit(lambda: _enqueue_pack_compilation(version.pk))
    logger.info("Published %s with %d packs queued", version, len(packs))
    return version


def _enqueue_pack_compilation(version_id: int) -> None:
    from meetings.tasks import compile_board_packs

    compile_board_packs.enqueue(version_id)


def _item_signature(item: PublishedItem) -> tuple:
    return (
        item.title,
        item.description,
        item.recommendation,
        item.visibility,
        item.is_consent,
        tuple(a.record_id for a in item.attachments.all()),
    )


def _freeze_agenda(
    meeting: Meeting, version: AgendaVersion, previous: AgendaVersion | None
) -> bool:
    """Copy the working agenda into `version`; say whether it differs from
    `previous` (items new, changed or removed, or sections renamed)."""
    before = {}
    if previous is not None:
        for item in previous.items.prefetch_related("attachments"):
            before[item.source_id] = _item_signature(item)
    changed = False
    order = 0
    for numbered_section in selectors.working_agenda(meeting):
        section = numbered_section.section
        frozen_section = PublishedSection.objects.create(
            version=version,
            number=numbered_section.number,
            title=section.title,
            kind=section.kind,
            sort_order=section.sort_order,
        )
        for numbered in numbered_section.items:
            item = numbered.item
            order += 1
            frozen = PublishedItem.objects.create(
                version=version,
                section=frozen_section,
                source=item,
                number=numbered.number,
                title=item.title,
                description=item.description,
                recommendation=item.recommendation,
                department=item.department,
                sponsor_name=item.sponsor.name if item.sponsor else "",
                visibility=item.visibility,
                is_consent=item.is_consent,
                sort_order=order,
            )
            PublishedAttachment.objects.bulk_create(
                PublishedAttachment(
                    item=frozen, record=a.record, title=a.title, sort_order=i
                )
                for i, a in enumerate(item.attachments.all())
            )
            if previous is not None and before.pop(item.pk, None) != _item_signature(
                frozen
            ):
                frozen.is_changed = changed = True
                frozen.save(update_fields=["is_changed"])
    if previous is None:
        return True
    sections = list(version.sections.values_list("number", "title", "kind"))
    earlier_sections = list(previous.sections.values_list("number", "title", "kind"))
    # Whatever is left in `before` was removed from the agenda.
    return changed or bool(before) or sections != earlier_sections


def pack_spec(version: AgendaVersion, edition: str) -> PackSpec:
    """Describe one edition of a version's pack for the compiler."""
    meeting = version.meeting
    items = selectors.pack_items(version, edition).prefetch_related(
        "attachments__record"
    )
    by_section: dict[int, list[PackItem]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(
            PackItem(
                number=item.number,
                title=item.title,
                summary=html.unescape(strip_tags(item.recommendation)).strip(),
                attachments=tuple(
                    PackAttachment(
                        title=a.title,
                        open=a.record.file.open,
                        mime_type=a.record.mime_type,
                        rendition_key=a.record.sha256,
                    )
                    for a in item.attachments.all()
                ),
            )
        )
    return PackSpec(
        body_name=meeting.body_names,
        meeting_title=meeting.title,
        starts_at=timezone.localtime(meeting.starts_at),
        location=meeting.location,
        version=version.number,
        edition=PackEdition(edition).label,
        sections=tuple(
            PackSection(
                number=s.number, title=s.title, items=tuple(by_section.get(s.pk, []))
            )
            for s in version.sections.order_by("sort_order")
        ),
    )


def mark_packs_containing(record: Record) -> int:
    """Flag the compiled packs that include a record whose content was
    destroyed or transferred: their PDFs still carry a copy of it."""
    return (
        BoardPack.objects.filter(version__items__attachments__record=record)
        .distinct()
        .update(contains_removed_content=True)
    )


def compile_board_pack(*, pack: BoardPack) -> BoardPack:
    """Compile one pack to a PDF record. On failure the clerk is told which
    attachment broke it; packs of earlier versions are untouched. A pack
    that is already compiled is left as it is."""
    if pack.status == PackStatus.READY:
        return pack
    BoardPack.objects.filter(pk=pack.pk).update(
        status=PackStatus.COMPILING, steps_done=0, error=""
    )
    spec = pack_spec(pack.version, pack.edition)
    last_report = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last_report
        if time.monotonic() - last_report > 0.5 or done == total:
            last_report = time.monotonic()
            BoardPack.objects.filter(pk=pack.pk).update(
                steps_done=done, steps_total=total
            )

    with tempfile.TemporaryFile() as output:
        try:
            result = compile_pack(
                spec, output, progress=report, renditions=StoredRenditions()
            )
        except PackCompilationError as error:
            BoardPack.objects.filter(pk=pack.pk).update(
                status=PackStatus.FAILED, error=str(error)
            )
            pack.refresh_from_db()
            return pack
        output.seek(0)
        public = pack.edition == PackEdition.PUBLIC
        meeting, number = pack.version.meeting, pack.version.number
        day = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
        record = store_record(
            upload_name=f"{meeting.primary_body.slug}-{day}-v{number}-{pack.edition}.pdf",
            data=output,
            title=f"{meeting.body_names} {day} agenda v{number} – "
            f"{pack.get_edition_display()}",
            visibility=Visibility.PUBLIC if public else Visibility.CONFIDENTIAL,
            body=meeting.primary_body,
            extract_text=False,
        )
    file_meeting_record(
        record=record,
        meeting=meeting,
        used_by=pack,
        role=f"board pack ({pack.get_edition_display().lower()})",
        class_code=PACKS_CLASS,
    )
    declare_record(record=record)
    BoardPack.objects.filter(pk=pack.pk).update(
        status=PackStatus.READY,
        record=record,
        page_count=result.page_count,
        item_pages=result.item_pages,
        compiled_at=timezone.now(),
    )
    pack.refresh_from_db()
    if pack.version.number > 1:
        carry_annotations_forward(to_pack=pack)
    return pack
