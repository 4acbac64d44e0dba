"""Fixity checking: re-reading stored content and comparing it with its hash.

Everything goes through the Django storage API (open, exists, listdir,
get_modified_time), so the same check runs on local disk and on S3.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from records.ingest import CHUNK_BYTES
from records.models import FixityCheck, FixityProblem, FixityProblemKind, Record
from records.renditions import RENDITIONS_DIR
from records.services import record_storage

logger = logging.getLogger(__name__)

RECORDS_DIR = "records"
DEFAULT_MAX_AGE_DAYS = 30
# Records picked per round trip, and stored names looked up per query while
# walking the storage: memory stays bounded however large the store is.
BATCH_SIZE = 200
# store_record writes the blob before its Record row commits, so a file this
# young may belong to an upload still under way: it is not called an orphan.
ORPHAN_GRACE = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class _BlobReading:
    """What reading one stored file gave: its hash, or why there is none."""

    kind: str | None = None  # a FixityProblemKind when the file could not be read
    sha256: str = ""
    size: int = 0
    detail: str = ""


def run_fixity_check(
    *,
    max_age_days: int | None = None,
    limit: int | None = None,
    now: datetime.datetime | None = None,
) -> FixityCheck:
    """Re-hash the records not checked for `max_age_days` and look for orphans.

    Records never checked come first, then those checked longest ago.
    `max_age_days` defaults to the setting QUORUM_FIXITY_MAX_AGE_DAYS (30);
    0 checks every record. `limit` caps the records picked; records sharing
    a file with a picked one are checked with it, since that file is read
    once per run whoever refers to it.

    Each file is streamed in chunks. A file that is gone is *missing*, one
    whose hash differs from Record.sha256 is *altered*, one the storage fails
    to read is *unreadable*; files under records/ that no record refers to,
    and renditions of content no record holds, are *orphaned*. Every finding
    is a FixityProblem of the returned FixityCheck; checked records get
    `last_fixity_check_at = now`.
    """
    now = now or timezone.now()
    if max_age_days is None:
        max_age_days = getattr(
            settings, "QUORUM_FIXITY_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS
        )
    if max_age_days < 0:
        raise ValueError("max_age_days cannot be negative.")
    storage = record_storage()
    check = FixityCheck.objects.create(started_at=now)
    _check_records(
        check, storage, cutoff=now - datetime.timedelta(days=max_age_days), limit=limit
    )
    _find_orphans(check, storage, now=now)
    check.finished_at = timezone.now()
    check.save()
    log = logger.warning if check.problem_count else logger.info
    log(
        "Fixity check %s: %d records in %d files (%d bytes) checked, "
        "%d intact, %d problems.",
        check.pk,
        check.records_checked,
        check.blobs_checked,
        check.bytes_read,
        check.ok_count,
        check.problem_count,
    )
    return check


def _check_records(
    check: FixityCheck,
    storage: Storage,
    *,
    cutoff: datetime.datetime,
    limit: int | None,
) -> None:
    # Destroyed records keep no content (their stub is all there is).
    due = (
        Record.objects.exclude(file="")
        .filter(
            Q(last_fixity_check_at__isnull=True) | Q(last_fixity_check_at__lt=cutoff)
        )
        .order_by(F("last_fixity_check_at").asc(nulls_first=True), "pk")
    )
    picked = 0
    while limit is None or picked < limit:
        size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - picked)
        # Checked records leave `due` (their check time becomes `now`, which
        # is past the cutoff), so each round takes the next ones from the top.
        names = list(due.values_list("file", flat=True)[:size])
        if not names:
            return
        picked += len(names)
        _check_files(check, storage, names=dict.fromkeys(names))


def _check_files(check: FixityCheck, storage: Storage, *, names: Iterable[str]) -> None:
    names = list(names)
    problems: list[FixityProblem] = []
    for name in names:
        reading = _read_blob(storage, name)
        check.blobs_checked += 1
        check.bytes_read += reading.size
        # Every record of this file is settled by this one reading, so none
        # of them needs the file read again later in the run.
        for record in Record.objects.filter(file=name).only("pk", "file", "sha256"):
            check.records_checked += 1
            problem = _problem_of(check, record, reading)
            if problem is None:
                check.ok_count += 1
            else:
                problems.append(problem)
    # Written only after the reading: a transaction held open while files are
    # hashed would keep SQLite's write lock from uploads all that time.
    with transaction.atomic():
        Record.objects.filter(file__in=names).update(
            last_fixity_check_at=check.started_at
        )
        _add_problems(check, problems)
        check.save()


def _read_blob(storage: Storage, name: str) -> _BlobReading:
    try:
        if not storage.exists(name):
            return _BlobReading(kind=FixityProblemKind.MISSING)
        digest, size = hashlib.sha256(), 0
        with storage.open(name, "rb") as stored:
            for chunk in iter(lambda: stored.read(CHUNK_BYTES), b""):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        # Deleted between exists() and open().
        return _BlobReading(kind=FixityProblemKind.MISSING)
    except Exception as exc:
        # Whatever the storage raises is a finding: one unreadable file must
        # not stop the check of all the others.
        return _BlobReading(
            kind=FixityProblemKind.UNREADABLE, detail=f"{type(exc).__name__}: {exc}"
        )
    return _BlobReading(sha256=digest.hexdigest(), size=size)


def _problem_of(
    check: FixityCheck, record: Record, reading: _BlobReading
) -> FixityProblem | None:
    if reading.kind is None and reading.sha256 == record.sha256:
        return None
    return FixityProblem(
        check_run=check,
        record=record,
        storage_name=record.file.name,
        kind=reading.kind or FixityProblemKind.ALTERED,
        expected_sha256=record.sha256,
        found_sha256=reading.sha256,
        detail=reading.detail,
    )


def _find_orphans(
    check: FixityCheck, storage: Storage, *, now: datetime.datetime
) -> None:
    for names in _batched(_walk(storage, RECORDS_DIR)):
        referenced = set(
            Record.objects.filter(file__in=names).values_list("file", flat=True)
        )
        _report_orphans(
            check, storage, [n for n in names if n not in referenced], now=now
        )
    for names in _batched(_walk(storage, RENDITIONS_DIR)):
        # renditions/<sha256>-<variant>.pdf: a derivative of that content.
        held = set(
            Record.objects.filter(
                sha256__in={_rendition_sha256(name) for name in names}
            ).values_list("sha256", flat=True)
        )
        _report_orphans(
            check,
            storage,
            [n for n in names if _rendition_sha256(n) not in held],
            now=now,
        )


def _rendition_sha256(name: str) -> str:
    return name.rsplit("/", 1)[-1].split("-", 1)[0].split(".", 1)[0]


def _report_orphans(
    check: FixityCheck,
    storage: Storage,
    names: list[str],
    *,
    now: datetime.datetime,
) -> None:
    problems = []
    for name in names:
        try:
            young = storage.get_modified_time(name) > now - ORPHAN_GRACE
        except FileNotFoundError:
            continue  # removed since it was listed: nothing is left over
        except Exception:
            young = False  # undated is no reason to stay silent about it
        if young:
            logger.info("Fixity check: %s has no record yet; too new to judge.", name)
            continue
        problems.append(
            FixityProblem(
                check_run=check, storage_name=name, kind=FixityProblemKind.ORPHANED
            )
        )
    _add_problems(check, problems)


def _add_problems(check: FixityCheck, problems: list[FixityProblem]) -> None:
    for problem in problems:
        logger.error(
            "Fixity check %s: %s %s (record %s).",
            check.pk,
            problem.kind,
            problem.storage_name,
            problem.record_id or "none",
        )
    FixityProblem.objects.bulk_create(problems)
    check.problem_count += len(problems)


def _walk(storage: Storage, directory: str) -> Iterator[str]:
    """Every file name under `directory`, depth first, via listdir only."""
    try:
        subdirectories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for file_name in sorted(files):
        yield f"{directory}/{file_name}"
    for subdirectory in sorted(subdirectories):
        yield from _walk(storage, f"{directory}/{subdirectory}")


def _batched(names: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch
