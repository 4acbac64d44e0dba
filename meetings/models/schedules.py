"""Recurring meeting schedules and agenda templates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable


class SectionKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    CONSENT = "consent", _("Consent agenda")
    CLOSED = "closed", _("Closed session")


class AgendaTemplate(ClusterableModel):
    """The standard sections a new meeting's agenda starts with."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    panels = [
        FieldPanel("name"),
        InlinePanel("sections", label=_("Section"), min_num=1),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("agenda template")
        verbose_name_plural = _("agenda templates")

    def __str__(self) -> str:
        return self.name


class AgendaTemplateSection(Orderable):
    template = ParentalKey(
        AgendaTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=SectionKind.choices,
        default=SectionKind.STANDARD,
    )

    panels = [FieldRowPanel([FieldPanel("title"), FieldPanel("kind")])]

    class Meta(Orderable.Meta):
        verbose_name = _("template section")

    def __str__(self) -> str:
        return self.title


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
ORDINAL_NAMES = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}


def parse_weeks(value: str) -> list[int]:
    """ "2,4" → [2, 4]; "last" → [-1]. Raises ValueError on anything else."""
    weeks = []
    for part in value.replace(" ", "").split(","):
        week = -1 if part.lower() == "last" else int(part)
        if week not in ORDINAL_NAMES:
            raise ValueError(part)
        weeks.append(week)
    if not weeks:
        raise ValueError(value)
    return sorted(set(weeks), key=lambda w: (w == -1, w))


class MeetingSchedule(models.Model):
    """A body's regular meetings, e.g. "2nd and 4th Tuesday 18:00"."""

    body = models.ForeignKey(
        "council.Body",
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    title = models.CharField(
        _("meeting title"), max_length=200, default=_("Regular meeting")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    weeks_of_month = models.CharField(
        _("weeks of the month"),
        max_length=20,
        help_text=_("Which weekdays of the month, e.g. “2,4” or “1” or “last”."),
    )
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=180
    )
    location = models.CharField(_("location"), max_length=200)
    agenda_template = models.ForeignKey(
        AgendaTemplate,
        verbose_name=_("agenda template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    skip_months = models.CharField(
        _("months without meetings"),
        max_length=40,
        blank=True,
        help_text=_("Month numbers, e.g. “7,8” for a summer recess."),
    )

    panels = [
        FieldPanel("body"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("weeks_of_month")]),
        FieldRowPanel([FieldPanel("start_time"), FieldPanel("duration_minutes")]),
        FieldPanel("location"),
        FieldPanel("agenda_template"),
        FieldPanel("skip_months"),
    ]

    class Meta:
        ordering = ["body", "weekday"]
        verbose_name = _("meeting schedule")
        verbose_name_plural = _("meeting schedules")

    def __str__(self) -> str:
        return f"{self.body}: {self.describe()}"

    @property
    def weeks(self) -> list[int]:
        return parse_weeks(self.weeks_of_month)

    @property
    def recess_months(self) -> set[int]:
        return {int(m) for m in self.skip_months.replace(" ", "").split(",") if m}

    def describe(self) -> str:
        ordinals = [ORDINAL_NAMES[w] for w in self.weeks]
        joined = (
            ordinals[0]
            if len(ordinals) == 1
            else (", ".join(ordinals[:-1]) + " and " + ordinals[-1])
        )
        weekday = dict(WEEKDAYS)[self.weekday]
        return f"{joined} {weekday} {self.start_time:%H:%M}"

    def clean(self) -> None:
        try:
            parse_weeks(self.weeks_of_month)
        except ValueError:
            raise ValidationError(
                {
                    "weeks_of_month": _(
                        "Use week numbers 1–5 or “last”, separated by commas."
                    )
                }
            ) from None
        try:
            months = self.recess_months
        except ValueError:
            months = {0}
        if not months <= set(range(1, 13)):
            raise ValidationError({"skip_months": _("Use month numbers 1–12.")})
