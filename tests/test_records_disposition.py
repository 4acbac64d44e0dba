"""Disposition, MoReq2-style: due list, review, second approval, execution."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import bagit
import pytest
from django.utils import timezone
from pypdf import PdfReader

from meetings.models import BoardPack
from records.audit import verify_audit_chain
from records.fixity import run_fixity_check
from records.models import (
    AuditAction,
    AuditEvent,
    BatchStatus,
    DisposalState,
    Record,
    RecordClass,
    RecordStatus,
    TextStatus,
)
from records.renditions import StoredRenditions
from records.services import record_storage
from records.services.disposition import (
    DisposalRefused,
    confirm_disposal,
    list_due_records,
    review_disposal,
    start_disposal,
)
from records.services.holds import place_hold
from records.services.retention import declare_record
from search.models import DocumentKind, SearchDocument
from tests.factories import RecordFactory, UserFactory, pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

LONG_AGO = datetime.date(2010, 1, 4)


@pytest.fixture
def people():
    return UserFactory(username="reviewer"), UserFactory(username="approver")


@pytest.fixture(autouse=True)
def transfer_dir(settings, tmp_path):
    settings.QUORUM_TRANSFER_DIR = str(tmp_path / "transfers")
    return Path(settings.QUORUM_TRANSFER_DIR)


def plan(code: str) -> RecordClass:
    return RecordClass.objects.get(code=code)


def overdue(code: str = "correspondence", **kwargs) -> Record:
    """A record filed under `code` whose retention ended years ago."""
    record = RecordFactory(record_class=plan(code), **kwargs)
    Record.objects.filter(pk=record.pk).update(disposal_due_on=LONG_AGO)
    record.refresh_from_db()
    return record


def approve(item, people, decision=None):
    reviewer, approver = people
    review_disposal(item=item, by=reviewer, decision=decision or item.action)
    return confirm_disposal(item=item, by=approver)


@pytest.fixture
def execute(django_capture_on_commit_callbacks, people):
    """Start the batch of confirmed items and run it (tasks run at once)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            batch = start_disposal(by=people[1])
        batch.refresh_from_db()
        return batch

    return run


def stored_names() -> set[str]:
    storage = record_storage()
    names = set()
    for directory in ("records", "renditions"):
        stack = [directory]
        while stack:
            current = stack.pop()
            try:
                subdirectories, files = storage.listdir(current)
            except FileNotFoundError:
                continue
            names.update(f"{current}/{name}" for name in files)
            stack.extend(f"{current}/{name}" for name in subdirectories)
    return names


def test_only_records_past_their_retention_are_listed_and_only_once():
    due = overdue()
    RecordFactory(record_class=plan("correspondence"))  # due in seven years
    permanent = RecordFactory(record_class=plan("meetings-minutes"))

    (item,) = list_due_records()

    assert item.record == due and item.state == DisposalState.AWAITING_REVIEW
    assert item.schedule == "Destroy 7 years after record created"
    assert list_due_records() == []
    assert permanent.disposal_due_on is None


def test_destruction_leaves_a_stub_and_a_certificate_and_no_content(
    people, execute, settings
):
    secret = b"Settlement with the harbour contractor: 1,250,000.\n"
    record = overdue(title="Harbour settlement", content=secret)
    name, sha = record.file.name, record.sha256
    StoredRenditions().put(f"{sha}-A4", pdf_bytes("rendition"))
    declare_record(record=record)
    (item,) = list_due_records()
    approve(item, people)

    batch = execute()

    assert batch.status == BatchStatus.DONE and batch.percent_done == 100
    record.refresh_from_db()
    # The residual stub: identifier, title, class, dates, checksum.
    assert record.status == RecordStatus.DESTROYED
    assert (record.title, record.sha256) == ("Harbour settlement", sha)
    assert record.record_class == plan("correspondence")
    assert record.disposed_at is not None and record.created_at is not None
    assert record.text == "" and record.text_status == TextStatus.NO_TEXT
    # No content anywhere: the blob, its renditions, the search index; and
    # the nightly fixity check has nothing to read for the stub.
    assert name not in stored_names()
    assert run_fixity_check(max_age_days=0).problem_count == 0
    assert not any(n.startswith(f"renditions/{sha}") for n in stored_names())
    assert not SearchDocument.objects.filter(
        kind=DocumentKind.RECORD, source_id=str(record.pk)
    ).exists()
    # Who authorised it, in the item and the audit trail.
    item.refresh_from_db()
    assert (item.reviewed_by, item.confirmed_by) == people
    destroyed = AuditEvent.objects.for_target(record).get(action=AuditAction.DESTROYED)
    assert destroyed.details["reviewed_by"] == "reviewer"
    assert destroyed.details["confirmed_by"] == "approver"
    assert verify_audit_chain().ok
    # The certificate is itself a permanent, declared record.
    certificate = batch.certificate
    assert certificate.is_declared and certificate.disposal_due_on is None
    assert certificate.record_class == plan("records-destruction-certificates")
    text = "".join(page.extract_text() for page in PdfReader(certificate.file).pages)
    assert record.identifier in text and "Harbour settlement" in text
    assert batch.reference in text


def test_the_same_person_cannot_approve_twice(people):
    reviewer, _approver = people
    overdue()
    (item,) = list_due_records()
    review_disposal(item=item, by=reviewer, decision="destroy")

    with pytest.raises(DisposalRefused, match="second, different person"):
        confirm_disposal(item=item, by=reviewer)

    item.refresh_from_db()
    assert item.state == DisposalState.AWAITING_SECOND_APPROVAL
    with pytest.raises(DisposalRefused, match="No disposal has been approved"):
        start_disposal(by=reviewer)


def test_a_hold_placed_after_the_list_was_built_blocks_execution(people, execute):
    record = overdue(content=b"Evidence in the depot case.\n")
    (item,) = list_due_records()
    approve(item, people)
    place_hold(
        reason="Depot case", owner=people[0], placed_by=people[0], records=[record]
    )

    batch = execute()

    item.refresh_from_db()
    record.refresh_from_db()
    assert item.state == DisposalState.BLOCKED and "hold #" in item.outcome
    assert record.status == RecordStatus.ACTIVE
    assert record.file.read() == b"Evidence in the depot case.\n"
    assert batch.certificate is None
    assert (
        AuditEvent.objects.for_target(record)
        .filter(action=AuditAction.DISPOSITION_BLOCKED)
        .exists()
    )


def test_held_records_are_not_listed_and_cannot_be_approved(people):
    held = overdue()
    place_hold(reason="Audit", owner=people[0], placed_by=people[0], records=[held])
    assert list_due_records() == []

    other = overdue()
    (item,) = list_due_records()
    place_hold(reason="Audit 2", owner=people[0], placed_by=people[0], records=[other])
    with pytest.raises(DisposalRefused, match="hold #"):
        review_disposal(item=item, by=people[0], decision="destroy")


def test_keeping_needs_a_reason_and_moves_the_due_date(people):
    record = overdue()
    (item,) = list_due_records()
    later = timezone.localdate() + datetime.timedelta(days=365)

    with pytest.raises(DisposalRefused, match="why"):
        review_disposal(item=item, by=people[0], decision="keep", keep_until=later)
    review_disposal(
        item=item,
        by=people[0],
        decision="keep",
        note="Heritage value",
        keep_until=later,
    )

    record.refresh_from_db()
    assert record.disposal_due_on == later
    assert list_due_records() == []
    assert list_due_records(today=later)[0].record == record


def test_a_review_schedule_needs_a_decision_and_the_schedule_is_followed(people):
    reviewed = overdue("meetings-closed-session")
    destroyable = overdue()
    items = {item.record: item for item in list_due_records()}

    with pytest.raises(DisposalRefused, match="schedule says destroy"):
        review_disposal(item=items[destroyable], by=people[0], decision="transfer")
    item = review_disposal(item=items[reviewed], by=people[0], decision="transfer")
    assert item.action == "transfer"


def test_transfer_writes_a_valid_bag_then_releases_the_content(
    people, execute, transfer_dir
):
    report = overdue(
        "meetings-reports",
        content=pdf_bytes("Harbour report"),
        upload_name="harbour.pdf",
        title="Harbour report",
    )
    (item,) = list_due_records()
    approve(item, people)

    batch = execute()

    bag = bagit.Bag(batch.transfer_location)
    bag.validate()
    assert Path(batch.transfer_location).parent == transfer_dir
    folder = Path(batch.transfer_location) / "data" / "records" / report.identifier
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["sha256"] == report.sha256
    assert metadata["title"] == "Harbour report"
    events = json.loads((folder / "events.json").read_text())
    assert events[0]["action"] == "capture"
    report.refresh_from_db()
    assert report.status == RecordStatus.TRANSFERRED and not report.file
    assert batch.certificate is None  # a transfer is not a destruction
    exported = AuditEvent.objects.for_target(batch).get(action=AuditAction.EXPORT)
    assert exported.details["records"] == [report.identifier]


def test_content_shared_with_a_live_record_stays_for_that_record(people, execute):
    doomed = overdue(content=b"Same bytes in two records.\n")
    keeper = RecordFactory(content=b"Same bytes in two records.\n")
    (item,) = list_due_records()
    approve(item, people)

    execute()

    keeper.refresh_from_db()
    assert keeper.file.read() == b"Same bytes in two records.\n"
    doomed.refresh_from_db()
    assert doomed.status == RecordStatus.DESTROYED


def test_a_pack_containing_a_destroyed_attachment_is_marked(people, execute, publish):
    from tests.meetings_support import add_item_with_pdf, council_meeting

    meeting = council_meeting()
    item = add_item_with_pdf(meeting, "New business", "Ferry contract")
    publish(meeting=meeting, user=people[0])
    attachment = item.attachments.get().record
    Record.objects.filter(pk=attachment.pk).update(disposal_due_on=LONG_AGO)
    (disposal,) = list_due_records()
    approve(disposal, people, decision="transfer")

    execute()

    packs = BoardPack.objects.filter(version__meeting=meeting)
    assert packs.exists()
    assert all(pack.contains_removed_content for pack in packs)
