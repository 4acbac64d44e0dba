"""Legal holds: while one covers a record, nothing may change or dispose of it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class HoldScope(models.TextChoices):
    RECORDS = "records", _("Chosen records")
    RECORD_CLASS = "record_class", _("A record class (and its sub-classes)")
    LINKED_OBJECT = "linked_object", _("Everything filed under a meeting")
    SEARCH = "search", _("The results of a saved search")


class HoldQuerySet(models.QuerySet):
    def in_force(self) -> HoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class Hold(models.Model):
    """A legal or audit hold over a set of records, placed until lifted.

    The set is described, not listed, for a class, a meeting or a search, so
    records added later fall under the hold too; `records.holds` works out
    which records a hold covers whenever it matters.
    """

    reason = models.TextField(_("reason"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who answers for the hold and decides when it is lifted."),
    )
    scope = models.CharField(
        _("covers"), max_length=16, choices=HoldScope.choices, default=HoldScope.RECORDS
    )
    records = models.ManyToManyField(
        "records.Record",
        verbose_name=_("records"),
        blank=True,
        related_name="holds",
    )
    record_class = models.ForeignKey(
        "records.RecordClass",
        verbose_name=_("record class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holds",
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("filed under"), max_length=255, blank=True)
    search_query = models.CharField(_("search"), max_length=255, blank=True)
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("hold")
        verbose_name_plural = _("holds")

    def __str__(self) -> str:
        return _("Hold #%(number)s: %(reason)s") % {
            "number": self.pk,
            "reason": self.reason[:60],
        }

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None

    @property
    def scope_label(self) -> str:
        if self.scope == HoldScope.RECORD_CLASS:
            return str(self.record_class)
        if self.scope == HoldScope.LINKED_OBJECT:
            return self.target_label
        if self.scope == HoldScope.SEARCH:
            return f"“{self.search_query}”"
        count = self.records.count()
        return ngettext(
            "%(count)d chosen record", "%(count)d chosen records", count
        ) % {"count": count}
