"""People and their memberships (terms in a seat or role of a body)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index


class PersonQuerySet(models.QuerySet):
    def members_of(self, body, on: datetime.date) -> PersonQuerySet:
        """People holding a membership of `body` on date `on`."""
        memberships = Membership.objects.active_on(on).filter(body=body)
        return self.filter(pk__in=memberships.values("person_id"))

    def in_office(self, on: datetime.date) -> PersonQuerySet:
        """People holding a membership of any body on date `on`."""
        return self.filter(pk__in=Membership.objects.active_on(on).values("person_id"))

    def with_public_record(self) -> PersonQuerySet:
        """People who have ever held a membership: the council's public record."""
        return self.filter(pk__in=Membership.objects.values("person_id"))


class Person(index.Indexed, models.Model):
    """A person (oparl:Person; Popolo person): member, officer or staff."""

    honorific_prefix = models.CharField(_("honorific"), max_length=30, blank=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    email = models.EmailField(_("public email"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    biography = RichTextField(_("biography"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text=_("The sign-in account of a member, linking them to their seats."),
    )

    objects = PersonQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("honorific_prefix"),
                        FieldPanel("given_name"),
                        FieldPanel("family_name"),
                    ]
                ),
                FieldPanel("slug"),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
                FieldPanel("biography"),
            ],
            heading=_("Person"),
        ),
        FieldPanel("user"),
    ]

    search_fields = [
        index.SearchField("given_name", boost=2),
        index.SearchField("family_name", boost=3),
        index.AutocompleteField("given_name"),
        index.AutocompleteField("family_name"),
        index.SearchField("biography"),
    ]

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def sortable_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    EX_OFFICIO = "ex_officio", _("Ex officio (non-voting)")


VOTING_ROLES = (MembershipRole.MEMBER, MembershipRole.CHAIR, MembershipRole.VICE_CHAIR)
PRESIDING_ROLES = (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR)


class MembershipQuerySet(models.QuerySet):
    def active_on(self, on: datetime.date) -> MembershipQuerySet:
        return self.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
        )

    def overlapping(
        self, start: datetime.date, end: datetime.date | None
    ) -> MembershipQuerySet:
        """Memberships whose dates share at least one day with start–end."""
        overlap = Q(end_date__isnull=True) | Q(end_date__gte=start)
        if end is not None:
            overlap &= Q(start_date__lte=end)
        return self.filter(overlap)

    def voting(self) -> MembershipQuerySet:
        return self.filter(role__in=VOTING_ROLES)


class Membership(models.Model):
    """A person's term in a seat or role of a body (oparl:Membership)."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    body = models.ForeignKey(
        "council.Body",
        verbose_name=_("body"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    seat = models.ForeignKey(
        "council.Seat",
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("Required for voting roles; ex officio members hold no seat."),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=MembershipRole.choices,
        default=MembershipRole.MEMBER,
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Leave empty while in office."),
    )
    legislative_term = models.ForeignKey(
        "council.LegislativeTerm",
        verbose_name=_("legislative term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("For example “Appointed to fill a vacancy”."),
    )

    objects = MembershipQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("person"), FieldPanel("body")]),
        FieldRowPanel([FieldPanel("seat"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("legislative_term"),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["body", "-start_date", "person"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.body}"

    @property
    def is_voting(self) -> bool:
        return self.role in VOTING_ROLES

    def is_active_on(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def clean(self) -> None:
        from council.selectors import membership_conflicts

        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("A term cannot end before it starts.")
        if self.seat_id and self.body_id and self.seat.body_id != self.body_id:
            errors["seat"] = _("Seat “%(seat)s” belongs to another body.") % {
                "seat": self.seat.label
            }
        if self.role in VOTING_ROLES and self.body_id and not self.seat_id:
            errors["seat"] = _("Choose the seat this member holds.")
        if self.role == MembershipRole.EX_OFFICIO and self.seat_id:
            errors["seat"] = _("Ex officio members hold no seat: leave the seat empty.")
        if errors:
            raise ValidationError(errors)
        if self.person_id and self.body_id and self.start_date:
            conflicts = membership_conflicts(self)
            if conflicts:
                raise ValidationError(conflicts)
