"""Records: every file Quorum holds, with what was learned about it at ingest."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from council.visibility import VisibilityQuerySet, visibility_field
from records.formats import format_for_mime_type


def blob_name(sha256: str, extension: str) -> str:
    """The storage name of content: `records/ab/cd/<sha256>.<extension>`.

    Names come from the content alone, never from the uploader's filename, so
    a name cannot traverse paths or collide, and equal content shares a blob.
    """
    return f"records/{sha256[:2]}/{sha256[2:4]}/{sha256}.{extension}"


def record_upload_to(instance: Record, filename: str) -> str:
    # Deliberately ignores `filename`: see blob_name.
    file_format = format_for_mime_type(instance.mime_type)
    return blob_name(instance.sha256, file_format.extension if file_format else "bin")


class TextStatus(models.TextChoices):
    EXTRACTED = "extracted", _("Text extracted")
    PARTIAL = "partial", _("Text partly extracted")
    NO_TEXT = "no_text", _("No text could be extracted")
    NOT_EXTRACTED = "not_extracted", _("Not extracted (compiled from other records)")


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DESTROYED = "destroyed", _("Destroyed")
    TRANSFERRED = "transferred", _("Transferred to archives")


class RecordQuerySet(VisibilityQuerySet):
    """Records, filtered by who may see them through `visible_to`."""

    def active(self) -> RecordQuerySet:
        """Records whose content Quorum still holds (not disposed of)."""
        return self.filter(status=RecordStatus.ACTIVE)

    def declared(self) -> RecordQuerySet:
        return self.filter(declared_at__isnull=False)

    def due_for_disposal(self, on: datetime.date) -> RecordQuerySet:
        return self.active().filter(disposal_due_on__lte=on)


class Record(models.Model):
    """A stored file: agenda attachment, report, minutes, correspondence."""

    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(
        _("file"),
        upload_to=record_upload_to,
        max_length=255,
        editable=False,
    )
    original_filename = models.CharField(
        _("original filename"), max_length=200, editable=False
    )
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, db_index=True, editable=False
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    mime_type = models.CharField(_("MIME type"), max_length=100, editable=False)
    page_count = models.PositiveIntegerField(
        _("pages"), null=True, blank=True, editable=False
    )
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    text_status = models.CharField(
        _("text status"),
        max_length=16,
        choices=TextStatus.choices,
        default=TextStatus.EXTRACTED,
        editable=False,
    )
    visibility = visibility_field()
    body = models.ForeignKey(
        "council.Body",
        verbose_name=_("body"),
        null=True,
        blank=True,
        # Records outlive reorganisations: a body with records is not deleted.
        on_delete=models.PROTECT,
        related_name="records",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    record_class = models.ForeignKey(
        "records.RecordClass",
        verbose_name=_("record class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    declared_at = models.DateTimeField(
        _("declared at"), null=True, blank=True, editable=False
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Derived from the class's schedule and the record's trigger events by
    # records.retention.recompute_due_date; empty while the trigger event has
    # not happened yet, or when the record is kept permanently.
    disposal_due_on = models.DateField(
        _("disposal due"), null=True, blank=True, editable=False, db_index=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RecordStatus.choices,
        default=RecordStatus.ACTIVE,
        editable=False,
        db_index=True,
    )
    disposed_at = models.DateTimeField(
        _("disposed of at"), null=True, blank=True, editable=False
    )
    # Indexed: the fixity check picks the records checked longest ago first.
    last_fixity_check_at = models.DateTimeField(
        _("last fixity check"), null=True, blank=True, editable=False, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    visibility_body_path = "body"
    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("record")
        verbose_name_plural = _("records")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("records_download", kwargs={"pk": self.pk})

    @property
    def identifier(self) -> str:
        """The reference quoted on certificates and transfer packages."""
        return f"QR-{self.pk:07d}"

    @property
    def is_declared(self) -> bool:
        return self.declared_at is not None

    @property
    def is_active(self) -> bool:
        return self.status == RecordStatus.ACTIVE

    @property
    def format_label(self) -> str:
        """What a reader calls the file's type: "PDF", "Word document"."""
        file_format = format_for_mime_type(self.mime_type)
        return str(file_format.label) if file_format else self.mime_type


class RecordTrigger(models.Model):
    """An event that starts a retention period, as it happened to one record.

    Kept per record and event (not only the date the current schedule needs)
    so a re-classified record's due date can be recomputed from its history.
    """

    record = models.ForeignKey(
        Record,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="triggers",
    )
    event = models.CharField(_("event"), max_length=20)
    custom_event = models.CharField(_("custom event"), max_length=100, blank=True)
    occurred_on = models.DateField(_("occurred on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["record", "occurred_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "event", "custom_event"], name="one_trigger_per_event"
            )
        ]
        verbose_name = _("trigger event")
        verbose_name_plural = _("trigger events")

    def __str__(self) -> str:
        return f"{self.custom_event or self.event} {self.occurred_on}"


class RecordLink(models.Model):
    """Where a record is used: an agenda item, minutes, a board pack.

    A generic relation, so the records app knows nothing of meetings. The
    optional `context` is the larger thing the user of the record belongs to
    (the meeting of an agenda item), so a hold on a meeting covers everything
    filed under it.
    """

    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.CASCADE, related_name="links"
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    used_by = GenericForeignKey("content_type", "object_id")
    role = models.CharField(_("role"), max_length=100)
    context_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    context_id = models.CharField(max_length=64, blank=True)
    context = GenericForeignKey("context_type", "context_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "content_type", "object_id", "role"],
                name="one_link_per_use",
            )
        ]
        indexes = [models.Index(fields=["context_type", "context_id"])]
        verbose_name = _("record link")
        verbose_name_plural = _("record links")

    def __str__(self) -> str:
        return f"{self.record} → {self.role}"
