"""Classifying records, recording retention triggers, declaring and versioning.

Every change here is refused while a hold covers the record, and declared
records keep their content and key metadata: the refusals are
`RecordLocked` errors whose message tells the clerk why and what to do.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records.audit import record_event
from records.models import (
    AuditAction,
    Record,
    RecordClass,
    RecordLink,
    RecordTrigger,
    TriggerEvent,
)
from records.models.file_plan import PATH_SEPARATOR
from records.selectors import due_date, hold_numbers, holds_covering
from records.services.capture import store_record

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# Frozen by declaring: what the record says and where it came from.
DECLARED_FIELDS = ("title", "body", "original_filename")


class RecordLocked(ValidationError):
    """A change refused because the record is held, declared or disposed of."""


def recompute_due_date(record: Record) -> Record:
    """Store the record's due date as its schedule and triggers now give it."""
    due = due_date(record)
    if due != record.disposal_due_on:
        record.disposal_due_on = due
        Record.objects.filter(pk=record.pk).update(disposal_due_on=due)
    return record


def recompute_due_dates_in_class(record_class: RecordClass) -> int:
    """Recompute every record filed in a class or below it, after its schedule
    changed; return how many records were looked at."""
    classes = _class_and_descendants(record_class)
    records = Record.objects.active().filter(record_class__in=classes)
    count = 0
    for record in records.select_related("record_class").prefetch_related("triggers"):
        recompute_due_date(record)
        count += 1
    return count


def _class_and_descendants(record_class: RecordClass) -> list[RecordClass]:
    below = RecordClass.objects.filter(
        path_name__startswith=f"{record_class.path_name}{PATH_SEPARATOR}"
    )
    return [record_class, *below]


def ensure_changeable(record: Record, *, declared_too: bool = False) -> None:
    """Refuse (RecordLocked) if the record may not be changed now."""
    if not record.is_active:
        raise RecordLocked(
            _("“%(title)s” was %(status)s; only its residual entry remains.")
            % {"title": record.title, "status": record.get_status_display().lower()}
        )
    holds = list(holds_covering(record))
    if holds:
        raise RecordLocked(
            _("“%(title)s” is under %(holds)s and cannot be changed until lifted.")
            % {
                "title": record.title,
                "holds": hold_numbers(holds),
            }
        )
    if declared_too and record.is_declared:
        raise RecordLocked(
            _(
                "“%(title)s” is a declared record: its content, title and origin "
                "are final. File a correction as a new record instead."
            )
            % {"title": record.title}
        )


@transaction.atomic
def classify_record(
    *, record: Record, record_class: RecordClass, by: AbstractBaseUser | None = None
) -> Record:
    """File a record under a class of the file plan and recompute its due date."""
    if record.record_class_id == record_class.pk:
        return record
    if record.record_class_id is not None:  # filing a new record is no change
        ensure_changeable(record)
    previous = str(record.record_class) if record.record_class else ""
    record.record_class = record_class
    Record.objects.filter(pk=record.pk).update(record_class=record_class)
    recompute_due_date(record)
    record_event(
        action=AuditAction.METADATA_CHANGE,
        actor=by,
        target=record,
        details={"record_class": [previous, str(record_class)]},
    )
    return record


@transaction.atomic
def update_record_metadata(
    *, record: Record, by: AbstractBaseUser | None = None, **changes: object
) -> Record:
    """Change a record's title, visibility, body or class, with an audit event
    listing each field's old and new value. Declared records keep their
    title, body and origin; held records keep everything."""
    changed = {
        name: value for name, value in changes.items() if getattr(record, name) != value
    }
    if not changed:
        return record
    ensure_changeable(record, declared_too=bool(set(changed) & set(DECLARED_FIELDS)))
    new_class = changed.pop("record_class", None)
    before = {name: str(getattr(record, name) or "") for name in changed}
    for name, value in changed.items():
        setattr(record, name, value)
    if changed:
        record.full_clean(exclude=["file"])
        record.save(update_fields=list(changed))
        record_event(
            action=AuditAction.METADATA_CHANGE,
            actor=by,
            target=record,
            details={
                name: [before[name], str(getattr(record, name) or "")]
                for name in changed
            },
        )
    if new_class is not None:
        classify_record(record=record, record_class=new_class, by=by)
    return record


@transaction.atomic
def set_record_access(
    *, record: Record, visibility: str, body=None, by: AbstractBaseUser | None = None
) -> Record:
    """Give a record the visibility (and body) of what it is filed with, as
    an audited metadata change. Access is not content: held and declared
    records follow their agenda item too."""
    before = (record.visibility, record.body_id)
    if before == (visibility, body.pk if body else None):
        return record
    record.visibility, record.body = visibility, body
    record.save(update_fields=["visibility", "body"])
    record_event(
        action=AuditAction.METADATA_CHANGE,
        actor=by,
        target=record,
        details={
            "visibility": [before[0], visibility],
            "body": [before[1], record.body_id],
        },
    )
    return record


@transaction.atomic
def declare_record(*, record: Record, by: AbstractBaseUser | None = None) -> Record:
    """Declare a record final: from now on its content, title and origin
    cannot change (approved minutes, published packs). Idempotent."""
    if record.is_declared:
        return record
    record.declared_at = timezone.now()
    record.declared_by = by if by is not None and by.is_authenticated else None
    record.save(update_fields=["declared_at", "declared_by"])
    record_event(
        action=AuditAction.DECLARE,
        actor=by,
        target=record,
        details={"sha256": record.sha256, "title": record.title},
    )
    return record


@transaction.atomic
def record_trigger_event(
    *,
    records: Iterable[Record],
    event: str,
    occurred_on: datetime.date,
    custom_event: str = "",
    by: AbstractBaseUser | None = None,
) -> int:
    """Note that a retention trigger happened to these records (the meeting was
    held, the matter closed, a named custom event), and recompute their due
    dates. A trigger already recorded keeps its first date. Returns the
    number of records newly triggered."""
    if event not in TriggerEvent.values or event == TriggerEvent.CREATED:
        raise ValueError(f"{event!r} is not a trigger that can be recorded.")
    if event == TriggerEvent.CUSTOM and not custom_event.strip():
        raise ValidationError(_("Name the custom event."))
    custom_event = custom_event.strip() if event == TriggerEvent.CUSTOM else ""
    user = by if by is not None and by.is_authenticated else None
    newly = 0
    for record in records:
        _trigger, created = RecordTrigger.objects.get_or_create(
            record=record,
            event=event,
            custom_event=custom_event,
            defaults={"occurred_on": occurred_on, "recorded_by": user},
        )
        if not created:
            continue
        newly += 1
        record_event(
            action=AuditAction.TRIGGER_RECORDED,
            actor=by,
            target=record,
            details={
                "event": custom_event or event,
                "occurred_on": occurred_on.isoformat(),
            },
        )
        recompute_due_date(record)
    return newly


def store_new_version(
    *,
    record: Record,
    upload_name: str,
    data: BinaryIO,
    by: AbstractBaseUser | None = None,
) -> Record:
    """Store a new version beside the old one, which is kept untouched and
    marked superseded (starting the retention of drafts). Declared and held
    records take no new versions."""
    ensure_changeable(record, declared_too=True)
    if Record.objects.filter(previous_version=record).exists():
        raise RecordLocked(
            _("“%(title)s” already has a newer version; add to that one.")
            % {"title": record.title}
        )
    with transaction.atomic():
        new = store_record(
            upload_name=upload_name,
            data=data,
            title=record.title,
            visibility=record.visibility,
            body=record.body,
            created_by=by,
        )
        new.previous_version = record
        new.version = record.version + 1
        new.record_class = record.record_class
        new.save(update_fields=["previous_version", "version", "record_class"])
        recompute_due_date(new)
        record_event(
            action=AuditAction.NEW_VERSION,
            actor=by,
            target=record,
            details={
                "new_record": new.pk,
                "version": new.version,
                "sha256": new.sha256,
            },
        )
        record_trigger_event(
            records=[record],
            event=TriggerEvent.SUPERSEDED,
            occurred_on=timezone.localdate(),
            by=by,
        )
    return new


def version_history(record: Record) -> list[Record]:
    """Every version of the record, oldest first."""
    first = record
    while first.previous_version_id:
        first = first.previous_version
    versions = [first]
    while following := Record.objects.filter(previous_version=versions[-1]).first():
        versions.append(following)
    return versions


def link_record(
    *,
    record: Record,
    used_by: models.Model,
    role: str,
    filed_under: models.Model | None = None,
) -> RecordLink:
    """Note where a record is used (an agenda item, minutes, a pack) and the
    larger thing it is filed under (the meeting), which holds can name."""
    link, _created = RecordLink.objects.get_or_create(
        record=record,
        content_type=ContentType.objects.get_for_model(used_by),
        object_id=str(used_by.pk),
        role=role,
        defaults={
            "context_type": (
                ContentType.objects.get_for_model(filed_under) if filed_under else None
            ),
            "context_id": str(filed_under.pk) if filed_under else "",
        },
    )
    return link
