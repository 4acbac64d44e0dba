"""Records: every file Quorum holds, with what was learned about it at ingest."""

from __future__ import annotations

from django.conf import settings
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


class RecordQuerySet(VisibilityQuerySet):
    """Records, filtered by who may see them through `visible_to`."""


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
    def format_label(self) -> str:
        """What a reader calls the file's type: "PDF", "Word document"."""
        file_format = format_for_mime_type(self.mime_type)
        return str(file_format.label) if file_format else self.mime_type
