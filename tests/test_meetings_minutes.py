"""Minutes: drafted from the record, exported, approved at the next meeting."""

from __future__ import annotations

import io

import docx
import pypdf
import pytest
from django.core.exceptions import ValidationError

from meetings.models import MeetingStatus, MinutesStatus
from meetings.services.minutes import (
    draft_minutes,
    export_minutes,
    start_correction,
    write_discussion,
)
from tests.meetings_support import approve_at_next_meeting

pytestmark = pytest.mark.django_db


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
