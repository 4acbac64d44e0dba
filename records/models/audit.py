"""The audit trail: an append-only, hash-chained log of what happened to records.

Each event stores the SHA-256 of its own contents and of the event before it,
so editing, removing or reordering a row breaks the chain at that row and
`records.audit.verify_audit_chain` (the `verify_audit` command) names it. Rows
are written only by `records.audit.record_event`; the model and its queryset
refuse updates and deletes so application code cannot rewrite history by
accident. (The database itself can, which is what the hash chain is for.)
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditTrailIsAppendOnly(Exception):
    """Something tried to change or remove an audit event."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or _(
                "The audit trail is append-only: its events cannot be changed or "
                "deleted. Record a new event instead."
            )
        )


class AuditAction(models.TextChoices):
    CAPTURE = "capture", _("Captured")
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    METADATA_CHANGE = "metadata_change", _("Metadata changed")
    DECLARE = "declare", _("Declared as record")
    HOLD_PLACED = "hold_placed", _("Hold placed")
    HOLD_LIFTED = "hold_lifted", _("Hold lifted")
    NEW_VERSION = "new_version", _("New version added")
    TRIGGER_RECORDED = "trigger_recorded", _("Retention trigger recorded")
    DISPOSITION_LISTED = "disposition_listed", _("Listed for disposal")
    DISPOSITION_REVIEWED = "disposition_reviewed", _("Disposition reviewed")
    DISPOSITION_KEPT = "disposition_kept", _("Kept at disposal review")
    DISPOSITION_APPROVED = "disposition_approved", _("Disposition approved")
    DISPOSITION_BLOCKED = "disposition_blocked", _("Disposition blocked")
    DESTROYED = "destroyed", _("Destroyed")
    TRANSFERRED = "transferred", _("Transferred")
    EXPORT = "export", _("Exported")
    FIXITY_FAILED = "fixity_failed", _("Fixity check failed")
    ANNOTATIONS_PURGED = "annotations_purged", _("Members' annotations purged")


def event_hash(
    *,
    sequence: int,
    at: datetime.datetime,
    actor_name: str,
    action: str,
    target_type: str,
    target_id: str,
    target_repr: str,
    details: Mapping[str, Any],
    previous_hash: str,
) -> str:
    """SHA-256 (hex) of an event's canonical JSON form.

    `target_type` is the content type's natural key ("records.record"), not its
    id, so the chain survives a dump and load into another database. The actor
    is hashed by the `actor_name` snapshot: the `actor` link is nulled when a
    user is deleted, and that must not look like tampering.
    """
    payload = {
        "sequence": sequence,
        "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_name": actor_name,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_repr": target_repr,
        "details": details,
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def content_type_key(content_type: ContentType | None) -> str:
    if content_type is None:
        return ""
    return f"{content_type.app_label}.{content_type.model}"


class AuditEventQuerySet(models.QuerySet):
    """Reads only: bulk changes and deletes are refused."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly

    def delete(self) -> NoReturn:
        raise AuditTrailIsAppendOnly

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> NoReturn:
        raise AuditTrailIsAppendOnly

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> NoReturn:
        # Appending goes through record_event, which chains under a lock.
        raise AuditTrailIsAppendOnly(
            _("Audit events are appended one at a time by record_event.")
        )

    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        """The events about one object, oldest first."""
        return self.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
        ).order_by("sequence")


class AuditEvent(models.Model):
    """One thing that happened to a record (or the record store), chained."""

    sequence = models.PositiveBigIntegerField(
        _("sequence"), unique=True, editable=False
    )
    at = models.DateTimeField(_("at"), editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # Users may leave; their events stay, named by `actor_name`.
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    actor_name = models.CharField(
        _("actor name"), max_length=150, blank=True, editable=False
    )
    action = models.CharField(
        _("action"), max_length=32, choices=AuditAction.choices, editable=False
    )
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("target type"),
        null=True,
        blank=True,
        # The chain hashes the type's name; losing it would orphan the events.
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    target_id = models.CharField(
        _("target id"), max_length=64, blank=True, editable=False
    )
    target_repr = models.CharField(
        _("target"), max_length=255, blank=True, editable=False
    )
    details = models.JSONField(_("details"), default=dict, blank=True, editable=False)
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        # Only viewing is a permission anyone can be given.
        default_permissions = ("view",)
        indexes = [
            models.Index(
                fields=["target_type", "target_id"], name="records_audit_target_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1),
                name="records_audit_sequence_positive",
            )
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_action_display()} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and (
            kwargs.get("force_update")
            or type(self)._base_manager.filter(pk=self.pk).exists()
        ):
            raise AuditTrailIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly

    def compute_hash(self) -> str:
        return event_hash(
            sequence=self.sequence,
            at=self.at,
            actor_name=self.actor_name,
            action=self.action,
            target_type=content_type_key(self.target_type),
            target_id=self.target_id,
            target_repr=self.target_repr,
            details=self.details,
            previous_hash=self.previous_hash,
        )
