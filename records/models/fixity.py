"""Fixity checks: periodic proof that stored content is still what was stored."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FixityCheck(models.Model):
    """One run of the fixity check, with its counters."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    records_checked = models.PositiveIntegerField(_("records checked"), default=0)
    # Several records may share one content-addressed blob; it is read once.
    blobs_checked = models.PositiveIntegerField(_("files checked"), default=0)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), default=0)
    ok_count = models.PositiveIntegerField(_("records intact"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("fixity check")
        verbose_name_plural = _("fixity checks")

    def __str__(self) -> str:
        return f"Fixity check {self.started_at:%Y-%m-%d %H:%M}"


class FixityProblemKind(models.TextChoices):
    MISSING = "missing", _("Missing (the stored file is gone)")
    ALTERED = "altered", _("Altered (the content no longer matches its hash)")
    ORPHANED = "orphaned", _("Orphaned (a stored file no record refers to)")
    UNREADABLE = "unreadable", _("Unreadable (the storage refused to read it)")


class FixityProblem(models.Model):
    """Something a fixity check found wrong with one stored file."""

    check_run = models.ForeignKey(
        FixityCheck,
        verbose_name=_("fixity check"),
        on_delete=models.CASCADE,
        related_name="problems",
    )
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("record"),
        null=True,
        blank=True,
        # The finding outlives the record (a disposition may follow it);
        # storage_name still says which file it was.
        on_delete=models.SET_NULL,
        related_name="fixity_problems",
    )
    storage_name = models.CharField(_("storage name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=12, choices=FixityProblemKind.choices)
    expected_sha256 = models.CharField(_("expected SHA-256"), max_length=64, blank=True)
    found_sha256 = models.CharField(_("found SHA-256"), max_length=64, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now)

    class Meta:
        ordering = ["check_run", "kind", "storage_name", "pk"]
        verbose_name = _("fixity problem")
        verbose_name_plural = _("fixity problems")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.storage_name}"
