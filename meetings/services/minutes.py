"""Minutes: draft, edit, export, approve, correct."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from council.visibility import Visibility
from meetings import selectors
from meetings.minutes_export import (
    Attendee,
    MinutesDocument,
    MinutesItem,
    MinutesSection,
    MotionRecord,
    RollCallVote,
    minutes_docx,
    minutes_pdf,
)
from meetings.models import (
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesEntry,
    MinutesStatus,
    Motion,
    MotionResult,
    MotionStatus,
    VoteOption,
)
from meetings.services.filing import MINUTES_CLASS, file_meeting_record
from records.models import Record, TriggerEvent
from records.selectors import records_filed_under
from records.services import store_record
from records.services.retention import declare_record, record_trigger_event


@transaction.atomic
def draft_minutes(*, meeting: Meeting) -> Minutes:
    """The meeting's current minutes, drafted if there are none: one entry
    per agenda item, for the clerk's discussion summary. Items added to the
    agenda later get their entries when this runs again."""
    minutes = meeting.minutes.order_by("-version").first()
    if minutes is None:
        minutes = Minutes.objects.create(meeting=meeting)
    if minutes.status == MinutesStatus.DRAFT:
        have = set(minutes.entries.values_list("item_id", flat=True))
        order = 0
        for section in selectors.working_agenda(meeting):
            for numbered in section.items:
                order += 1
                if numbered.item.pk not in have:
                    MinutesEntry.objects.create(
                        minutes=minutes, item=numbered.item, sort_order=order
                    )
    return minutes


@transaction.atomic
def write_discussion(*, entry: MinutesEntry, discussion: str) -> MinutesEntry:
    if entry.minutes.status != MinutesStatus.DRAFT:
        raise ValidationError(
            _("Approved minutes are frozen; start a correction to change them.")
        )
    entry.discussion = discussion
    entry.save(update_fields=["discussion"])
    return entry


def _motion_record(motion: Motion) -> MotionRecord:
    votes = [v for v in motion.votes.all() if not v.is_casting_vote]
    tally = selectors.tally(motion)
    result = motion.result_reason or motion.get_status_display()
    if motion.override_reason:
        result += (
            f" – ruled {motion.get_result_display().lower()}: {motion.override_reason}"
        )
    return MotionRecord(
        kind=motion.get_kind_display(),
        text=motion.text,
        mover=motion.mover.name if motion.mover else "",
        seconder=motion.seconder.name if motion.seconder else "",
        result=result,
        counts=tuple(
            (VoteOption(o).label, getattr(tally, o)) for o in VoteOption.values
        ),
        votes=tuple(RollCallVote(v.person.name, v.get_option_display()) for v in votes),
        recusals=tuple(
            (v.person.name, v.conflict_declared)
            for v in votes
            if v.option == VoteOption.RECUSED
        ),
        consent_items=tuple(
            n.number
            for section in selectors.working_agenda(motion.meeting)
            for n in section.items
            if n.item in set(motion.consent_items.all())
        ),
    )


def minutes_document(minutes: Minutes, *, public: bool) -> MinutesDocument:
    """The minutes as printed. The public edition leaves out every item that
    is not public, with its motions and votes."""
    meeting = minutes.meeting
    entries = {e.item_id: e for e in minutes.entries.all()}
    motions = (
        meeting.motions.exclude(status=MotionStatus.WITHDRAWN)
        .select_related("mover", "seconder")
        .prefetch_related("votes__person", "consent_items")
    )
    by_item: dict[int | None, list[Motion]] = {}
    for motion in motions:
        key = motion.item_id or (
            motion.consent_items.first().pk if motion.consent_items.exists() else None
        )
        by_item.setdefault(key, []).append(motion)
    sections = []
    for entry in selectors.working_agenda(meeting):
        items = tuple(
            MinutesItem(
                number=n.number,
                title=n.item.title,
                discussion_html=entries[n.item.pk].discussion
                if n.item.pk in entries
                else "",
                motions=tuple(_motion_record(m) for m in by_item.get(n.item.pk, [])),
            )
            for n in entry.items
            if not public or n.item.visibility == Visibility.PUBLIC
        )
        sections.append(
            MinutesSection(number=entry.number, title=entry.section.title, items=items)
        )
    attendance = {a.person_id: a for a in meeting.attendance.all()}
    attendees = []
    for membership in selectors.voting_members(meeting):
        record = attendance.get(membership.person_id)
        status = record.get_status_display() if record else _("Absent")
        if record and record.arrived_at:
            status += f" ({_('arrived')} {record.arrived_at:%H:%M})"
        if record and record.left_at:
            status += f" ({_('left')} {record.left_at:%H:%M})"
        attendees.append(
            Attendee(membership.person.name, membership.get_role_display(), status)
        )
    quorum = selectors.quorum_status(meeting)
    is_draft = minutes.status == MinutesStatus.DRAFT
    if is_draft:
        status = _("DRAFT – not yet approved")
    else:
        approved = date_format(timezone.localtime(minutes.approved_at), "j F Y")
        status = _("Approved on %(date)s") % {"date": approved}
    local = timezone.localtime
    return MinutesDocument(
        city_name=settings.QUORUM_CITY_NAME,
        body_name=meeting.body_names,
        meeting_title=meeting.title,
        starts_at=local(meeting.starts_at),
        location=meeting.location,
        status=status,
        is_draft=is_draft,
        attendees=tuple(attendees),
        staff_present=(),
        called_to_order=f"{local(meeting.called_to_order_at):%H:%M}"
        if meeting.called_to_order_at
        else "",
        adjourned=f"{local(meeting.adjourned_at):%H:%M}"
        if meeting.adjourned_at
        else "",
        sections=tuple(sections),
        quorum_note=_("Quorum: %(present)d present, %(required)d needed")
        % {"present": quorum.present, "required": quorum.required},
    )


def export_minutes(minutes: Minutes, *, file_format: str, public: bool) -> bytes:
    """DOCX or PDF bytes of the minutes."""
    document = minutes_document(minutes, public=public)
    return minutes_docx(document) if file_format == "docx" else minutes_pdf(document)


@transaction.atomic
def approve_minutes(*, minutes: Minutes, motion: Motion) -> Minutes:
    """Minutes are approved by a motion carried at a later meeting of the
    same body. They are then frozen and published as PDF and DOCX."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    meeting = minutes.meeting
    if minutes.status != MinutesStatus.DRAFT:
        raise ValidationError(_("These minutes are already approved."))
    if motion.result != MotionResult.PASSED:
        raise ValidationError(_("Minutes are approved only by a motion that carried."))
    if (
        motion.meeting.starts_at <= meeting.starts_at
        or not motion.meeting.bodies.filter(pk__in=meeting.bodies.all()).exists()
    ):
        raise ValidationError(
            _("Minutes are approved at a later meeting of the same body.")
        )
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_by_motion = motion
    minutes.approved_at = motion.decided_at or timezone.now()
    minutes.save(update_fields=["status", "approved_by_motion", "approved_at"])
    superseded = meeting.minutes.filter(status=MinutesStatus.APPROVED).exclude(
        pk=minutes.pk
    )
    record_trigger_event(
        records=Record.objects.filter(
            Q(pk__in=superseded.values("pdf_record"))
            | Q(pk__in=superseded.values("docx_record"))
        ),
        event=TriggerEvent.SUPERSEDED,
        occurred_on=timezone.localdate(minutes.approved_at),
    )
    superseded.update(status=MinutesStatus.SUPERSEDED)
    _publish_files(minutes)
    record_trigger_event(
        records=records_filed_under(meeting),
        event=TriggerEvent.MINUTES_APPROVED,
        occurred_on=timezone.localdate(minutes.approved_at),
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.MINUTES_APPROVED)
    return minutes


def _publish_files(minutes: Minutes) -> None:
    meeting = minutes.meeting
    day = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    stem = f"{meeting.primary_body.slug}-{day}-minutes-v{minutes.version}"
    for file_format, field in (("pdf", "pdf_record"), ("docx", "docx_record")):
        data = export_minutes(minutes, file_format=file_format, public=True)
        record = store_record(
            upload_name=f"{stem}.{file_format}",
            data=io.BytesIO(data),
            title=f"Minutes of {meeting.body_names}, {day}",
            visibility=Visibility.PUBLIC,
            body=meeting.primary_body,
        )
        file_meeting_record(
            record=record,
            meeting=meeting,
            used_by=minutes,
            role=f"minutes ({file_format})",
            class_code=MINUTES_CLASS,
        )
        declare_record(record=record)
        setattr(minutes, field, record)
    minutes.save(update_fields=["pdf_record", "docx_record"])


@transaction.atomic
def start_correction(*, minutes: Minutes) -> Minutes:
    """A new draft version of approved minutes, to be approved in its turn;
    the approved version stands until then."""
    if minutes.status != MinutesStatus.APPROVED:
        raise ValidationError(
            _("Only approved minutes are corrected; edit the draft instead.")
        )
    correction = Minutes.objects.create(
        meeting=minutes.meeting, version=minutes.version + 1
    )
    MinutesEntry.objects.bulk_create(
        MinutesEntry(
            minutes=correction,
            item=e.item,
            discussion=e.discussion,
            sort_order=e.sort_order,
        )
        for e in minutes.entries.all()
    )
    return correction


def approve_minutes_on_item(motion: Motion) -> None:
    """When a motion carries on an "approval of minutes" item, approve them."""
    item = motion.item
    if (
        motion.result == MotionResult.PASSED
        and item is not None
        and item.approves_minutes_id
    ):
        approve_minutes(minutes=item.approves_minutes, motion=motion)
