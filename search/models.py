"""What search finds: one document per searchable thing, in every app.

Meetings, agenda items, minutes, votes, people, bodies, pages and records
each get a `SearchDocument` (built by `search.documents`), so one query
ranks, counts, facets and pages across all of them in the engine. The
access facts (visibility and body) are indexed filter fields: every query
is filtered by them inside the engine, before ranking and paging.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelsearch import index
from modelsearch.queryset import SearchableQuerySetMixin

from council.visibility import visibility_field


class DocumentKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    ITEM = "item", _("Agenda item")
    MINUTES = "minutes", _("Minutes")
    VOTE = "vote", _("Vote")
    RECORD = "record", _("Document")
    PERSON = "person", _("Person")
    BODY = "body", _("Council or committee")
    PAGE = "page", _("Page")


class SearchDocumentQuerySet(SearchableQuerySetMixin, models.QuerySet):
    pass


class SearchDocument(index.Indexed, models.Model):
    kind = models.CharField(_("type"), max_length=10, choices=DocumentKind.choices)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    source_id = models.CharField(max_length=64)
    # One source can give several documents (minutes: the public text and the
    # members' full text), told apart by `variant`.
    variant = models.CharField(max_length=20, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    title = models.CharField(_("title"), max_length=500)
    context = models.CharField(
        _("where it belongs"), max_length=300, blank=True
    )  # "City Council · 12 March 2026"
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    body = models.ForeignKey(
        "council.Body",
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    visibility = visibility_field()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SearchDocumentQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=4),
        index.SearchField("context"),
        index.SearchField("text"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
        index.FilterField("source_id"),
        index.FilterField("variant"),
        index.FilterField("body"),
        index.FilterField("date"),
        index.FilterField("year"),
        index.FilterField("visibility"),
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "variant"],
                name="one_document_per_source_variant",
            )
        ]
        indexes = [models.Index(fields=["kind", "date"])]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
