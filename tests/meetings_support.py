"""Shared test builders for meetings: a council meeting with an agenda."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from fpdf import FPDF

from meetings.models.schedules import SectionKind
from meetings.services import agenda
from meetings.services.schedules import create_meeting
from tests.factories import BodyFactory


def pdf_bytes(*page_texts: str) -> bytes:
    """A real PDF with one page per text."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=14)
    for text in page_texts:
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


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
