"""The working agenda of a meeting: sections, items and their attachments.

This is what the clerk edits. Publishing freezes it into an AgendaVersion
(see versions.py); public pages and packs read only frozen versions.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField

from council.visibility import Visibility, VisibilityQuerySet, visibility_field
from meetings.models.schedules import SectionKind


class AgendaSection(models.Model):
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=SectionKind.choices,
        default=SectionKind.STANDARD,
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["meeting", "sort_order", "pk"]
        verbose_name = _("agenda section")
        verbose_name_plural = _("agenda sections")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed_session(self) -> bool:
        return self.kind == SectionKind.CLOSED


class AgendaItem(models.Model):
    section = models.ForeignKey(
        AgendaSection,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = RichTextField(_("description"), blank=True)
    recommendation = RichTextField(_("recommendation"), blank=True)
    department = models.CharField(_("department"), max_length=120, blank=True)
    sponsor = models.ForeignKey(
        "council.Person",
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_items",
    )
    visibility = visibility_field()
    is_consent = models.BooleanField(
        _("consent agenda"),
        default=False,
        help_text=_("Passed together with the other consent items in one vote."),
    )
    approves_minutes = models.ForeignKey(
        "meetings.Minutes",
        verbose_name=_("minutes this item approves"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_items",
        help_text=_("When a motion on this item carries, these minutes are approved."),
    )
    submission = models.OneToOneField(
        "meetings.ItemSubmission",
        verbose_name=_("from submission"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_item",
    )

    visibility_body_path = "section__meeting__bodies"
    objects = VisibilityQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("department"), FieldPanel("sponsor")]),
        FieldPanel("approves_minutes"),
        FieldPanel("description"),
        FieldPanel("recommendation"),
        MultiFieldPanel(
            [FieldPanel("visibility"), FieldPanel("is_consent")], heading=_("Handling")
        ),
    ]

    class Meta:
        ordering = ["section__sort_order", "sort_order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # Open sections hold only public items and closed sections none, so a
        # public agenda never shows a gap in numbering that betrays a hidden item.
        if not self.section_id:
            return
        closed = self.section.is_closed_session
        if not closed and self.visibility != Visibility.PUBLIC:
            raise ValidationError(
                {
                    "visibility": _(
                        "Only public items go in an open-session section: move "
                        "this item to the closed session to make it %(level)s."
                    )
                    % {"level": self.get_visibility_display().lower()}
                }
            )
        if closed and self.visibility == Visibility.PUBLIC:
            raise ValidationError(
                {"visibility": _("Items in closed session cannot be public.")}
            )


class AttachedFile(models.Model):
    """A stored record attached, in order and under a title, to something."""

    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class AgendaAttachment(AttachedFile):
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )

    class Meta:
        ordering = ["item", "sort_order", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
