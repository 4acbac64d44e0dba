"""Disposition: the queue of records past their retention, and its execution.

A record due for disposal is listed once (`DisposalItem`); a records manager
reviews it (keep, extend, or approve), a second person confirms the approval,
and confirmed items are executed together in a `DisposalBatch` by a
background task that leaves a destruction certificate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from records.models.file_plan import DisposalAction


class DisposalState(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    AWAITING_SECOND_APPROVAL = "awaiting_second", _("Awaiting second approval")
    CONFIRMED = "confirmed", _("Approved by two people")
    KEPT = "kept", _("Kept")
    EXECUTED = "executed", _("Executed")
    BLOCKED = "blocked", _("Blocked at execution")


OPEN_STATES = (
    DisposalState.AWAITING_REVIEW,
    DisposalState.AWAITING_SECOND_APPROVAL,
    DisposalState.CONFIRMED,
)


class DisposalItemQuerySet(models.QuerySet):
    def open(self) -> DisposalItemQuerySet:
        return self.filter(state__in=OPEN_STATES)


class DisposalItem(models.Model):
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        related_name="disposal_items",
    )
    action = models.CharField(
        _("action"), max_length=12, choices=DisposalAction.choices
    )
    schedule = models.CharField(_("schedule"), max_length=255)
    due_on = models.DateField(_("due on"))
    listed_at = models.DateTimeField(_("listed at"), auto_now_add=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=DisposalState.choices,
        default=DisposalState.AWAITING_REVIEW,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    kept_until = models.DateField(_("kept until"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    batch = models.ForeignKey(
        "records.DisposalBatch",
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    objects = DisposalItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # A record is in the queue at most once at a time.
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(state__in=OPEN_STATES),
                name="one_open_disposal_per_record",
            )
        ]
        verbose_name = _("disposal item")
        verbose_name_plural = _("disposal queue")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.record}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DisposalBatch(models.Model):
    """Confirmed disposals executed together, with their certificate."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=BatchStatus.choices,
        default=BatchStatus.QUEUED,
    )
    steps_done = models.PositiveIntegerField(_("done"), default=0)
    steps_total = models.PositiveIntegerField(_("in all"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    certificate = models.ForeignKey(
        "records.Record",
        verbose_name=_("destruction certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_location = models.CharField(
        _("transfer package"), max_length=500, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("disposal batch")
        verbose_name_plural = _("disposal batches")

    def __str__(self) -> str:
        return _("Disposal batch %(number)s") % {"number": self.reference}

    @property
    def reference(self) -> str:
        return f"D-{self.created_at:%Y}-{self.pk:05d}"

    @property
    def percent_done(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        return int(100 * self.steps_done / self.steps_total) if self.steps_total else 0
