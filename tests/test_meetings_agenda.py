"""The working agenda: numbering, order, sessions and visibility."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from council.visibility import Visibility
from meetings import selectors
from meetings.models import MeetingSchedule
from meetings.services import agenda
from meetings.services.schedules import (
    cancel_meeting,
    generate_meetings,
    schedule_dates,
)
from records.models import Record
from tests.factories import BodyFactory
from tests.meetings_support import add_item_with_pdf, council_meeting, section

pytestmark = pytest.mark.django_db


def numbers(meeting):
    return [
        (entry.number, [(n.number, n.item.title) for n in entry.items])
        for entry in selectors.working_agenda(meeting)
    ]


def test_sections_and_items_are_numbered_in_outline_order():
    meeting = council_meeting()
    for title in ("Budget", "Parks", "Roads"):
        agenda.add_item(section=section(meeting, "New business"), title=title)
    agenda.add_item(section=section(meeting, "Consent agenda"), title="Permit report")

    assert numbers(meeting) == [
        ("1", []),
        ("2", [("2.a", "Permit report")]),
        ("3", [("3.a", "Budget"), ("3.b", "Parks"), ("3.c", "Roads")]),
        ("4", []),
    ]


def test_letters_continue_past_z():
    assert [selectors.item_letter(i) for i in (0, 25, 26, 27, 51, 52)] == [
        "a",
        "z",
        "aa",
        "ab",
        "az",
        "ba",
    ]


def test_consent_section_items_are_consent_items():
    meeting = council_meeting()

    item = agenda.add_item(section=section(meeting, "Consent agenda"), title="Permits")

    assert item.is_consent


def test_closed_session_items_default_to_confidential_and_cannot_be_public():
    meeting = council_meeting()
    closed = section(meeting, "Closed session")

    item = agenda.add_item(section=closed, title="Land acquisition")

    assert item.visibility == Visibility.CONFIDENTIAL
    with pytest.raises(ValidationError, match="cannot be public"):
        agenda.set_item_visibility(item=item, visibility=Visibility.PUBLIC)


def test_open_session_items_must_be_public():
    meeting = council_meeting()
    item = agenda.add_item(section=section(meeting, "New business"), title="Budget")

    with pytest.raises(ValidationError, match="move this item to the closed session"):
        agenda.set_item_visibility(item=item, visibility=Visibility.CONFIDENTIAL)


def test_reordering_moves_items_within_and_across_sections():
    meeting = council_meeting()
    new_business = section(meeting, "New business")
    a, b = (agenda.add_item(section=new_business, title=t) for t in ("A", "B"))
    layout = [(s.pk, []) for s in meeting.sections.all()]
    consent_index = 1
    layout[consent_index] = (layout[consent_index][0], [b.pk])
    layout[2] = (layout[2][0], [a.pk])

    agenda.reorder_agenda(meeting=meeting, layout=layout)

    assert numbers(meeting)[1] == ("2", [("2.a", "B")])
    assert numbers(meeting)[2] == ("3", [("3.a", "A")])


def test_moving_a_public_item_into_closed_session_is_refused():
    meeting = council_meeting()
    item = agenda.add_item(section=section(meeting, "New business"), title="Budget")
    layout = [
        (s.pk, [item.pk] if s.title == "Closed session" else [])
        for s in meeting.sections.all()
    ]

    with pytest.raises(ValidationError, match="cannot move to “Closed session”"):
        agenda.reorder_agenda(meeting=meeting, layout=layout)


def test_a_stale_layout_is_refused():
    meeting = council_meeting()
    agenda.add_item(section=section(meeting, "New business"), title="Budget")

    with pytest.raises(ValidationError, match="Reload the page"):
        agenda.reorder_agenda(
            meeting=meeting, layout=[(s.pk, []) for s in meeting.sections.all()]
        )


def test_layout_with_move_crosses_section_edges():
    layout = [(1, [10, 11]), (2, [20])]

    assert selectors.layout_with_move(layout, 11, "down") == [(1, [10]), (2, [11, 20])]
    assert selectors.layout_with_move(layout, 10, "down") == [(1, [11, 10]), (2, [20])]
    assert selectors.layout_with_move(layout, 20, "up") == [(1, [10, 11, 20]), (2, [])]
    assert selectors.layout_with_move(layout, 10, "up") == layout


def test_attachments_follow_their_item_visibility():
    meeting = council_meeting()
    item = add_item_with_pdf(meeting, "Closed session", "Litigation update")
    record = item.attachments.get().record

    assert record.visibility == Visibility.CONFIDENTIAL
    assert record.body == meeting.primary_body
    agenda.set_item_visibility(item=item, visibility=Visibility.INTERNAL)
    assert Record.objects.get(pk=record.pk).visibility == Visibility.INTERNAL


def test_schedule_dates_second_and_fourth_tuesday():
    schedule = MeetingSchedule(
        body=BodyFactory(),
        weekday=1,
        weeks_of_month="2,4",
        start_time=datetime.time(18),
        location="Chamber",
        skip_months="8",
    )

    dates = schedule_dates(
        schedule, datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)
    )

    assert dates == [
        datetime.date(2026, 7, 14),
        datetime.date(2026, 7, 28),
        datetime.date(2026, 9, 8),
        datetime.date(2026, 9, 22),
    ]
    assert schedule.describe() == "2nd and 4th Tuesday 18:00"


def test_last_weekday_of_the_month():
    schedule = MeetingSchedule(
        weekday=4, weeks_of_month="last", start_time=datetime.time(9)
    )

    assert schedule_dates(
        schedule, datetime.date(2026, 1, 1), datetime.date(2026, 2, 28)
    ) == [datetime.date(2026, 1, 30), datetime.date(2026, 2, 27)]


def test_generating_meetings_twice_creates_no_duplicates():
    body = BodyFactory()
    schedule = MeetingSchedule.objects.create(
        body=body,
        weekday=0,
        weeks_of_month="1",
        start_time=datetime.time(13, 30),
        location="Room 2",
    )
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)

    first = generate_meetings(schedule=schedule, start=start, end=end)
    second = generate_meetings(schedule=schedule, start=start, end=end)

    assert len(first) == 6 and second == []


def test_cancelling_needs_a_reason():
    meeting = council_meeting()

    with pytest.raises(ValidationError, match="reason"):
        cancel_meeting(meeting=meeting, reason="  ")
    assert (
        cancel_meeting(meeting=meeting, reason="No quorum expected").status
        == "cancelled"
    )
