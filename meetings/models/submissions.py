"""Staff submit items for a body's agenda; a reviewer approves or returns them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField

from council.visibility import VisibilityQuerySet, visibility_field
from meetings.models.agenda import AttachedFile


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    PLACED = "placed", _("Placed on an agenda")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ItemSubmission(models.Model):
    body = models.ForeignKey(
        "council.Body",
        verbose_name=_("for body"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    requested_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("requested meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_submissions",
    )
    title = models.CharField(_("title"), max_length=300)
    description = RichTextField(_("report summary"), blank=True)
    recommendation = RichTextField(_("recommendation"), blank=True)
    department = models.CharField(_("department"), max_length=120)
    sponsor = models.ForeignKey(
        "council.Person",
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = visibility_field()
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="item_submissions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    visibility_body_path = "body"
    objects = VisibilityQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("body"), FieldPanel("requested_meeting")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("department"), FieldPanel("sponsor")]),
        FieldPanel("description"),
        FieldPanel("recommendation"),
        FieldPanel("visibility"),
    ]

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("review_itemsubmission", _("Can approve or return submissions"))
        ]
        verbose_name = _("item submission")
        verbose_name_plural = _("item submissions")

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


class SubmissionAttachment(AttachedFile):
    submission = models.ForeignKey(
        ItemSubmission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )

    class Meta:
        ordering = ["submission", "sort_order", "pk"]
        verbose_name = _("submission attachment")


class SubmissionEvent(models.Model):
    """One transition of a submission: who moved it, when, and why."""

    submission = models.ForeignKey(
        ItemSubmission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=SubmissionStatus.choices
    )
    to_status = models.CharField(
        _("to"), max_length=12, choices=SubmissionStatus.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "at", "pk"]
        verbose_name = _("submission event")

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
