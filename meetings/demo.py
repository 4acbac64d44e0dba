"""A year of Port Alder's meetings: schedules, agendas, real staff reports,
published agendas with their board packs, and one addendum.

Builds on council.demo (bodies, people, users). Deterministic apart from
dates, which follow today so that there are always past and upcoming meetings.
"""

from __future__ import annotations

import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from council.models import Body
from meetings import selectors
from meetings.demo_documents import staff_report_docx, staff_report_pdf
from meetings.demo_proceedings import hold_past_meetings
from meetings.models import (
    AgendaTemplate,
    AgendaTemplateSection,
    BoardPack,
    Meeting,
    MeetingSchedule,
)
from meetings.models.schedules import SectionKind
from meetings.services import agenda, publishing, submissions
from meetings.services.schedules import generate_meetings

COUNCIL_SECTIONS = [
    ("Call to order and land acknowledgement", SectionKind.STANDARD),
    ("Declarations of pecuniary interest", SectionKind.STANDARD),
    ("Adoption of minutes", SectionKind.STANDARD),
    ("Consent agenda", SectionKind.CONSENT),
    ("Public hearings", SectionKind.STANDARD),
    ("Reports of committees and staff", SectionKind.STANDARD),
    ("By-laws", SectionKind.STANDARD),
    ("Closed session", SectionKind.CLOSED),
    ("Adjournment", SectionKind.STANDARD),
]
COMMITTEE_SECTIONS = [
    ("Call to order", SectionKind.STANDARD),
    ("Declarations of pecuniary interest", SectionKind.STANDARD),
    ("Adoption of minutes", SectionKind.STANDARD),
    ("Consent items", SectionKind.CONSENT),
    ("Staff reports", SectionKind.STANDARD),
    ("Adjournment", SectionKind.STANDARD),
]
SCHEDULES = [
    # body slug, weekday, weeks, time, template, location
    (
        "city-council",
        1,
        "2,4",
        datetime.time(18, 0),
        "Council meeting",
        "Council Chamber, City Hall",
    ),
    (
        "finance-audit",
        0,
        "1",
        datetime.time(13, 30),
        "Committee meeting",
        "Committee Room 2, City Hall",
    ),
    (
        "planning-development",
        2,
        "1",
        datetime.time(18, 0),
        "Committee meeting",
        "Council Chamber, City Hall",
    ),
    (
        "community-services",
        3,
        "2",
        datetime.time(15, 0),
        "Committee meeting",
        "Committee Room 1, City Hall",
    ),
    (
        "planning-board",
        3,
        "3",
        datetime.time(18, 30),
        "Committee meeting",
        "Council Chamber, City Hall",
    ),
]
STREETS = [
    "Harbour Street",
    "Alder Avenue",
    "Mill Road",
    "Quarry Lane",
    "Water Street",
    "Birch Crescent",
    "Station Road",
    "Lakeshore Drive",
    "King Street",
    "Orchard Way",
]
CONSENT = [
    ("Appointments to the Accessibility Advisory Committee", "Clerk's Office"),
    ("Monthly building permit activity report", "Building Services"),
    ("Road closure for the Harbour Days parade", "Public Works"),
    ("Grant of easement to Port Alder Hydro", "Legal Services"),
    ("Quarterly procurement activity report", "Finance Department"),
    ("Renewal of the snow-clearing contract for sidewalks", "Public Works"),
]
REPORTS = {
    "city-council": [
        ("Multi-year capital budget update", "Finance Department"),
        ("Downtown parking strategy", "Planning Department"),
        ("Community safety and well-being plan", "Community Services"),
        ("Waterfront trail extension, phase 2", "Parks and Recreation"),
        ("Asset management plan for water and wastewater", "Engineering Services"),
    ],
    "finance-audit": [
        ("Year-to-date operating budget variance", "Finance Department"),
        ("External audit plan", "Finance Department"),
        ("Reserve and reserve fund policy review", "Finance Department"),
        ("Development charges background study", "Finance Department"),
    ],
    "planning-development": [
        ("Official Plan review: housing options", "Planning Department"),
        ("Heritage conservation district study, Water Street", "Planning Department"),
        ("Site plan control by-law update", "Planning Department"),
    ],
    "community-services": [
        ("Library strategic plan 2027-2031", "Port Alder Public Library"),
        ("Recreation fees and charges", "Parks and Recreation"),
        ("Affordable housing action plan progress", "Community Services"),
    ],
    "planning-board": [
        ("Minor variance application A-{n}/26", "Planning Department"),
        ("Consent application B-{n}/26 (lot severance)", "Planning Department"),
    ],
}
CLOSED = [
    "Litigation: claim concerning the {street} drainage works (s. 239(2)(e))",
    "Proposed acquisition of land on {street} (s. 239(2)(c))",
    "Labour relations: negotiations with the firefighters' association (s. 239(2)(d))",
    "Personal matters about an identifiable individual: citizen appointment (s. 239(2)(b))",
]


def load() -> None:
    """A year of meetings up to a month ahead, with published agendas."""
    rng = random.Random(2026)
    today = timezone.localdate()
    templates = create_templates()
    clerk = get_user_model().objects.get(username="clerk")
    staff = get_user_model().objects.get(username="staff")
    library = _DocumentLibrary(rng)
    published = []
    with transaction.atomic():
        for slug, weekday, weeks, time, template, location in SCHEDULES:
            body = Body.objects.get(slug=slug)
            schedule = MeetingSchedule.objects.create(
                body=body,
                weekday=weekday,
                weeks_of_month=weeks,
                start_time=time,
                location=location,
                agenda_template=templates[template],
                skip_months="8",
            )
            meetings = generate_meetings(
                schedule=schedule,
                start=today - datetime.timedelta(days=365),
                end=today + datetime.timedelta(days=40),
            )
            for meeting in meetings:
                _fill_agenda(meeting, body, rng, library, staff, clerk)
                if meeting.starts_at.date() <= today + datetime.timedelta(days=10):
                    published.append(_publish(meeting, clerk))
        published.append(_addendum(published, library, clerk))
        _pending_submissions(staff, clerk, library)
        Body.objects.filter(slug="planning-board").update(publishes_draft_minutes=True)
        hold_past_meetings(clerk=clerk, rng=rng)
    # Packs are compiled here so the demo is complete at once; the queued
    # tasks find them ready and do nothing.
    for pack in BoardPack.objects.filter(version__in=published).select_related(
        "version__meeting"
    ):
        publishing.compile_board_pack(pack=pack)


def create_templates() -> dict[str, AgendaTemplate]:
    templates = {}
    for name, sections in (
        ("Council meeting", COUNCIL_SECTIONS),
        ("Committee meeting", COMMITTEE_SECTIONS),
    ):
        template = AgendaTemplate.objects.create(name=name)
        AgendaTemplateSection.objects.bulk_create(
            AgendaTemplateSection(
                template=template, title=title, kind=kind, sort_order=i
            )
            for i, (title, kind) in enumerate(sections)
        )
        templates[name] = template
    return templates


class _DocumentLibrary:
    """A small pool of staff reports that agenda items share.

    Each document is made once and its text extracted once (records reuse
    the text of identical content), which keeps the demo quick to load.
    """

    PDF_PAGES = (1, 2, 3, 4, 6, 8, 12, 18, 25, 40)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cache: dict[tuple, bytes] = {}

    def report(self, department: str) -> tuple[str, bytes]:
        if self.rng.random() < 0.2:
            key = ("docx", self.rng.randrange(4))
            if key not in self.cache:
                self.cache[key] = staff_report_docx(
                    title="Staff report",
                    department=department,
                    paragraphs=6 + 8 * key[1],
                    seed=len(self.cache),
                )
            return "report.docx", self.cache[key]
        key = ("pdf", self.rng.choice(self.PDF_PAGES))
        if key not in self.cache:
            self.cache[key] = staff_report_pdf(
                title="Staff report",
                department=department,
                pages=key[1],
                seed=len(self.cache),
            )
        return "report.pdf", self.cache[key]


def _sections(meeting: Meeting) -> dict[str, object]:
    return {s.title: s for s in meeting.sections.all()}


def _attach(item, library: _DocumentLibrary, clerk) -> None:
    name, data = library.report(item.department or "Clerk's Office")
    agenda.attach_file(
        item=item,
        upload_name=name,
        data=io.BytesIO(data),
        title=f"Staff report: {item.title}",
        user=clerk,
    )


def _fill_agenda(
    meeting: Meeting, body: Body, rng: random.Random, library, staff, clerk
) -> None:
    sections = _sections(meeting)
    consent = sections.get("Consent agenda") or sections["Consent items"]
    reports = (
        sections.get("Reports of committees and staff") or sections["Staff reports"]
    )
    minutes = sections["Adoption of minutes"]
    agenda.add_item(
        section=minutes,
        title=f"Minutes of the previous meeting of {body.name}",
        department="Clerk's Office",
    )
    for title, department in rng.sample(CONSENT, 2):
        _attach(
            agenda.add_item(section=consent, title=title, department=department),
            library,
            clerk,
        )
    number = meeting.pk
    for title, department in rng.sample(
        REPORTS[body.slug], min(2, len(REPORTS[body.slug]))
    ):
        item = agenda.add_item(
            section=reports,
            title=title.format(n=number),
            department=department,
            description=f"<p>{department} reports on {title.format(n=number).lower()}.</p>",
            recommendation="<p>That the report be received and the recommendations adopted.</p>",
        )
        _attach(item, library, clerk)
    if "Public hearings" in sections:
        street = rng.choice(STREETS)
        item = agenda.add_item(
            section=sections["Public hearings"],
            title=f"Zoning By-law Amendment Z-{number}/26: {rng.randint(2, 240)} {street}",
            department="Planning Department",
            description="<p>A statutory public meeting under the Planning Act. Anyone may speak.</p>",
            recommendation="<p>That the zoning by-law amendment be approved.</p>",
        )
        _attach(item, library, clerk)
    if "Closed session" in sections:
        title = rng.choice(CLOSED).format(street=rng.choice(STREETS))
        item = agenda.add_item(
            section=sections["Closed session"],
            title=title,
            department="Legal Services",
            description="<p>Confidential report; see the members' package.</p>",
        )
        _attach(item, library, clerk)


def _publish(meeting: Meeting, clerk):
    deadline = selectors.notice_deadline(meeting)
    return publishing.publish_agenda(
        meeting=meeting,
        user=clerk,
        now=min(timezone.now(), deadline - datetime.timedelta(days=2)),
    )


def _addendum(published, library, clerk):
    """The next council meeting gets a late report: agenda version 2."""
    upcoming = [v for v in published if v.meeting.starts_at > timezone.now()]
    council = [
        v for v in upcoming if v.meeting.bodies.filter(slug="city-council").exists()
    ]
    version = (council or upcoming or published)[0]
    meeting = version.meeting
    section = meeting.sections.get(title="Reports of committees and staff")
    item = agenda.add_item(
        section=section,
        title="Emergency repairs to the Mill Road bridge",
        department="Engineering Services",
        recommendation="<p>That Council authorise emergency repairs up to $480,000.</p>",
    )
    _attach(item, library, clerk)
    return publishing.publish_agenda(
        meeting=meeting,
        user=clerk,
        now=min(timezone.now(), meeting.starts_at - datetime.timedelta(hours=30)),
        late_notice_reason="Bridge inspection found structural damage on Friday.",
        change_note="Added item: emergency repairs to the Mill Road bridge.",
    )


def _pending_submissions(staff, clerk, library) -> None:
    """Reports in the workflow: one awaiting review, one approved and waiting."""
    council = Body.objects.get(slug="city-council")
    waiting = submissions.create_submission(
        body=council,
        title="Tree canopy strategy",
        department="Parks and Recreation",
        submitted_by=staff,
        recommendation="<p>That the tree canopy strategy be endorsed.</p>",
    )
    name, data = library.report(waiting.department)
    submissions.add_submission_file(
        submission=waiting, upload_name=name, data=io.BytesIO(data), user=staff
    )
    submissions.submit_item(submission=waiting, user=staff)
    approved = submissions.create_submission(
        body=council,
        title="Cycling network plan update",
        department="Engineering Services",
        submitted_by=staff,
        recommendation="<p>That the updated cycling network plan be adopted.</p>",
    )
    submissions.submit_item(submission=approved, user=staff)
    submissions.approve_submission(
        submission=approved, user=clerk, comment="Ready for the next council agenda."
    )
