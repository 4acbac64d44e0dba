"""Holds: scopes, many at once, and what they block."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from council.visibility import Visibility
from records.models import AuditAction, AuditEvent, RecordClass
from records.selectors import holds_covering, records_covered_by
from records.services.holds import lift_hold, place_hold
from records.services.retention import (
    RecordLocked,
    classify_record,
    store_new_version,
    update_record_metadata,
)
from tests.factories import RecordFactory, UserFactory
from tests.meetings_support import add_item_with_pdf, council_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(username="records.manager")


def plan(code: str) -> RecordClass:
    return RecordClass.objects.get(code=code)


def test_many_holds_cover_one_record_and_each_is_lifted_on_its_own(manager):
    record = RecordFactory(record_class=plan("correspondence"))
    litigation = place_hold(
        reason="Harbour claim", owner=manager, placed_by=manager, records=[record]
    )
    audit = place_hold(
        reason="Auditor general review",
        owner=manager,
        placed_by=manager,
        record_class=plan("correspondence"),
    )

    assert holds_covering(record) == [audit, litigation]

    lift_hold(hold=litigation, lifted_by=manager, reason="Claim settled")

    assert holds_covering(record) == [audit]
    lifted = AuditEvent.objects.for_target(litigation).get(
        action=AuditAction.HOLD_LIFTED
    )
    assert lifted.details == {"reason": "Claim settled"}


def test_a_held_record_cannot_be_modified_reclassified_or_versioned(manager):
    record = RecordFactory(title="Lease", record_class=plan("contracts"))
    place_hold(reason="Dispute", owner=manager, placed_by=manager, records=[record])

    with pytest.raises(RecordLocked, match="hold #"):
        update_record_metadata(record=record, by=manager, title="Lease (signed)")
    with pytest.raises(RecordLocked, match="hold #"):
        classify_record(record=record, record_class=plan("drafts"), by=manager)
    with pytest.raises(RecordLocked, match="hold #"):
        store_new_version(record=record, upload_name="l.txt", data=io.BytesIO(b"x\n"))
    record.refresh_from_db()
    assert (record.title, record.record_class) == ("Lease", plan("contracts"))


def test_a_class_hold_covers_sub_classes_and_records_filed_later(manager):
    hold = place_hold(
        reason="Public inquiry",
        owner=manager,
        placed_by=manager,
        record_class=plan("meetings"),
    )
    later = RecordFactory(record_class=plan("meetings-agenda-packs"))
    outside = RecordFactory(record_class=plan("correspondence"))

    covered = set(records_covered_by(hold))
    assert later in covered and outside not in covered


def test_a_meeting_hold_covers_everything_filed_under_the_meeting(manager):
    meeting = council_meeting()
    item = add_item_with_pdf(meeting, "New business", "Depot sale")
    other = add_item_with_pdf(council_meeting(), "New business", "Other matter")

    hold = place_hold(
        reason="Depot litigation", owner=manager, placed_by=manager, filed_under=meeting
    )
    added_later = add_item_with_pdf(
        meeting, "Closed session", "Depot price", visibility=Visibility.CONFIDENTIAL
    )

    covered = set(records_covered_by(hold))
    assert item.attachments.get().record in covered
    assert added_later.attachments.get().record in covered
    assert other.attachments.get().record not in covered
    assert hold.target_label == str(meeting)


def test_a_search_hold_covers_the_records_the_search_finds(manager):
    match = RecordFactory(content=b"Minutes on the Wrenfield depot lease.\n")
    RecordFactory(content=b"Minutes on the library hours.\n")

    hold = place_hold(
        reason="Depot", owner=manager, placed_by=manager, search_query="wrenfield depot"
    )

    assert list(records_covered_by(hold)) == [match]
    placed = AuditEvent.objects.for_target(hold).get(action=AuditAction.HOLD_PLACED)
    assert placed.details["records_now_covered"] == [match.pk]


def test_a_hold_needs_one_scope_and_a_reason(manager):
    record = RecordFactory()
    with pytest.raises(ValidationError, match="Say what the hold covers"):
        place_hold(reason="x", owner=manager, placed_by=manager)
    with pytest.raises(ValidationError, match="Say what the hold covers"):
        place_hold(
            reason="x",
            owner=manager,
            placed_by=manager,
            records=[record],
            search_query="budget",
        )
    with pytest.raises(ValidationError, match="reason"):
        place_hold(reason=" ", owner=manager, placed_by=manager, records=[record])
