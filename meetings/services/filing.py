"""Filing meeting records in the file plan.

Attachments, board packs and minutes are linked to the meeting they belong
to (so a hold on the meeting covers them all), classified under the
default file plan's meeting classes, and given the "meeting held" trigger
that starts most of their retention periods.
"""

from __future__ import annotations

from django.db import models

from council.visibility import Visibility
from meetings.models import Meeting, MeetingStatus
from meetings.selectors import meeting_date
from records.models import Record, RecordClass, TriggerEvent
from records.selectors import records_filed_under
from records.services.retention import (
    classify_record,
    link_record,
    record_trigger_event,
)

REPORTS_CLASS = "meetings-reports"
CLOSED_SESSION_CLASS = "meetings-closed-session"
PACKS_CLASS = "meetings-agenda-packs"
MINUTES_CLASS = "meetings-minutes"

HELD_STATUSES = (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)


def file_meeting_record(
    *,
    record: Record,
    meeting: Meeting,
    used_by: models.Model,
    role: str,
    class_code: str,
) -> Record:
    """Link, classify (unless a records manager already did) and, for a
    meeting already held, trigger retention for one record."""
    link_record(record=record, used_by=used_by, role=role, filed_under=meeting)
    if record.record_class_id is None:
        if class_code == REPORTS_CLASS and record.visibility != Visibility.PUBLIC:
            class_code = CLOSED_SESSION_CLASS
        record_class = RecordClass.objects.filter(code=class_code).first()
        if record_class is not None:  # the plan is editable: codes may go
            classify_record(record=record, record_class=record_class)
    if meeting.status in HELD_STATUSES:
        record_trigger_event(
            records=[record],
            event=TriggerEvent.MEETING_HELD,
            occurred_on=meeting_date(meeting),
        )
    return record


def record_meeting_held(meeting: Meeting) -> int:
    """Start the retention of everything filed under a meeting now held."""
    return record_trigger_event(
        records=records_filed_under(meeting).select_related("record_class"),
        event=TriggerEvent.MEETING_HELD,
        occurred_on=meeting_date(meeting),
    )
