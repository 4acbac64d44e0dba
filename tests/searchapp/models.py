"""Indexed models that exist only in tests, for the whoosh search backend.

`Document` has the shapes Quorum's searchable models have: a boosted title,
body text, dates, a visibility level with the council body's id, and topics
through a many-to-many relation; `Minutes` extends it by multi-table
inheritance, as Wagtail page types extend `Page`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from modelsearch import index
from modelsearch.queryset import SearchableQuerySetMixin

from council.visibility import VisibilityQuerySet, visibility_field


class Topic(models.Model):
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, default="subject")

    def __str__(self) -> str:
        return self.name


class DocumentQuerySet(SearchableQuerySetMixin, VisibilityQuerySet):
    pass


class Document(index.Indexed, models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    published_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    visibility = visibility_field()
    # The council body's id, kept a plain integer so this app stands alone.
    body_id = models.IntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=1)
    topics = models.ManyToManyField(Topic, blank=True, related_name="documents")

    visibility_body_path = "body_id"
    objects = DocumentQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("body"),
        index.FilterField("title"),
        index.FilterField("published_on"),
        index.FilterField("updated_at"),
        index.FilterField("visibility"),
        index.FilterField("body_id"),
        index.FilterField("pages"),
        index.FilterField("topics"),
        index.RelatedFields(
            "topics",
            [
                index.SearchField("name"),
                index.FilterField("name"),
                index.FilterField("kind"),
            ],
        ),
    ]

    def __str__(self) -> str:
        return self.title


class Minutes(Document):
    meeting_on = models.DateField()
    decisions = models.TextField(blank=True)

    search_fields = Document.search_fields + [
        index.SearchField("decisions"),
        index.FilterField("meeting_on"),
    ]
