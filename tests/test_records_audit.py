"""The audit trail: hash chain, tamper detection, append-only, wiring."""

from __future__ import annotations

import datetime
import decimal
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from council.visibility import Role, Visibility
from records.audit import record_event, verify_audit_chain
from records.models import AuditAction, AuditEvent, AuditTrailIsAppendOnly
from records.models.audit import GENESIS_HASH, event_hash
from tests.factories import BodyFactory, RecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def append_events(count: int, **kwargs) -> list[AuditEvent]:
    return [
        record_event(action=AuditAction.VIEW, details={"n": n}, **kwargs)
        for n in range(1, count + 1)
    ]


def raw_sql(sql: str, params: list | None = None) -> None:
    """Change the table behind the application's back, as a tamperer would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_audit_output() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


# The chain


def test_events_form_a_gapless_chain_from_the_zero_hash():
    user = UserFactory(username="clerk")
    events = append_events(4, actor=user, target=user)

    assert [e.sequence for e in events] == [1, 2, 3, 4]
    assert events[0].previous_hash == GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_hash == before.hash
    first = AuditEvent.objects.get(sequence=1)
    assert first.actor == user
    assert first.actor_name == "clerk"
    assert first.target_id == str(user.pk)
    assert first.target_repr == "clerk"
    assert len(first.hash) == 64
    assert first.compute_hash() == first.hash


def test_an_intact_chain_verifies():
    append_events(5)

    report = verify_audit_chain()

    assert report.ok
    assert report.checked == 5
    assert report.first_broken_sequence is None
    assert "Audit trail intact: 5 events" in verify_audit_output()


def test_an_empty_trail_is_intact():
    assert "Audit trail intact: 0 events" in verify_audit_output()


def test_details_are_hashed_as_the_database_returns_them():
    event = record_event(
        action=AuditAction.EXPORT,
        details={
            "b": [1, "x", None],
            "a": {"z": True},
            "on": datetime.date(2025, 1, 2),
        },
    )
    assert event.details["on"] == "2025-01-02"
    event = record_event(
        action=AuditAction.EXPORT, details={"amount": decimal.Decimal("1.50")}
    )
    assert verify_audit_chain().ok


def test_floats_are_refused_in_details():
    with pytest.raises(TypeError):
        record_event(action=AuditAction.EXPORT, details={"ratio": 0.5})


def test_unknown_actions_are_refused():
    with pytest.raises(ValueError):
        record_event(action="shred")


def test_deleting_a_user_keeps_their_events_and_the_chain():
    user = UserFactory(username="departed")
    append_events(2, actor=user)

    user.delete()

    event = AuditEvent.objects.get(sequence=1)
    assert event.actor is None
    assert event.actor_name == "departed"
    assert verify_audit_chain().ok


# Tampering


def test_an_edited_event_is_reported_by_number():
    append_events(5)
    raw_sql("UPDATE records_auditevent SET details = '{\"n\": 99}' WHERE sequence = 3")

    with pytest.raises(CommandError, match="event 3: stored hash does not match"):
        verify_audit_output()
    report = verify_audit_chain()
    assert not report.ok
    assert report.checked == 2
    assert report.first_broken_sequence == 3


def test_a_deleted_event_is_reported_missing():
    append_events(5)
    raw_sql("DELETE FROM records_auditevent WHERE sequence = 3")

    with pytest.raises(CommandError, match=r"event 3 is missing \(deleted\?\)"):
        verify_audit_output()


def test_a_deleted_first_event_is_reported_missing():
    append_events(3)
    raw_sql("DELETE FROM records_auditevent WHERE sequence = 1")

    assert verify_audit_chain().problem == "event 1 is missing (deleted?)"


def test_a_changed_previous_hash_is_reported():
    append_events(5)
    raw_sql(
        "UPDATE records_auditevent SET previous_hash = %s WHERE sequence = 4",
        ["f" * 64],
    )

    with pytest.raises(
        CommandError, match="event 4: previous hash does not match event 3"
    ):
        verify_audit_output()


def test_an_edited_and_rehashed_event_breaks_the_next_link():
    """GIVEN a tamperer who edits event 3 and recomputes its hash
    WHEN the chain is verified
    THEN event 4 no longer names event 3's hash and is reported."""
    events = append_events(5)
    third = events[2]
    forged = event_hash(
        sequence=3,
        at=third.at,
        actor_name="",
        action=third.action,
        target_type="",
        target_id="",
        target_repr="",
        details={"n": 99},
        previous_hash=third.previous_hash,
    )
    raw_sql(
        "UPDATE records_auditevent SET details = '{\"n\": 99}', hash = %s "
        "WHERE sequence = 3",
        [forged],
    )

    report = verify_audit_chain()

    assert report.first_broken_sequence == 4
    assert report.problem == "event 4: previous hash does not match event 3"


# Append-only through the ORM


def test_saving_an_existing_event_is_refused():
    event = append_events(1)[0]
    event.details = {"n": 2}

    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save(update_fields=["details"])
    assert AuditEvent.objects.get(pk=event.pk).details == {"n": 1}


def test_deleting_an_event_is_refused():
    event = append_events(1)[0]

    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_updates_and_deletes_are_refused():
    append_events(2)
    events = AuditEvent.objects.filter(sequence=1)

    with pytest.raises(AuditTrailIsAppendOnly, match="append-only"):
        events.update(details={})
    with pytest.raises(AuditTrailIsAppendOnly):
        events.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_update(list(events), ["details"])
    assert AuditEvent.objects.count() == 2
    assert verify_audit_chain().ok


# Wiring: capture and download


def test_storing_a_record_appends_its_capture_event():
    clerk = UserFactory(username="clerk", roles=[Role.CLERK])

    record = RecordFactory(title="Budget 2025", created_by=clerk, content=b"Budget\n")

    (event,) = AuditEvent.objects.for_target(record)
    assert event.action == AuditAction.CAPTURE
    assert event.actor == clerk
    assert event.target_repr == "Budget 2025"
    assert event.details == {
        "sha256": record.sha256,
        "size": 7,
        "mime_type": "text/plain",
        "title": "Budget 2025",
        "record_class": "",
    }


def test_downloading_a_confidential_record_appends_a_download_event(client):
    record = RecordFactory(
        body=BodyFactory(), visibility=Visibility.CONFIDENTIAL, content=b"0123456789"
    )
    clerk = UserFactory(username="clerk", roles=[Role.CLERK])
    client.force_login(clerk)

    whole = client.get(f"/files/{record.pk}/")
    part = client.get(f"/files/{record.pk}/", headers={"Range": "bytes=2-4"})

    assert (whole.status_code, part.status_code) == (200, 206)
    downloads = AuditEvent.objects.for_target(record).filter(
        action=AuditAction.DOWNLOAD
    )
    assert [(e.actor, e.details) for e in downloads] == [
        (clerk, {"visibility": "confidential"}),
        (clerk, {"visibility": "confidential", "range": "bytes 2-4"}),
    ]
    assert verify_audit_chain().ok


def test_refused_and_public_downloads_append_nothing(client):
    confidential = RecordFactory(body=BodyFactory(), visibility=Visibility.CONFIDENTIAL)
    public = RecordFactory(visibility=Visibility.PUBLIC)

    assert client.get(f"/files/{confidential.pk}/").status_code == 404
    assert client.get(f"/files/{public.pk}/").status_code == 200
    assert client.head(f"/files/{public.pk}/").status_code == 200

    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


# Concurrency


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_queue_rather_than_fork_the_chain():
    """GIVEN two writers appending 20 events each at the same moment
    THEN the trail has 40 events numbered 1..40 and verifies."""
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            for n in range(20):
                record_event(action=AuditAction.VIEW, details={"writer": name, "n": n})
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    sequences = list(AuditEvent.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 41))
    report = verify_audit_chain()
    assert report.ok and report.checked == 40


# The admin listing is read-only, even for superusers

AUDIT_ADMIN = "/admin/records/audit/"


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_the_admin_lists_and_inspects_events(superuser_client):
    event = record_event(action=AuditAction.EXPORT, details={"rows": 12})

    listing = superuser_client.get(AUDIT_ADMIN)
    inspect = superuser_client.get(f"{AUDIT_ADMIN}inspect/{event.pk}/")

    assert listing.status_code == 200
    assert "Exported" in listing.content.decode()
    assert inspect.status_code == 200
    assert event.hash in inspect.content.decode()
    for page in (listing, inspect):
        html = page.content.decode()
        assert f"{AUDIT_ADMIN}edit/" not in html
        assert f"{AUDIT_ADMIN}delete/" not in html
        assert f"{AUDIT_ADMIN}new/" not in html


@pytest.mark.parametrize("url", ["new/", "edit/{pk}/", "delete/{pk}/", "copy/{pk}/"])
def test_a_superuser_cannot_add_edit_or_delete_in_the_admin(superuser_client, url):
    event = record_event(action=AuditAction.EXPORT, details={"rows": 12})

    response = superuser_client.post(
        AUDIT_ADMIN + url.format(pk=event.pk), {"details": "{}", "action": "view"}
    )

    assert response.status_code in {403, 404, 405}
    assert AuditEvent.objects.get().details == {"rows": 12}
    assert verify_audit_chain().ok


def test_users_without_the_view_permission_cannot_open_the_listing(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))

    response = client.get(AUDIT_ADMIN)

    assert response.status_code in {302, 403}


@pytest.mark.parametrize("role", [Role.RECORDS_MANAGER, Role.CLERK])
def test_records_managers_and_clerks_read_the_trail(client, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(AUDIT_ADMIN).status_code == 200
