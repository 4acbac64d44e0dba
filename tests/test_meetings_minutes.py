"""Minutes: drafted from the record, exported, approved at the next meeting."""

from __future__ import annotations

import datetime
import io

import docx
import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from council import services as council_services
from council.models import MembershipRole
from meetings.models import AttendanceStatus, MeetingStatus, MinutesStatus, MotionKind
from meetings.services import agenda, live
from meetings.services.minutes import (
    draft_minutes,
    export_minutes,
    start_correction,
    write_discussion,
)
from meetings.services.schedules import create_meeting
from tests.factories import BodyFactory, PersonFactory

pytestmark = pytest.mark.django_db
SECRET = "Sale of the Wrenfield depot"


@pytest.fixture
def held():
    """A held meeting: a public item carried 3–1 and a closed-session item."""
    body = BodyFactory(name="Council", seats=5)
    members = []
    for index, seat in enumerate(body.seats.all()):
        person = PersonFactory(given_name="Member", family_name=f"Number{index}")
        council_services.start_membership(
            person=person,
            body=body,
            seat=seat,
            start_date=timezone.localdate() - datetime.timedelta(days=400),
            role=MembershipRole.CHAIR if index == 0 else MembershipRole.MEMBER,
        )
        members.append(person)
    meeting = create_meeting(
        bodies=[body], starts_at=timezone.now() - datetime.timedelta(days=14)
    )
    open_section = agenda.add_section(meeting=meeting, title="New business")
    closed = agenda.add_section(meeting=meeting, title="Closed session", kind="closed")
    item = agenda.add_item(section=open_section, title="Library hours")
    secret = agenda.add_item(section=closed, title=SECRET)
    for person in members[:4]:
        live.record_attendance(
            meeting=meeting, person=person, status=AttendanceStatus.PRESENT
        )
    for target, text in (
        (item, "That the library open on Sundays."),
        (secret, f"{SECRET}: accept."),
    ):
        motion = live.move_motion(
            meeting=meeting,
            kind=MotionKind.MAIN,
            text=text,
            mover=members[1],
            seconder=members[2],
            item=target,
        )
        live.open_vote(motion=motion)
        for person, option in zip(
            members[:4], ["yes", "yes", "yes", "no"], strict=True
        ):
            live.record_vote(motion=motion, person=person, option=option)
        live.close_vote(motion=motion)
    live.adjourn(meeting=meeting)
    return meeting, members, item


def approve_at_next_meeting(meeting, members, minutes):
    """The next meeting has an "Adoption of minutes" item; its motion carries."""
    body = meeting.primary_body
    following = create_meeting(bodies=[body], starts_at=timezone.now())
    section = agenda.add_section(meeting=following, title="Adoption of minutes")
    item = agenda.add_item(section=section, title="Minutes of the previous meeting")
    item.approves_minutes = minutes
    item.save()
    for person in members[:4]:
        live.record_attendance(
            meeting=following, person=person, status=AttendanceStatus.PRESENT
        )
    motion = live.move_motion(
        meeting=following,
        kind=MotionKind.MAIN,
        text="That the minutes be approved.",
        mover=members[1],
        seconder=members[2],
        item=item,
    )
    live.open_vote(motion=motion)
    for person in members[:4]:
        live.record_vote(motion=motion, person=person, option="yes")
    return live.close_vote(motion=motion)


def test_minutes_are_drafted_with_an_entry_per_item(held):
    meeting, _members, item = held

    minutes = draft_minutes(meeting=meeting)

    assert minutes.status == MinutesStatus.DRAFT
    assert minutes.entries.count() == 2
    assert draft_minutes(meeting=meeting) == minutes  # drafting again adds nothing


def test_exports_hold_the_roll_call_and_result(held):
    meeting, _members, item = held
    minutes = draft_minutes(meeting=meeting)
    write_discussion(
        entry=minutes.entries.get(item=item),
        discussion="<p>Residents asked for <b>Sunday</b> hours.</p>",
    )

    pdf_text = "\n".join(
        page.extract_text()
        for page in pypdf.PdfReader(
            io.BytesIO(export_minutes(minutes, file_format="pdf", public=False))
        ).pages
    )
    word = docx.Document(
        io.BytesIO(export_minutes(minutes, file_format="docx", public=False))
    )
    word_text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    )

    for text in (pdf_text, word_text):
        assert (
            "Library hours" in text and "Carried 3–1 (majority of votes cast)" in text
        )
        assert "Member Number3" in text and "Sunday" in text
        assert "DRAFT" in text


def test_the_public_edition_leaves_out_confidential_items(held):
    meeting, _members, _item = held
    minutes = draft_minutes(meeting=meeting)

    public_pdf = export_minutes(minutes, file_format="pdf", public=True)
    members_pdf = export_minutes(minutes, file_format="pdf", public=False)

    def text(data):
        return "".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages
        )

    assert "Wrenfield" in text(members_pdf)
    assert "Wrenfield" not in text(public_pdf) and b"Wrenfield" not in public_pdf


def test_minutes_are_approved_at_the_next_meeting_and_then_frozen(held):
    meeting, members, item = held
    minutes = draft_minutes(meeting=meeting)

    approve_at_next_meeting(meeting, members, minutes)

    minutes.refresh_from_db()
    meeting.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED
    assert meeting.status == MeetingStatus.MINUTES_APPROVED
    assert minutes.pdf_record.visibility == "public"
    assert minutes.pdf_record.mime_type == "application/pdf"
    with pytest.raises(ValidationError, match="frozen"):
        write_discussion(
            entry=minutes.entries.get(item=item), discussion="<p>Changed</p>"
        )
    with pytest.raises(ValidationError, match="frozen"):
        minutes.full_clean()


def test_a_correction_is_a_new_draft_needing_its_own_approval(held):
    meeting, members, item = held
    minutes = draft_minutes(meeting=meeting)
    approve_at_next_meeting(meeting, members, minutes)
    minutes.refresh_from_db()

    correction = start_correction(minutes=minutes)
    write_discussion(
        entry=correction.entries.get(item=item), discussion="<p>Corrected.</p>"
    )

    assert correction.version == 2 and correction.status == MinutesStatus.DRAFT
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED
