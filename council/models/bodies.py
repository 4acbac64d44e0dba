"""Bodies (council, committees, boards), their seats and legislative terms."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index


class LegislativeTerm(models.Model):
    """An electoral period of the municipality (oparl:LegislativeTerm)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
    ]

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("legislative term")
        verbose_name_plural = _("legislative terms")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.start_date and self.end_date):
            return
        if self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("A term must end after it starts.")})
        overlapping = (
            LegislativeTerm.objects.filter(
                start_date__lte=self.end_date, end_date__gte=self.start_date
            )
            .exclude(pk=self.pk)
            .first()
        )
        if overlapping:
            raise ValidationError(
                _("This term overlaps the legislative term “%(other)s”.")
                % {"other": overlapping}
            )


class QuorumRule(models.TextChoices):
    MAJORITY_OF_SEATS = "majority_of_seats", _("Majority of all seats")
    MAJORITY_OF_MEMBERS = "majority_of_members", _("Majority of members in office")
    TWO_THIRDS_OF_SEATS = "two_thirds_of_seats", _("Two-thirds of all seats")
    FIXED = "fixed", _("Fixed number of members")


class BodyClassification(models.TextChoices):
    COUNCIL = "council", _("Council")
    COMMITTEE = "committee", _("Committee")
    BOARD = "board", _("Board")
    COMMISSION = "commission", _("Commission")


class BodyQuerySet(models.QuerySet):
    def active(self) -> BodyQuerySet:
        return self.filter(dissolved_on__isnull=True)

    def with_seat_count(self) -> BodyQuerySet:
        return self.annotate(number_of_seats=Count("seats", distinct=True))


class Body(index.Indexed, ClusterableModel):
    """A deliberative body (oparl:Organization; OCD organization)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=BodyClassification.choices
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The body this committee or board reports to."),
    )
    description = RichTextField(_("description"), blank=True)
    quorum_rule = models.CharField(
        _("quorum rule"),
        max_length=30,
        choices=QuorumRule.choices,
        default=QuorumRule.MAJORITY_OF_SEATS,
    )
    quorum_fixed_number = models.PositiveSmallIntegerField(
        _("fixed quorum"),
        null=True,
        blank=True,
        help_text=_("Members needed for quorum when the rule is a fixed number."),
    )
    notice_period_hours = models.PositiveSmallIntegerField(
        _("notice period (hours)"),
        default=72,
        help_text=_("How long before a meeting its agenda must be published."),
    )
    chair_breaks_ties = models.BooleanField(
        _("chair has a casting vote"),
        default=False,
        help_text=_("When a vote is tied, the chair may cast a second, deciding vote."),
    )
    publishes_draft_minutes = models.BooleanField(
        _("publishes draft minutes"),
        default=False,
        help_text=_("Show minutes publicly, marked draft, before they are approved."),
    )
    annotation_retention_days = models.PositiveIntegerField(
        _("keep members' private annotations (days after the meeting)"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: kept until the member deletes them or leaves the body. "
            "A legal hold on the meeting keeps them in any case."
        ),
    )
    email = models.EmailField(_("contact email"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = BodyQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldRowPanel([FieldPanel("short_name"), FieldPanel("slug")]),
                FieldRowPanel([FieldPanel("classification"), FieldPanel("parent")]),
                FieldPanel("description"),
                FieldPanel("email"),
                FieldRowPanel(
                    [FieldPanel("established_on"), FieldPanel("dissolved_on")]
                ),
            ],
            heading=_("Body"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("quorum_rule"),
                FieldPanel("quorum_fixed_number"),
                FieldPanel("notice_period_hours"),
                FieldPanel("chair_breaks_ties"),
                FieldPanel("publishes_draft_minutes"),
                FieldPanel("annotation_retention_days"),
            ],
            heading=_("Rules of procedure"),
        ),
        InlinePanel("seats", heading=_("Seats"), label=_("Seat"), min_num=1),
    ]

    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("classification"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.quorum_rule == QuorumRule.FIXED and not self.quorum_fixed_number:
            raise ValidationError(
                {
                    "quorum_fixed_number": _(
                        "Give the number of members for a fixed quorum."
                    )
                }
            )
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A body cannot report to itself.")})
            ancestor = ancestor.parent

    def quorum_for(self, *, seats: int, members_in_office: int) -> int:
        """Members who must be present for this body to hold a valid meeting."""
        if self.quorum_rule == QuorumRule.FIXED:
            return self.quorum_fixed_number or 0
        if self.quorum_rule == QuorumRule.TWO_THIRDS_OF_SEATS:
            return math.ceil(seats * 2 / 3)
        if self.quorum_rule == QuorumRule.MAJORITY_OF_MEMBERS:
            return members_in_office // 2 + 1
        return seats // 2 + 1


class Seat(Orderable):
    """A seat on a body (OCD post): held by one member at a time."""

    body = ParentalKey(Body, on_delete=models.CASCADE, related_name="seats")
    label = models.CharField(
        _("label"), max_length=100, help_text=_("For example “Ward 3” or “At-large 2”.")
    )

    panels = [FieldPanel("label")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["body", "label"], name="unique_seat_label")
        ]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")

    def __str__(self) -> str:
        return f"{self.body} · {self.label}"
