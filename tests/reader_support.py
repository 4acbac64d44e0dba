"""A long board pack for the reader's browser test and benchmark: a meeting
of a body with members, twelve staff reports making up 500 attachment pages,
published through the real services (the pack compiled at once).

Used by tests/browser/test_reader.py and bench/bench_reader.py.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.utils import timezone
from fpdf import FPDF

from council.models import Body
from council.visibility import Role
from meetings.models import BoardPack, Meeting, PackEdition, PackStatus
from meetings.services import agenda
from meetings.services.publishing import publish_agenda
from meetings.services.schedules import create_meeting
from tests.factories import BodyFactory, UserFactory
from tests.members_support import member_of

PASSWORD = "secret-pass"
# (section, item title, pages of its report); 500 pages in all.
REPORTS = (
    ("Consent agenda", "Minutes of the previous meeting", 6),
    ("Consent agenda", "Building permit activity", 14),
    ("Reports", "Parks master plan", 48),
    ("Reports", "Transit network study", 64),
    ("Reports", "Water main renewal programme", 40),
    ("Reports", "Library branch hours", 12),
    ("Reports", "Capital budget 2027", 120),
    ("Reports", "Heritage register update", 30),
    ("Reports", "Snow clearing service levels", 36),
    ("Reports", "Housing needs assessment", 70),
    ("Reports", "Tree canopy strategy", 42),
    ("Closed session", "Acquisition of the Wrenfield depot", 18),
)
PARKS_PASSAGE = "The budget for the splash pad at Harbour Park is 90,000 dollars."
WORDS = (
    "council budget motion resolution ward planning road library park transit "
    "housing zoning bylaw amendment committee report appendix staff recommend "
    "approve capital operating variance tender contract consultation heritage"
).split()


def report_pdf(title: str, pages: int) -> bytes:
    """A staff report: a heading and lines of words on every page; page 2 of
    the parks plan carries a known passage to highlight."""
    pdf = FPDF(format="letter")
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 15)
        pdf.text(20, 25, f"{title}: page {page} of {pages}")
        pdf.set_font("Helvetica", size=11)
        if title == "Parks master plan" and page == 2:
            pdf.text(20, 40, PARKS_PASSAGE)
        for line in range(24):
            words = " ".join(
                WORDS[(page * 7 + line * 3 + n) % len(WORDS)] for n in range(11)
            )
            pdf.text(20, 50 + line * 8, words.capitalize() + ".")
    return bytes(pdf.output())


@dataclass
class LongPack:
    meeting: Meeting
    pack: BoardPack
    body: Body
    members: list  # users sitting on the body
    clerk: object
    outsider: object  # a member of another body


def sit_on(body: Body, username: str, seat_index: int, given_name: str):
    return member_of(
        body, username, seat_index, given_name=given_name, password=PASSWORD
    )


def publish_long_pack(*, days_ahead: int = 7) -> LongPack:
    """The meeting, its members and its 500-page members' pack, compiled.

    Publishing runs the pack compilation after commit; the caller must be in
    autocommit (a live server test, a script) or capture on-commit callbacks.
    """
    body = BodyFactory(name="City Council", slug="city-council-reader", seats=9)
    members = [
        sit_on(body, "ada", 0, "Ada"),
        sit_on(body, "ben", 1, "Ben"),
    ]
    outsider = sit_on(BodyFactory(name="Planning Board", seats=3), "olga", 0, "Olga")
    clerk = UserFactory(username="clerk", roles=[Role.CLERK], password=PASSWORD)
    meeting = create_meeting(
        bodies=[body],
        starts_at=timezone.now() + datetime.timedelta(days=days_ahead),
        location="Council Chamber, City Hall",
    )
    sections = {}
    for title, kind in (
        ("Consent agenda", "consent"),
        ("Reports", "standard"),
        ("Closed session", "closed"),
    ):
        sections[title] = agenda.add_section(meeting=meeting, title=title, kind=kind)
    for section_title, title, pages in REPORTS:
        item = agenda.add_item(section=sections[section_title], title=title)
        agenda.attach_file(
            item=item,
            upload_name=f"{title[:24]}.pdf",
            data=io.BytesIO(report_pdf(title, pages)),
            title=f"Staff report: {title}",
        )
    publish_agenda(meeting=meeting, user=clerk, late_notice_reason="Test meeting")
    pack = BoardPack.objects.get(
        version__meeting=meeting, version__number=1, edition=PackEdition.MEMBERS
    )
    assert pack.status == PackStatus.READY, pack.error
    return LongPack(meeting, pack, body, members, clerk, outsider)
