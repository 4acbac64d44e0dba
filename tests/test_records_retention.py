"""File plan, retention schedules, triggers, declaring and versions."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from council.visibility import Visibility
from meetings.services import live
from meetings.services.minutes import draft_minutes
from records.models import (
    AuditAction,
    AuditEvent,
    DisposalAction,
    RecordClass,
    RecordLink,
    TriggerEvent,
)
from records.services.retention import (
    RecordLocked,
    classify_record,
    declare_record,
    recompute_due_dates_in_class,
    record_trigger_event,
    store_new_version,
    update_record_metadata,
    version_history,
)
from tests.factories import RecordFactory, UserFactory
from tests.meetings_support import (
    add_item_with_pdf,
    approve_at_next_meeting,
    council_meeting,
)

pytestmark = pytest.mark.django_db


def plan(code: str) -> RecordClass:
    return RecordClass.objects.get(code=code)


def years_later(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year + years)


def test_the_default_file_plan_covers_a_municipalitys_records():
    minutes = plan("meetings-minutes")
    packs = plan("meetings-agenda-packs")

    assert str(minutes) == "Meetings › Minutes"
    assert minutes.schedule.is_permanent
    assert str(packs.schedule) == "Destroy 10 years after meeting held"
    assert str(plan("drafts").schedule) == "Destroy when superseded"
    assert str(plan("contracts").schedule) == "Destroy 7 years after contract ended"
    assert plan("records-destruction-certificates").schedule.is_permanent


def test_a_class_without_a_schedule_follows_its_parent():
    parent = plan("correspondence")
    child = RecordClass.objects.create(
        name="Complaints", code="complaints", parent=parent
    )

    assert child.schedule.defined_by == parent
    assert str(child) == "Correspondence › Complaints"


def test_the_plan_refuses_a_class_inside_itself_and_a_schedule_without_a_trigger():
    parent = plan("meetings")
    parent.parent = plan("meetings-minutes")
    with pytest.raises(ValidationError, match="inside itself"):
        parent.full_clean()

    no_trigger = RecordClass(name="Loose", code="loose", action=DisposalAction.DESTROY)
    with pytest.raises(ValidationError, match="starts the retention"):
        no_trigger.full_clean()


def test_months_are_calendar_months():
    schedule = plan("drafts").schedule
    one_month = type(schedule)(**{**schedule.__dict__, "months": 1})

    assert one_month.due_on(datetime.date(2024, 1, 31)) == datetime.date(2024, 2, 29)


def test_a_time_triggered_schedule_gives_a_due_date_at_capture():
    record = RecordFactory(record_class=plan("correspondence"))

    assert record.disposal_due_on == years_later(timezone.localdate(), 7)


def test_an_event_triggered_schedule_waits_for_its_event():
    record = RecordFactory(record_class=plan("contracts"))
    assert record.disposal_due_on is None

    ended = datetime.date(2020, 6, 30)
    record_trigger_event(
        records=[record],
        event=TriggerEvent.CUSTOM,
        custom_event="contract ended",
        occurred_on=ended,
    )

    record.refresh_from_db()
    assert record.disposal_due_on == datetime.date(2027, 6, 30)
    event = AuditEvent.objects.for_target(record).get(
        action=AuditAction.TRIGGER_RECORDED
    )
    assert event.details == {"event": "contract ended", "occurred_on": "2020-06-30"}


def test_reclassifying_recomputes_from_the_events_already_recorded():
    record = RecordFactory(record_class=plan("contracts"))
    record_trigger_event(
        records=[record],
        event=TriggerEvent.MEETING_HELD,
        occurred_on=datetime.date(2021, 3, 1),
    )
    assert record.disposal_due_on is None

    classify_record(record=record, record_class=plan("meetings-agenda-packs"))

    record.refresh_from_db()
    assert record.disposal_due_on == datetime.date(2031, 3, 1)


def test_changing_a_classs_schedule_recomputes_its_records():
    packs = plan("meetings-agenda-packs")
    record = RecordFactory(record_class=packs)
    record_trigger_event(
        records=[record],
        event=TriggerEvent.MEETING_HELD,
        occurred_on=datetime.date(2021, 3, 1),
    )

    packs.retention_years = 3
    packs.save()
    recompute_due_dates_in_class(plan("meetings"))

    record.refresh_from_db()
    assert record.disposal_due_on == datetime.date(2024, 3, 1)


def test_a_declared_record_refuses_edits_to_its_title_and_content():
    manager = UserFactory()
    record = RecordFactory(title="Minutes 3 March")
    declare_record(record=record, by=manager)

    with pytest.raises(RecordLocked, match="declared record"):
        update_record_metadata(record=record, by=manager, title="Something else")
    with pytest.raises(RecordLocked, match="declared record"):
        store_new_version(
            record=record, upload_name="new.txt", data=io.BytesIO(b"changed\n")
        )

    record.refresh_from_db()
    assert record.title == "Minutes 3 March"
    assert (
        AuditEvent.objects.for_target(record)
        .filter(action=AuditAction.DECLARE)
        .exists()
    )


def test_visibility_changes_on_a_declared_record_are_audited_with_old_and_new():
    manager = UserFactory()
    record = RecordFactory(visibility=Visibility.PUBLIC)
    declare_record(record=record, by=manager)

    update_record_metadata(record=record, by=manager, visibility=Visibility.INTERNAL)

    event = AuditEvent.objects.for_target(record).get(
        action=AuditAction.METADATA_CHANGE
    )
    assert event.details == {"visibility": ["public", "internal"]}
    assert event.actor == manager


def test_a_new_version_never_overwrites_the_old_one():
    draft = RecordFactory(
        title="Budget draft", content=b"first draft\n", record_class=plan("drafts")
    )

    second = store_new_version(
        record=draft, upload_name="budget.txt", data=io.BytesIO(b"second draft\n")
    )

    draft.refresh_from_db()
    assert second.version == 2 and second.previous_version == draft
    assert draft.file.read() == b"first draft\n"
    assert second.file.read() == b"second draft\n"
    assert version_history(draft) == [draft, second]
    # "Destroy when superseded": the first draft is due today.
    assert draft.disposal_due_on == timezone.localdate()
    assert second.disposal_due_on is None
    with pytest.raises(RecordLocked, match="newer version"):
        store_new_version(record=draft, upload_name="x.txt", data=io.BytesIO(b"x\n"))


def test_meeting_files_are_filed_under_their_meeting_and_retained_from_the_meeting():
    meeting = council_meeting(days_ahead=0)
    item = add_item_with_pdf(meeting, "New business", "Road resurfacing")
    record = item.attachments.get().record

    assert record.record_class == plan("meetings-reports")
    link = RecordLink.objects.get(record=record)
    assert (link.used_by, link.context) == (item, meeting)

    live.adjourn(meeting=meeting)

    record.refresh_from_db()
    assert record.disposal_due_on == years_later(
        timezone.localtime(meeting.starts_at).date(), 10
    )


def test_closed_session_files_go_to_the_closed_session_class():
    meeting = council_meeting()
    item = add_item_with_pdf(
        meeting, "Closed session", "Land sale", visibility=Visibility.CONFIDENTIAL
    )

    assert item.attachments.get().record.record_class == plan("meetings-closed-session")


def test_approved_minutes_are_declared_permanent_records(held):
    meeting, members, _item = held
    minutes = draft_minutes(meeting=meeting)

    approve_at_next_meeting(meeting, members, minutes)

    minutes.refresh_from_db()
    for record in (minutes.pdf_record, minutes.docx_record):
        assert record.is_declared
        assert record.record_class == plan("meetings-minutes")
        assert record.disposal_due_on is None
        assert RecordLink.objects.get(record=record).context == meeting
