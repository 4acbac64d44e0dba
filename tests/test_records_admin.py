"""The records manager's admin: records list, record page, holds, the queue."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from council.visibility import Role, Visibility
from records.models import (
    AuditAction,
    AuditEvent,
    BatchStatus,
    DisposalBatch,
    DisposalItem,
    DisposalState,
    Hold,
    Record,
    RecordClass,
    RecordStatus,
)
from records.services.holds import place_hold
from records.services.retention import declare_record
from tests.factories import RecordFactory, UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def managers():
    return (
        UserFactory(username="ruth", roles=[Role.RECORDS_MANAGER]),
        UserFactory(username="omar", roles=[Role.RECORDS_MANAGER]),
    )


def overdue(**kwargs) -> Record:
    record = RecordFactory(
        record_class=RecordClass.objects.get(code="correspondence"), **kwargs
    )
    Record.objects.filter(pk=record.pk).update(
        disposal_due_on=datetime.date(2012, 5, 1)
    )
    return record


def test_records_managers_see_the_records_menu_and_clerks_do_not_dispose(
    client, managers
):
    client.force_login(managers[0])
    html = client.get("/admin/").content.decode()
    for url in (
        "/admin/records/records/",
        "/admin/records/file-plan/",
        "/admin/records/holds/",
        "/admin/records/disposal-queue/",
        "/admin/records/disposals/",
        "/admin/records/audit/",
    ):
        assert url in html

    overdue()
    client.force_login(UserFactory(roles=[Role.CLERK]))
    # Wagtail answers a refused admin page by sending the user home.
    assert client.get("/admin/records/disposal-queue/").url == "/admin/"
    client.post("/admin/records/disposal-queue/list-due/")
    assert not DisposalItem.objects.exists()


def test_the_records_list_filters_by_class_due_held_and_declared(client, managers):
    due = overdue(title="Old letter")
    held = RecordFactory(title="Held letter")
    place_hold(reason="Claim", owner=managers[0], placed_by=managers[0], records=[held])
    declared = RecordFactory(title="Declared minutes")
    declare_record(record=declared)
    client.force_login(managers[0])

    def titles(query: str) -> set[str]:
        html = client.get(f"/admin/records/records/?{query}").content.decode()
        return {
            t for t in ("Old letter", "Held letter", "Declared minutes") if t in html
        }

    assert titles("due=overdue") == {"Old letter"}
    assert titles("held=true") == {"Held letter"}
    assert titles("declared=true") == {"Declared minutes"}
    assert titles(f"record_class={due.record_class_id}") == {"Old letter"}
    meetings = RecordClass.objects.get(code="meetings")
    assert titles(f"record_class={meetings.pk}") == set()


def test_the_record_page_shows_versions_holds_and_audit_history(client, managers):
    record = RecordFactory(title="Harbour lease", visibility=Visibility.INTERNAL)
    place_hold(
        reason="Claim", owner=managers[0], placed_by=managers[0], records=[record]
    )
    client.force_login(managers[0])

    html = client.get(f"/admin/records/records/inspect/{record.pk}/").content.decode()

    assert record.identifier in html and record.sha256 in html
    assert "Versions" in html and "v1" in html
    assert f"Hold #{Hold.objects.get().pk}" in html
    assert "Captured" in html and "Hold placed" not in html  # the hold's own event
    assert "Under hold" in html
    # Looking at a non-public record is audited like downloading it.
    assert (
        AuditEvent.objects.for_target(record)
        .filter(action=AuditAction.VIEW, actor=managers[0])
        .exists()
    )


def test_editing_a_declared_record_is_refused_with_the_reason(client, managers):
    record = RecordFactory(title="Minutes 3 March")
    declare_record(record=record)
    client.force_login(managers[0])

    response = client.post(
        f"/admin/records/records/edit/{record.pk}/",
        {"title": "Rewritten", "visibility": record.visibility, "record_class": ""},
    )

    assert response.status_code == 200
    assert "declared record" in response.content.decode()
    record.refresh_from_db()
    assert record.title == "Minutes 3 March"


def test_placing_a_hold_from_the_admin(client, managers):
    record = RecordFactory()
    client.force_login(managers[0])

    response = client.post(
        "/admin/records/holds/new/",
        {
            "reason": "Freedom of information appeal",
            "owner": managers[1].pk,
            "scope": "records",
            "identifiers": f"{record.identifier}, QR-9999999",
        },
    )
    assert "No record QR-9999999" in response.content.decode()
    assert not Hold.objects.exists()

    response = client.post(
        "/admin/records/holds/new/",
        {
            "reason": "Freedom of information appeal",
            "owner": managers[1].pk,
            "scope": "records",
            "identifiers": record.identifier,
        },
    )
    hold = Hold.objects.get()
    assert response.url == f"/admin/records/holds/inspect/{hold.pk}/"
    assert list(hold.records.all()) == [record] and hold.owner == managers[1]

    client.post(f"/admin/records/holds/lift/{hold.pk}/", {"reason": "Appeal closed"})
    hold.refresh_from_db()
    assert not hold.in_force and hold.lifted_by == managers[0]


def test_the_disposal_queue_takes_two_people(
    client, managers, django_capture_on_commit_callbacks
):
    ruth, omar = managers
    record = overdue(title="Old letter")
    client.force_login(ruth)
    client.post("/admin/records/disposal-queue/list-due/")
    item = DisposalItem.objects.get(record=record)

    client.post(f"/admin/records/disposal-queue/{item.pk}/review/destroy/")
    html = client.get("/admin/records/disposal-queue/").content.decode()
    assert "Needs another person" in html
    response = client.post(
        f"/admin/records/disposal-queue/{item.pk}/confirm/", follow=True
    )
    assert "second, different person" in response.content.decode()

    client.force_login(omar)
    client.post(f"/admin/records/disposal-queue/{item.pk}/confirm/")
    item.refresh_from_db()
    assert item.state == DisposalState.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/records/disposal-queue/execute/")

    batch = DisposalBatch.objects.get()
    assert batch.status == BatchStatus.DONE
    record.refresh_from_db()
    assert record.status == RecordStatus.DESTROYED
    html = client.get(f"/admin/records/disposals/inspect/{batch.pk}/").content.decode()
    assert "Destruction certificate" in html and "Old letter" in html
    certificate = client.get(f"/files/{batch.certificate_id}/")
    assert certificate.status_code == 200
    assert b"".join(certificate.streaming_content).startswith(b"%PDF")


def test_keeping_from_the_queue_needs_a_date_and_a_reason(client, managers):
    overdue()
    client.force_login(managers[0])
    client.post("/admin/records/disposal-queue/list-due/")
    item = DisposalItem.objects.get()
    later = timezone.localdate() + datetime.timedelta(days=400)

    response = client.post(
        f"/admin/records/disposal-queue/{item.pk}/review/keep/",
        {"keep_until": later.isoformat()},
        follow=True,
    )
    assert "Say why the record is kept" in response.content.decode()

    client.post(
        f"/admin/records/disposal-queue/{item.pk}/review/keep/",
        {"keep_until": later.isoformat(), "note": "Needed for the harbour inquiry"},
    )
    item.refresh_from_db()
    assert item.state == DisposalState.KEPT and item.kept_until == later
