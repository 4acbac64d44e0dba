"""The file plan: record classes in a tree, each with its retention schedule.

A class either carries a schedule of its own (trigger event, period, action)
or inherits its parent's; records follow the schedule of their class. The
retention period runs from the date of the trigger event, which is recorded
per record (`RecordTrigger`), so re-classifying a record recomputes its due
date from what is already known about it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

PATH_SEPARATOR = " › "


class TriggerEvent(models.TextChoices):
    CREATED = "created", _("Record created")
    MEETING_HELD = "meeting_held", _("Meeting held")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
    SUPERSEDED = "superseded", _("Superseded")
    MATTER_CLOSED = "matter_closed", _("Matter closed")
    CUSTOM = "custom", _("Custom event")


class DisposalAction(models.TextChoices):
    DESTROY = "destroy", _("Destroy")
    TRANSFER = "transfer", _("Transfer to archives")
    REVIEW = "review", _("Review")
    PERMANENT = "permanent", _("Keep permanently")


@dataclass(frozen=True)
class RetentionSchedule:
    """The rule a record class applies: N years/months/days after an event."""

    trigger: str
    custom_event: str
    years: int
    months: int
    days: int
    action: str
    defined_by: RecordClass

    @property
    def event_key(self) -> tuple[str, str]:
        """(event, custom event name) as a RecordTrigger stores them."""
        custom = self.custom_event if self.trigger == TriggerEvent.CUSTOM else ""
        return self.trigger, custom

    @property
    def is_permanent(self) -> bool:
        return self.action == DisposalAction.PERMANENT

    def event_label(self) -> str:
        if self.trigger == TriggerEvent.CUSTOM:
            return self.custom_event
        return str(TriggerEvent(self.trigger).label).lower()

    def period_label(self) -> str:
        parts = [
            (self.years, _("year"), _("years")),
            (self.months, _("month"), _("months")),
            (self.days, _("day"), _("days")),
        ]
        words = [
            f"{count} {one if count == 1 else many}"
            for count, one, many in parts
            if count
        ]
        return ", ".join(words)

    def __str__(self) -> str:
        if self.is_permanent:
            return str(_("Keep permanently"))
        values = {
            "action": DisposalAction(self.action).label,
            "period": self.period_label(),
            "event": self.event_label(),
        }
        if not (self.years or self.months or self.days):
            return str(_("%(action)s when %(event)s") % values)
        return str(_("%(action)s %(period)s after %(event)s") % values)

    def due_on(self, trigger_date: datetime.date) -> datetime.date:
        """The day the retention period ends, counting from `trigger_date`.

        Months are calendar months; a day past the end of a shorter month
        falls back to its last day (31 Jan + 1 month = 28/29 Feb).
        """
        month_index = trigger_date.month - 1 + self.months + 12 * self.years
        year, month = trigger_date.year + month_index // 12, month_index % 12 + 1
        day = min(trigger_date.day, _days_in_month(year, month))
        return datetime.date(year, month, day) + datetime.timedelta(days=self.days)


def _days_in_month(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


class RecordClassQuerySet(models.QuerySet):
    def in_plan_order(self) -> RecordClassQuerySet:
        return self.order_by("path_name")


class RecordClass(models.Model):
    """One heading of the file plan, such as "Meetings › Minutes"."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short, stable reference, e.g. meetings-minutes."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    # Kept in step by save(): the plan reads in tree order by sorting on it.
    path_name = models.CharField(
        _("file plan path"), max_length=600, editable=False, db_index=True
    )
    action = models.CharField(
        _("disposal action"),
        max_length=12,
        choices=DisposalAction.choices,
        blank=True,
        help_text=_("Leave empty to follow the parent class's schedule."),
    )
    trigger = models.CharField(
        _("retention starts at"),
        max_length=20,
        choices=TriggerEvent.choices,
        blank=True,
    )
    custom_event = models.CharField(
        _("custom event name"),
        max_length=100,
        blank=True,
        help_text=_("For a custom trigger, e.g. “contract ended”."),
    )
    retention_years = models.PositiveSmallIntegerField(_("years"), default=0)
    retention_months = models.PositiveSmallIntegerField(_("months"), default=0)
    retention_days = models.PositiveSmallIntegerField(_("days"), default=0)

    objects = RecordClassQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("parent"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("action"),
                FieldRowPanel([FieldPanel("trigger"), FieldPanel("custom_event")]),
                FieldRowPanel(
                    [
                        FieldPanel("retention_years"),
                        FieldPanel("retention_months"),
                        FieldPanel("retention_days"),
                    ]
                ),
            ],
            heading=_("Retention schedule"),
        ),
    ]

    class Meta:
        ordering = ["path_name"]
        verbose_name = _("record class")
        verbose_name_plural = _("file plan")

    def __str__(self) -> str:
        return self.path_name or self.name

    def save(self, *args, **kwargs) -> None:
        names = [node.name for node in self.ancestors_and_self()[:-1]] + [self.name]
        self.path_name = PATH_SEPARATOR.join(names)
        super().save(*args, **kwargs)
        # Children's paths name this class: keep them in step with a rename.
        for child in self.children.all():
            child.save()

    def ancestors_and_self(self) -> list[RecordClass]:
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def clean(self) -> None:
        super().clean()
        if self.pk and self.parent_id:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError(
                        {"parent": _("A class cannot sit inside itself.")}
                    )
                node = node.parent
        if self.action and self.action != DisposalAction.PERMANENT:
            if not self.trigger:
                raise ValidationError(
                    {"trigger": _("Say which event starts the retention period.")}
                )
        if self.trigger == TriggerEvent.CUSTOM and not self.custom_event.strip():
            raise ValidationError(
                {"custom_event": _("Name the custom event, e.g. “lease ended”.")}
            )
        if not self.action and (self.trigger or self.has_period):
            raise ValidationError(
                {"action": _("Choose what happens when the period ends.")}
            )
        if not self.action and not self.parent_id:
            raise ValidationError(
                {"action": _("A top-level class needs a schedule of its own.")}
            )

    @property
    def has_period(self) -> bool:
        return bool(
            self.retention_years or self.retention_months or self.retention_days
        )

    @property
    def schedule(self) -> RetentionSchedule | None:
        """This class's schedule, or the nearest ancestor's."""
        for node in reversed(self.ancestors_and_self()):
            if node.action:
                return RetentionSchedule(
                    trigger=node.trigger,
                    custom_event=node.custom_event.strip(),
                    years=node.retention_years,
                    months=node.retention_months,
                    days=node.retention_days,
                    action=node.action,
                    defined_by=node,
                )
        return None
