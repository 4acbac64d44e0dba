"""Fixity checks: faults injected through the storage API are all found.

The module runs on whichever record storage is configured: local files by
default, S3 under `python -m tests.support.throwaway_s3 -- pytest …`.
"""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from records.fixity import ORPHAN_GRACE, run_fixity_check
from records.models import FixityProblemKind, Record
from records.services import record_storage
from tests.factories import RecordFactory, pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

PDF = pdf_bytes("Minutes of the council", "Second page")


def later(**delta: float) -> datetime.datetime:
    # Orphans younger than the grace period may be uploads still under way;
    # checking "later" lets freshly injected ones count.
    return timezone.now() + ORPHAN_GRACE + datetime.timedelta(minutes=1, **delta)


def read_stored(name: str) -> bytes:
    with record_storage().open(name, "rb") as stored:
        return stored.read()


def replace_stored(name: str, content: bytes) -> None:
    """Rewrite a blob in place, as a faulty disk or a careless admin would."""
    storage = record_storage()
    storage.delete(name)
    assert storage.save(name, ContentFile(content)) == name


class RefusingToRead:
    """The record storage, except that one file cannot be read."""

    def __init__(self, storage, name: str) -> None:
        self._storage, self._name = storage, name

    def __getattr__(self, attribute: str):
        return getattr(self._storage, attribute)

    def open(self, name: str, mode: str = "rb"):
        if name == self._name:
            raise PermissionError("Access denied")
        return self._storage.open(name, mode)


def problems_of(check) -> list[tuple[str, str]]:
    return sorted((p.kind, p.storage_name) for p in check.problems.all())


def test_runs_on_the_configured_storage():
    storage = record_storage()
    storage.exists("records")  # the storage is lazy: this builds it
    backend = type(getattr(storage, "_wrapped", storage)).__name__

    on_s3 = os.environ.get("QUORUM_STORAGE") == "s3"
    assert backend == ("S3Storage" if on_s3 else "FileSystemStorage")


# A clean store


def test_a_clean_store_has_no_problems():
    records = [RecordFactory(), RecordFactory(content=PDF, upload_name="a.pdf")]

    check = run_fixity_check()

    assert check.problem_count == 0
    assert check.records_checked == check.ok_count == 2
    assert check.bytes_read == sum(r.size for r in records)
    assert check.finished_at is not None
    assert not Record.objects.filter(last_fixity_check_at__isnull=True).exists()


def test_records_sharing_a_blob_are_hashed_once():
    first = RecordFactory(content=PDF, upload_name="minutes.pdf")
    second = RecordFactory(content=PDF, upload_name="copy.pdf", title="Copy")
    assert first.file.name == second.file.name

    check = run_fixity_check()

    assert (check.records_checked, check.blobs_checked) == (2, 1)
    assert check.bytes_read == len(PDF)
    assert check.ok_count == 2


# Faults (after Archivematica's fixity tests)


def test_a_removed_byte_is_found():
    record = RecordFactory(content=PDF, upload_name="minutes.pdf")
    stored = read_stored(record.file.name)
    replace_stored(record.file.name, stored[:100] + stored[101:])

    check = run_fixity_check()

    [problem] = check.problems.all()
    assert problem.kind == FixityProblemKind.ALTERED
    assert problem.record == record
    assert problem.expected_sha256 == record.sha256
    assert problem.found_sha256 not in ("", record.sha256)
    assert check.ok_count == 0


def test_a_changed_character_is_found_for_every_record_of_the_blob():
    record = RecordFactory(content=b"The motion carried 5-3.\n")
    twin = RecordFactory(content=b"The motion carried 5-3.\n", title="Twin")
    replace_stored(record.file.name, b"The motion carried 5-4.\n")

    check = run_fixity_check()

    assert {p.record for p in check.problems.all()} == {record, twin}
    assert {p.kind for p in check.problems.all()} == {FixityProblemKind.ALTERED}
    assert check.blobs_checked == 1


def test_a_missing_file_is_found():
    record = RecordFactory()
    kept = RecordFactory()
    record_storage().delete(record.file.name)

    check = run_fixity_check()

    assert problems_of(check) == [(FixityProblemKind.MISSING, record.file.name)]
    assert check.problems.get().record == record
    assert check.ok_count == 1
    kept.refresh_from_db()
    assert kept.last_fixity_check_at == check.started_at


def test_an_extra_file_under_records_is_an_orphan():
    RecordFactory()
    stray = "records/ff/ee/" + "f" * 64 + ".txt"
    assert record_storage().save(stray, ContentFile(b"left behind")) == stray

    check = run_fixity_check(now=later())

    assert problems_of(check) == [(FixityProblemKind.ORPHANED, stray)]
    assert check.problems.get().record is None
    assert check.ok_count == 1


def test_a_file_too_new_to_have_its_record_yet_is_not_an_orphan():
    stray = "records/ff/ee/" + "f" * 64 + ".txt"
    record_storage().save(stray, ContentFile(b"upload under way"))

    assert run_fixity_check().problem_count == 0


def test_renditions_of_content_no_record_holds_are_orphans():
    record = RecordFactory()
    storage = record_storage()
    kept = storage.save(f"renditions/{record.sha256}-A4.pdf", ContentFile(PDF))
    stray = storage.save(f"renditions/{'0' * 64}-A4.pdf", ContentFile(PDF))

    check = run_fixity_check(now=later())

    assert problems_of(check) == [(FixityProblemKind.ORPHANED, stray)]
    assert kept != stray


def test_a_storage_error_is_an_unreadable_file_and_the_check_goes_on(monkeypatch):
    broken = RecordFactory(content=b"Broken.\n")
    fine = RecordFactory(content=b"Fine.\n")
    monkeypatch.setattr(
        "records.fixity.record_storage",
        lambda: RefusingToRead(record_storage(), broken.file.name),
    )

    check = run_fixity_check()

    [problem] = check.problems.all()
    assert (problem.kind, problem.record) == (FixityProblemKind.UNREADABLE, broken)
    assert "Access denied" in problem.detail
    assert check.ok_count == 1
    fine.refresh_from_db()
    assert fine.last_fixity_check_at is not None


# Which records are due


def test_recently_checked_records_are_skipped_until_they_are_due(settings):
    settings.QUORUM_FIXITY_MAX_AGE_DAYS = 30
    first_run = timezone.now()
    RecordFactory()
    assert run_fixity_check(now=first_run).records_checked == 1
    RecordFactory()

    soon = run_fixity_check(now=first_run + datetime.timedelta(days=1))
    due_again = run_fixity_check(now=first_run + datetime.timedelta(days=31))

    assert soon.records_checked == 1  # only the new one
    assert due_again.records_checked == 1  # only the first one


def test_the_oldest_checks_come_first_and_the_limit_holds():
    never, old, recent = RecordFactory(), RecordFactory(), RecordFactory()
    now = timezone.now()
    Record.objects.filter(pk=old.pk).update(
        last_fixity_check_at=now - datetime.timedelta(days=90)
    )
    Record.objects.filter(pk=recent.pk).update(
        last_fixity_check_at=now - datetime.timedelta(days=40)
    )

    check = run_fixity_check(limit=2, now=now)

    assert check.records_checked == 2
    checked = set(Record.objects.filter(last_fixity_check_at=now))
    assert checked == {never, old}


# The command


def test_the_command_checks_everything_with_all_and_reports(capsys):
    RecordFactory()
    RecordFactory()
    run_fixity_check()

    call_command("check_fixity")
    assert "0 records" in capsys.readouterr().out

    call_command("check_fixity", "--all")
    assert "2 records in 2 files" in capsys.readouterr().out


def test_the_command_exits_1_and_names_the_problem(capsys):
    record = RecordFactory()
    record_storage().delete(record.file.name)

    with pytest.raises(SystemExit) as exited:
        call_command("check_fixity")

    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "1 problems" in out
    assert f"missing    {record.file.name} (record {record.pk})" in out


def test_the_scheduled_task_runs_the_check():
    from records.tasks import run_scheduled_fixity_check

    RecordFactory()

    result = run_scheduled_fixity_check.enqueue()

    assert result.return_value == 0
    assert Record.objects.get().last_fixity_check_at is not None
