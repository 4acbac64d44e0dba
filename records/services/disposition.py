"""Disposition: listing due records, two-person approval, and execution.

The steps follow MoReq2010: records past their retention are listed; a
records manager reviews each (keep with a reason and a new date, or approve
the disposal the schedule says); a second, different person confirms; then a
background task executes the confirmed items. Holds are checked when an item
is listed, reviewed, confirmed, and again at the moment of execution.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from council.visibility import Visibility
from records.audit import record_event
from records.disposition_documents import (
    DestroyedRecordEntry,
    DestructionCertificateData,
    TransferItem,
    render_destruction_certificate,
    write_transfer_bag,
)
from records.models import (
    AuditAction,
    AuditEvent,
    BatchStatus,
    DisposalAction,
    DisposalBatch,
    DisposalItem,
    DisposalState,
    Record,
    RecordClass,
    RecordStatus,
    TextStatus,
)
from records.renditions import StoredRenditions
from records.selectors import hold_numbers, holds_by_record, holds_covering
from records.services.capture import record_storage, store_record
from records.services.retention import declare_record
from records.signals import record_content_removed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

CERTIFICATE_CLASS_CODE = "records-destruction-certificates"


class DisposalRefused(ValidationError):
    """A disposition step refused: wrong state, same approver twice, a hold."""


def list_due_records(*, today: datetime.date | None = None) -> list[DisposalItem]:
    """Put every record past its retention on the disposal queue, once.

    Records under a hold are left off (they come back on the first run after
    the hold is lifted); permanent records are never due.
    """
    today = today or timezone.localdate()
    queued = DisposalItem.objects.open().values("record_id")
    due = (
        Record.objects.due_for_disposal(today)
        .exclude(pk__in=queued)
        .select_related("record_class")
    )
    due_records = list(due)
    held = holds_by_record(record.pk for record in due_records)
    listed = []
    for record in due_records:
        schedule = record.record_class.schedule if record.record_class else None
        if record.pk in held or schedule is None or schedule.is_permanent:
            continue
        with transaction.atomic():
            item = DisposalItem.objects.create(
                record=record,
                action=schedule.action,
                schedule=str(schedule),
                due_on=record.disposal_due_on,
            )
            record_event(
                action=AuditAction.DISPOSITION_LISTED,
                target=record,
                details={"schedule": item.schedule, "due_on": item.due_on},
            )
        listed.append(item)
    return listed


@transaction.atomic
def review_disposal(
    *,
    item: DisposalItem,
    by: AbstractBaseUser,
    decision: str,
    note: str = "",
    keep_until: datetime.date | None = None,
) -> DisposalItem:
    """The first look at a listed record.

    `decision` is "keep" (with a reason and the date to look again: the
    record's due date moves there) or the disposal to carry out: the
    schedule's action, or for a "review" schedule, destroy or transfer.
    """
    item = _locked(item)
    _require_state(item, DisposalState.AWAITING_REVIEW)
    if decision == "keep":
        return _keep(item, by=by, note=note, keep_until=keep_until)
    if decision not in (DisposalAction.DESTROY, DisposalAction.TRANSFER):
        raise DisposalRefused(_("Choose keep, destroy or transfer."))
    if item.action != DisposalAction.REVIEW and decision != item.action:
        raise DisposalRefused(
            _(
                "The schedule says %(action)s; to do otherwise, keep the record "
                "and re-classify it."
            )
            % {"action": item.get_action_display().lower()}
        )
    _refuse_if_held(item.record)
    item.action = decision
    item.state = DisposalState.AWAITING_SECOND_APPROVAL
    item.reviewed_by, item.reviewed_at, item.review_note = by, timezone.now(), note
    item.save()
    record_event(
        action=AuditAction.DISPOSITION_REVIEWED,
        actor=by,
        target=item.record,
        details={"decision": decision, "note": note, "item": item.pk},
    )
    return item


def _keep(
    item: DisposalItem,
    *,
    by: AbstractBaseUser,
    note: str,
    keep_until: datetime.date | None,
) -> DisposalItem:
    if not note.strip():
        raise DisposalRefused(_("Say why the record is kept."))
    if keep_until is None or keep_until <= timezone.localdate():
        raise DisposalRefused(_("Give a future date when it is looked at again."))
    item.state = DisposalState.KEPT
    item.reviewed_by, item.reviewed_at = by, timezone.now()
    item.review_note, item.kept_until = note.strip(), keep_until
    item.save()
    Record.objects.filter(pk=item.record_id).update(disposal_due_on=keep_until)
    record_event(
        action=AuditAction.DISPOSITION_KEPT,
        actor=by,
        target=item.record,
        details={"note": item.review_note, "kept_until": keep_until, "item": item.pk},
    )
    return item


@transaction.atomic
def confirm_disposal(*, item: DisposalItem, by: AbstractBaseUser) -> DisposalItem:
    """The second approval, which must come from someone other than the
    reviewer."""
    item = _locked(item)
    _require_state(item, DisposalState.AWAITING_SECOND_APPROVAL)
    if item.reviewed_by_id == by.pk:
        raise DisposalRefused(
            _(
                "You approved this disposal already; a second, different person "
                "must confirm it."
            )
        )
    _refuse_if_held(item.record)
    item.state = DisposalState.CONFIRMED
    item.confirmed_by, item.confirmed_at = by, timezone.now()
    item.save()
    record_event(
        action=AuditAction.DISPOSITION_APPROVED,
        actor=by,
        target=item.record,
        details={
            "action": item.action,
            "reviewed_by": item.reviewed_by.get_username(),
            "item": item.pk,
        },
    )
    return item


def start_disposal(*, by: AbstractBaseUser) -> DisposalBatch:
    """Gather every confirmed item into a batch and execute it in the
    background (the batch shows the progress)."""
    from records.tasks import execute_disposal_batch_task

    with transaction.atomic():
        items = DisposalItem.objects.select_for_update().filter(
            state=DisposalState.CONFIRMED, batch__isnull=True
        )
        item_ids = list(items.values_list("pk", flat=True))
        if not item_ids:
            raise DisposalRefused(_("No disposal has been approved by two people."))
        batch = DisposalBatch.objects.create(started_by=by, steps_total=len(item_ids))
        DisposalItem.objects.filter(pk__in=item_ids).update(batch=batch)
        transaction.on_commit(
            lambda: execute_disposal_batch_task.enqueue(batch_id=batch.pk)
        )
    return batch


def execute_disposal_batch(*, batch: DisposalBatch) -> DisposalBatch:
    """Carry out a batch: re-check holds, transfer, destroy, certify.

    Transfers are written (and validated) as one BagIt package before any of
    their content is removed; a failure there leaves their records intact.
    """
    DisposalBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    items = list(
        batch.items.filter(state=DisposalState.CONFIRMED)
        .select_related("record__record_class", "reviewed_by", "confirmed_by")
        .order_by("pk")
    )
    try:
        runnable = [item for item in items if not _blocked_by_hold(item)]
        transfers = [i for i in runnable if i.action == DisposalAction.TRANSFER]
        if transfers:
            batch.transfer_location = str(_write_transfer(batch, transfers))
        for item in runnable:
            _remove_content(item, batch=batch)
            DisposalBatch.objects.filter(pk=batch.pk).update(
                steps_done=F("steps_done") + 1
            )
        destroyed = [i for i in runnable if i.action == DisposalAction.DESTROY]
        if destroyed:
            batch.certificate = _issue_certificate(batch, destroyed)
    except Exception as error:
        logger.exception("Disposal batch %s failed.", batch.pk)
        batch.status, batch.error = BatchStatus.FAILED, str(error)
    else:
        batch.status = BatchStatus.DONE
    batch.finished_at = timezone.now()
    batch.steps_done = batch.steps_total
    batch.save(
        update_fields=[
            "status",
            "error",
            "finished_at",
            "steps_done",
            "certificate",
            "transfer_location",
        ]
    )
    return batch


def _blocked_by_hold(item: DisposalItem) -> bool:
    """Block the item if a hold covers its record now."""
    holds = holds_covering(item.record)
    if not holds:
        return False
    with transaction.atomic():
        item.state = DisposalState.BLOCKED
        item.outcome = _("Not executed: under %(holds)s.") % {
            "holds": hold_numbers(holds)
        }
        item.save(update_fields=["state", "outcome"])
        record_event(
            action=AuditAction.DISPOSITION_BLOCKED,
            actor=item.batch.started_by,
            target=item.record,
            details={"holds": [hold.pk for hold in holds], "item": item.pk},
        )
        DisposalBatch.objects.filter(pk=item.batch_id).update(
            steps_done=F("steps_done") + 1
        )
    return True


def _remove_content(item: DisposalItem, *, batch: DisposalBatch) -> None:
    """Destroy (or, once transferred, release) one record's content and every
    derivative, keeping its residual entry."""
    destroyed = item.action == DisposalAction.DESTROY
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=item.record_id)
        name = record.file.name
        record.file = ""
        record.text = ""
        record.text_status = TextStatus.NO_TEXT
        record.status = (
            RecordStatus.DESTROYED if destroyed else RecordStatus.TRANSFERRED
        )
        record.disposed_at = timezone.now()
        record.save(
            update_fields=["file", "text", "text_status", "status", "disposed_at"]
        )
        item.state, item.executed_at = DisposalState.EXECUTED, record.disposed_at
        item.outcome = _("Destroyed.") if destroyed else _("Transferred.")
        item.save(update_fields=["state", "executed_at", "outcome"])
        record_event(
            action=AuditAction.DESTROYED if destroyed else AuditAction.TRANSFERRED,
            actor=batch.started_by,
            target=record,
            details={
                "sha256": record.sha256,
                "schedule": item.schedule,
                "reviewed_by": item.reviewed_by.get_username(),
                "confirmed_by": item.confirmed_by.get_username(),
                "batch": batch.reference,
            },
        )
        transaction.on_commit(lambda: _delete_stored_content(record, name))
    # Search forgets it here, in this task (the search app listens).
    record_content_removed.send(sender=Record, record=record)


def _delete_stored_content(record: Record, name: str) -> None:
    """Delete the stored bytes and renditions unless another record still
    holds the same content (content is stored once per hash)."""
    if Record.objects.active().filter(sha256=record.sha256).exists():
        return
    storage = record_storage()
    if name:
        storage.delete(name)
    StoredRenditions().delete_all_of(record.sha256)


def _write_transfer(batch: DisposalBatch, items: Sequence[DisposalItem]) -> Path:
    bag_items = [
        TransferItem(
            identifier=item.record.identifier,
            filename=item.record.original_filename,
            open_content=item.record.file.open,
            sha256=item.record.sha256,
            metadata=_transfer_metadata(item),
            events=_event_history(item.record),
        )
        for item in items
    ]
    destination = Path(settings.QUORUM_TRANSFER_DIR) / batch.reference
    bag = write_transfer_bag(
        destination,
        bag_items,
        bag_info={
            "Source-Organization": settings.QUORUM_CITY_NAME,
            "External-Identifier": batch.reference,
            "External-Description": _("Records transferred to the archives"),
        },
    )
    record_event(
        action=AuditAction.EXPORT,
        actor=batch.started_by,
        target=batch,
        details={
            "format": "BagIt",
            "location": str(bag),
            "records": [item.record.identifier for item in items],
        },
    )
    return bag


def _transfer_metadata(item: DisposalItem) -> dict:
    record = item.record
    return {
        "identifier": record.identifier,
        "title": record.title,
        "record_class": str(record.record_class or ""),
        "schedule": item.schedule,
        "created_at": record.created_at.isoformat(),
        "declared_at": record.declared_at.isoformat() if record.declared_at else None,
        "due_on": item.due_on.isoformat(),
        "original_filename": record.original_filename,
        "mime_type": record.mime_type,
        "size": record.size,
        "sha256": record.sha256,
        "page_count": record.page_count,
        "visibility": record.visibility,
        "version": record.version,
        "reviewed_by": item.reviewed_by.get_username(),
        "confirmed_by": item.confirmed_by.get_username(),
    }


def _event_history(record: Record) -> list[dict]:
    return [
        {
            "sequence": event.sequence,
            "at": event.at.isoformat(),
            "action": event.action,
            "actor": event.actor_name,
            "details": event.details,
            "hash": event.hash,
        }
        for event in AuditEvent.objects.for_target(record).order_by("sequence")
    ]


def _issue_certificate(batch: DisposalBatch, items: Sequence[DisposalItem]) -> Record:
    """The destruction certificate: a PDF kept as a permanent, declared record."""
    entries = [
        DestroyedRecordEntry(
            identifier=item.record.identifier,
            title=item.record.title,
            record_class=str(item.record.record_class or ""),
            schedule=item.schedule,
            created_on=timezone.localdate(item.record.created_at),
            trigger_date=None,
            due_on=item.due_on,
            sha256=item.record.sha256,
            size=item.record.size,
            format_label=item.record.format_label,
        )
        for item in items
    ]
    pdf = render_destruction_certificate(
        DestructionCertificateData(
            number=batch.reference,
            issued_at=timezone.localtime(),
            organisation=settings.QUORUM_CITY_NAME,
            batch_reference=batch.reference,
            reviewed_by=_names(item.reviewed_by for item in items),
            reviewed_at=timezone.localtime(max(item.reviewed_at for item in items)),
            approved_by=_names(item.confirmed_by for item in items),
            approved_at=timezone.localtime(max(item.confirmed_at for item in items)),
            executed_by=batch.started_by.get_username() if batch.started_by else "",
            executed_at=timezone.localtime(max(item.executed_at for item in items)),
            entries=entries,
            holds_checked_at=timezone.localtime(),
        )
    )
    with transaction.atomic():
        certificate = store_record(
            upload_name=f"destruction-certificate-{batch.reference}.pdf",
            data=io.BytesIO(pdf),
            title=_("Destruction certificate %(number)s") % {"number": batch.reference},
            visibility=Visibility.INTERNAL,
            created_by=batch.started_by,
            record_class=RecordClass.objects.get(code=CERTIFICATE_CLASS_CODE),
        )
        declare_record(record=certificate, by=batch.started_by)
    return certificate


def _names(users) -> str:
    return ", ".join(sorted({user.get_username() for user in users}))


def _locked(item: DisposalItem) -> DisposalItem:
    return (
        # Lock the item's row only: PostgreSQL cannot lock the nullable side
        # of the outer join to the reviewer.
        DisposalItem.objects.select_for_update(of=("self",))
        .select_related("record", "reviewed_by")
        .get(pk=item.pk)
    )


def _require_state(item: DisposalItem, state: str) -> None:
    if item.state != state:
        raise DisposalRefused(
            _("This disposal is %(state)s; it cannot be approved now.")
            % {"state": item.get_state_display().lower()}
        )


def _refuse_if_held(record: Record) -> None:
    holds = holds_covering(record)
    if holds:
        raise DisposalRefused(
            _("“%(title)s” is under %(holds)s: it cannot be disposed of.")
            % {
                "title": record.title,
                "holds": hold_numbers(holds),
            }
        )
