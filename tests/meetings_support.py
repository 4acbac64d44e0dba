"""Shared test builders and fixtures for meetings (loaded as a pytest plugin
from tests/conftest.py): a council meeting with an agenda, a held meeting."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from council import services as council_services
from council.models import MembershipRole
from meetings.models import AttendanceStatus, MotionKind
from meetings.models.schedules import SectionKind
from meetings.services import agenda, live
from meetings.services.schedules import create_meeting
from tests.factories import BodyFactory, PersonFactory, pdf_bytes


def council_meeting(*, days_ahead: int = 10, body=None):
    """A meeting with an open, a consent and a closed-session section."""
    body = body or BodyFactory(seats=5)
    starts_at = timezone.now() + datetime.timedelta(days=days_ahead)
    meeting = create_meeting(
        bodies=[body], starts_at=starts_at, location="Council Chamber"
    )
    for title, kind in (
        ("Call to order", SectionKind.STANDARD),
        ("Consent agenda", SectionKind.CONSENT),
        ("New business", SectionKind.STANDARD),
        ("Closed session", SectionKind.CLOSED),
    ):
        agenda.add_section(meeting=meeting, title=title, kind=kind)
    return meeting


def section(meeting, title: str):
    return meeting.sections.get(title=title)


def add_item_with_pdf(meeting, section_title: str, title: str, *pages: str, **fields):
    item = agenda.add_item(
        section=section(meeting, section_title), title=title, **fields
    )
    agenda.attach_file(
        item=item,
        upload_name=f"{title[:20]}.pdf",
        data=io.BytesIO(pdf_bytes(*(pages or (f"Report: {title}",)))),
        title=f"Report on {title}",
    )
    return item


HELD_SECRET = "Sale of the Wrenfield depot"


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
    secret = agenda.add_item(section=closed, title=HELD_SECRET)
    for person in members[:4]:
        live.record_attendance(
            meeting=meeting, person=person, status=AttendanceStatus.PRESENT
        )
    for target, text in (
        (item, "That the library open on Sundays."),
        (secret, f"{HELD_SECRET}: accept."),
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
