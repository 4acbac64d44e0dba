"""Publishing: notice period, frozen versions, addenda and board packs."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from council.visibility import Role
from meetings.models import BoardPack, MeetingStatus, PackEdition, PackStatus
from meetings.services import agenda
from meetings.services.publishing import LateNoticeError
from meetings.services.schedules import cancel_meeting
from tests.factories import UserFactory
from tests.meetings_support import add_item_with_pdf, council_meeting

pytestmark = pytest.mark.django_db

SECRET = "Expropriation of Quillfeather Marsh"


@pytest.fixture
def clerk():
    return UserFactory(roles=[Role.CLERK])


@pytest.fixture
def meeting():
    meeting = council_meeting(days_ahead=10)
    add_item_with_pdf(
        meeting, "Consent agenda", "Permit activity", "Permits issued", "Table"
    )
    add_item_with_pdf(
        meeting,
        "New business",
        "Parks master plan",
        *(f"Parks page {n}" for n in range(1, 6)),
    )
    add_item_with_pdf(
        meeting, "New business", "Transit study", "Transit page 1", "Transit page 2"
    )
    add_item_with_pdf(
        meeting, "Closed session", SECRET, f"{SECRET} appraisal", "Offer terms"
    )
    return meeting


def pack(version, edition) -> BoardPack:
    return version.packs.get(edition=edition)


def pdf_of(board_pack: BoardPack) -> bytes:
    with board_pack.record.file.open("rb") as handle:
        return handle.read()


def all_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def inflated_streams(data: bytes) -> bytes:
    """Every stream of the PDF, decompressed, to search for stray bytes."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    chunks = [data]
    for number in range(1, reader.trailer["/Size"]):
        obj = reader.get_object(number)
        if isinstance(obj, pypdf.generic.StreamObject):
            chunks.append(obj.get_data())
    return b"".join(chunks)


def test_publishing_freezes_version_1_and_compiles_both_packs(meeting, clerk, publish):
    version = publish(meeting=meeting, user=clerk)

    meeting.refresh_from_db()
    assert version.number == 1 and meeting.status == MeetingStatus.AGENDA_PUBLISHED
    assert [i.number for i in version.items.order_by("sort_order")] == [
        "2.a",
        "3.a",
        "3.b",
        "4.a",
    ]
    for edition in PackEdition.values:
        compiled = pack(version, edition)
        assert compiled.status == PackStatus.READY, compiled.error
        assert compiled.record.mime_type == "application/pdf"


def test_the_published_version_does_not_change_with_the_working_agenda(
    meeting, clerk, publish
):
    version = publish(meeting=meeting, user=clerk)
    item = meeting.sections.get(title="New business").items.first()
    item.title = "Parks master plan (revised)"
    item.save()

    assert version.items.filter(title="Parks master plan").exists()
    assert not version.items.filter(title__contains="revised").exists()


def test_late_publishing_needs_a_recorded_reason(clerk, publish):
    meeting = council_meeting(days_ahead=1)  # notice period is 72 hours
    add_item_with_pdf(meeting, "New business", "Budget")

    with pytest.raises(LateNoticeError, match="notice period ended"):
        publish(meeting=meeting, user=clerk)
    version = publish(meeting=meeting, user=clerk, late_notice_reason="Storm damage")

    assert version.late_notice_reason == "Storm damage"


def test_in_time_publishing_records_no_late_reason(meeting, clerk, publish):
    version = publish(meeting=meeting, user=clerk, late_notice_reason="not needed")

    assert version.late_notice_reason == ""


def test_the_notice_period_is_the_bodys(clerk, publish):
    meeting = council_meeting(days_ahead=5)
    body = meeting.primary_body
    body.notice_period_hours = 7 * 24
    body.save()
    add_item_with_pdf(meeting, "New business", "Budget")

    with pytest.raises(LateNoticeError):
        publish(meeting=meeting, user=clerk, now=timezone.now())
    assert (
        publish(
            meeting=meeting,
            user=clerk,
            now=meeting.starts_at - datetime.timedelta(days=8),
        ).number
        == 1
    )


def test_an_addendum_is_version_2_and_marks_what_changed(meeting, clerk, publish):
    first = publish(meeting=meeting, user=clerk)
    add_item_with_pdf(meeting, "New business", "Bridge repairs", "Bridge report")

    second = publish(meeting=meeting, user=clerk, change_note="Bridge repairs added")

    assert second.number == 2 and second.is_addendum
    changed = list(second.items.filter(is_changed=True).values_list("title", flat=True))
    assert changed == ["Bridge repairs"]
    # Every version keeps its own packs.
    assert pack(first, PackEdition.PUBLIC).status == PackStatus.READY
    assert (
        pack(second, PackEdition.PUBLIC).page_count
        > pack(first, PackEdition.PUBLIC).page_count
    )


def test_cancelled_meetings_cannot_publish(meeting, clerk, publish):
    cancel_meeting(meeting=meeting, reason="Weather")

    with pytest.raises(ValidationError, match="cancelled"):
        publish(meeting=meeting, user=clerk)


def test_pack_page_numbers_match_where_items_start(meeting, clerk, publish):
    version = publish(meeting=meeting, user=clerk)
    members = pack(version, PackEdition.MEMBERS)
    reader = pypdf.PdfReader(io.BytesIO(pdf_of(members)))

    assert set(members.item_pages) == {"2.a", "3.a", "3.b", "4.a"}
    for number, page_number in members.item_pages.items():
        title = version.items.get(number=number).title
        start_page_text = reader.pages[page_number - 1].extract_text()
        assert number in start_page_text and title.split()[0] in start_page_text
    toc_text = reader.pages[1].extract_text()
    for number, page_number in members.item_pages.items():
        assert number in toc_text and str(page_number) in toc_text


def test_pack_bookmarks_follow_sections_and_items(meeting, clerk, publish):
    version = publish(meeting=meeting, user=clerk)
    reader = pypdf.PdfReader(io.BytesIO(pdf_of(pack(version, PackEdition.MEMBERS))))

    def titles(outline):
        return [
            entry.title if not isinstance(entry, list) else titles(entry)
            for entry in outline
        ]

    flat = str(titles(reader.outline))
    for item in version.items.all():
        assert f"{item.number} {item.title}" in flat
    contents = reader.pages[1].extract_text()
    for section in version.sections.all():
        # Every section is in the contents; those with items are bookmarked.
        assert section.title in contents
        assert (section.title in flat) == section.items.exists()


def test_public_pack_holds_no_trace_of_confidential_items(meeting, clerk, publish):
    version = publish(meeting=meeting, user=clerk)
    public = pdf_of(pack(version, PackEdition.PUBLIC))
    members = pdf_of(pack(version, PackEdition.MEMBERS))

    assert SECRET in all_text(members)
    assert SECRET not in all_text(public)
    for needle in (
        SECRET.encode(),
        b"Quillfeather",
        "Quillfeather".encode("utf-16-be"),
    ):
        assert needle not in inflated_streams(public)
    assert "Quillfeather" not in str(pypdf.PdfReader(io.BytesIO(public)).metadata)
    assert pack(version, PackEdition.PUBLIC).record.visibility == "public"
    assert pack(version, PackEdition.MEMBERS).record.visibility == "confidential"


def test_a_broken_attachment_fails_the_pack_and_names_it(meeting, clerk, publish):
    first = publish(meeting=meeting, user=clerk)
    item = add_item_with_pdf(meeting, "New business", "Drainage study", "Drainage")
    record = item.attachments.get().record
    # The stored file is damaged after upload (e.g. a storage fault).
    with record.file.storage.open(record.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7\n garbage")

    second = publish(meeting=meeting, user=clerk)

    failed = pack(second, PackEdition.PUBLIC)
    assert failed.status == PackStatus.FAILED
    assert "Report on Drainage study" in failed.error
    assert pack(first, PackEdition.PUBLIC).status == PackStatus.READY
    agenda.remove_attachment(attachment=item.attachments.get())


def test_an_unchanged_agenda_is_not_published_again(meeting, clerk, publish):
    publish(meeting=meeting, user=clerk)

    with pytest.raises(ValidationError, match="Nothing has changed since version 1"):
        publish(meeting=meeting, user=clerk)
    assert meeting.versions.count() == 1


def test_removing_an_item_is_a_change(meeting, clerk, publish):
    publish(meeting=meeting, user=clerk)
    meeting.sections.get(title="New business").items.get(title="Transit study").delete()

    second = publish(meeting=meeting, user=clerk)

    assert not second.items.filter(title="Transit study").exists()
