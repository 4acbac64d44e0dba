"""Minutes: drafted from the agenda, attendance and votes; approved by a
motion at a later meeting, then frozen. Corrections are a new version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class Minutes(ClusterableModel):
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MinutesStatus.choices,
        default=MinutesStatus.DRAFT,
    )
    approved_by_motion = models.ForeignKey(
        "meetings.Motion",
        verbose_name=_("approved by motion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_minutes",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    pdf_record = models.ForeignKey(
        "records.Record",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    docx_record = models.ForeignKey(
        "records.Record",
        verbose_name=_("Word document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [InlinePanel("entries", heading=_("Discussion by item"), label=_("Item"))]

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="one_minutes_version"
            )
        ]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return _("Minutes of %(meeting)s (v%(version)d, %(status)s)") % {
            "meeting": self.meeting,
            "version": self.version,
            "status": self.get_status_display().lower(),
        }

    def clean(self) -> None:
        if (
            self.pk
            and Minutes.objects.filter(pk=self.pk)
            .exclude(status=MinutesStatus.DRAFT)
            .exists()
        ):
            raise ValidationError(
                _(
                    "Approved minutes are frozen. Start a correction to change them; "
                    "the correction needs its own approval."
                )
            )


class MinutesEntry(Orderable):
    minutes = ParentalKey(Minutes, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    discussion = RichTextField(
        _("discussion summary"),
        blank=True,
        features=["bold", "italic", "ol", "ul", "link", "h3", "h4"],
    )

    panels = [FieldPanel("item", read_only=True), FieldPanel("discussion")]

    class Meta(Orderable.Meta):
        verbose_name = _("minutes entry")

    def __str__(self) -> str:
        return str(self.item)
