"""Writes of the records domain."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, BinaryIO

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

from council.visibility import Visibility
from records.audit import record_event
from records.ingest import (
    CHUNK_BYTES,
    InspectedFile,
    RejectedUpload,
    content_sha256,
    inspect_upload,
)
from records.models import AuditAction, Record, TextStatus, blob_name
from records.selectors import due_date

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from council.models import Body
    from records.models import RecordClass

logger = logging.getLogger(__name__)


class StoredFileMismatch(RejectedUpload):
    """The storage returned different bytes than were written.

    A RejectedUpload, so views that show refusals to the clerk show this too:
    nothing was kept and uploading again is the remedy.
    """


def store_record(
    *,
    upload_name: str,
    data: BinaryIO,
    title: str,
    visibility: str = Visibility.PUBLIC,
    body: Body | None = None,
    created_by: AbstractBaseUser | None = None,
    extract_text: bool = True,
    record_class: RecordClass | None = None,
) -> Record:
    """Inspect an upload, store its content and create its Record.

    Nothing is stored when the upload is refused (RejectedUpload). Content
    lives under its SHA-256, so a file already held is not written again; it
    gets a new Record of its own (its own title and visibility). Each write is
    read back and checked against the hash (StoredFileMismatch otherwise); a
    file written here is deleted again if the Record cannot be saved.

    Text already extracted from the same content is reused rather than read
    again; `extract_text=False` skips it for files compiled from other
    records (board packs), whose text those records hold.
    """
    known = (
        Record.objects.filter(sha256=content_sha256(data))
        .exclude(text_status=TextStatus.NOT_EXTRACTED)
        .first()
        if extract_text
        else None
    )
    inspected = inspect_upload(
        name=upload_name, data=data, extract_text=extract_text and known is None
    )
    if known is not None:
        inspected = replace(inspected, text=known.text, text_status=known.text_status)
    record = Record(
        title=title,
        original_filename=inspected.original_filename,
        sha256=inspected.sha256,
        size=inspected.size,
        mime_type=inspected.mime_type,
        page_count=inspected.page_count,
        text=inspected.text,
        text_status=inspected.text_status,
        visibility=visibility,
        body=body,
        created_by=created_by,
        record_class=record_class,
    )
    record.disposal_due_on = due_date(record)
    # Validate the row before any byte is written.
    record.full_clean(exclude=["file"])
    storage = record_storage()
    with transaction.atomic():
        name, written = _place_content(storage, data=data, inspected=inspected)
        try:
            record.file.name = name
            record.save()
            # In the same transaction: no record without its capture event.
            record_event(
                action=AuditAction.CAPTURE,
                actor=created_by,
                target=record,
                details={
                    "sha256": record.sha256,
                    "size": record.size,
                    "mime_type": record.mime_type,
                    "title": record.title,
                    "record_class": str(record_class or ""),
                },
            )
        except BaseException:
            if written:
                storage.delete(name)
            raise
    return record


def record_storage() -> Storage:
    """The storage of Record files (Django's default storage unless the field
    is given its own), so services and views always agree."""
    return Record._meta.get_field("file").storage


def _place_content(
    storage: Storage, *, data: BinaryIO, inspected: InspectedFile
) -> tuple[str, bool]:
    """Put the content in storage; return its name and whether it was written.

    An existing blob under the content's name is reused only if its bytes
    still hash right; otherwise a fresh copy is written beside it (the storage
    picks a free name).
    """
    name = blob_name(inspected.sha256, inspected.extension)
    if storage.exists(name):
        if _stored_sha256(storage, name) == inspected.sha256:
            return name, False
        logger.error("Stored content %s does not match its hash.", name)
    data.seek(0)
    max_length = Record._meta.get_field("file").max_length
    # File() gives every storage the chunks() it reads; it also keeps
    # FileSystemStorage from moving a TemporaryUploadedFile away from the caller.
    saved = storage.save(name, File(data), max_length=max_length)
    try:
        intact = _stored_sha256(storage, saved) == inspected.sha256
    except BaseException:
        storage.delete(saved)
        raise
    if not intact:
        storage.delete(saved)
        raise StoredFileMismatch(
            _(
                "“%(name)s” was not stored correctly (the stored copy differs "
                "from the upload). Nothing was kept; please upload it again."
            )
            % {"name": inspected.original_filename}
        )
    return saved, True


def _stored_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()
