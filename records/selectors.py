"""Reads of the records domain."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from records.models import (
    Hold,
    HoldScope,
    Record,
    RecordLink,
    RecordQuerySet,
    TriggerEvent,
)
from records.models.file_plan import PATH_SEPARATOR


def record_pages(record: Record) -> list[str]:
    """The record's text page by page (one entry for formats without pages).

    Pages are kept apart by form feeds in `Record.text`; a PDF page without a
    text layer is an empty string, so index + 1 is always the page number.
    """
    return record.text.split("\f") if record.text else []


def due_date(record: Record) -> datetime.date | None:
    """When the record's retention period ends under its class's schedule.

    None when it has no class, is kept permanently, or the event that starts
    its period has not been recorded yet.
    """
    schedule = record.record_class.schedule if record.record_class else None
    if schedule is None or schedule.is_permanent:
        return None
    if schedule.trigger == TriggerEvent.CREATED:
        created = record.created_at or timezone.now()
        return schedule.due_on(timezone.localdate(created))
    for trigger in record.triggers.all() if record.pk else ():
        if (trigger.event, trigger.custom_event) == schedule.event_key:
            return schedule.due_on(trigger.occurred_on)
    return None


def records_covered_by(hold: Hold) -> RecordQuerySet:
    """The records a hold covers now (records filed later included)."""
    return Record.objects.filter(_coverage(hold))


def holds_by_record(record_ids: Iterable[int]) -> dict[int, list[Hold]]:
    """The holds in force over each of the given records (held ones only)."""
    candidates = Record.objects.filter(pk__in=list(record_ids))
    covered: dict[int, list[Hold]] = {}
    for hold in Hold.objects.in_force().select_related("record_class"):
        for record_id in candidates.filter(_coverage(hold)).values_list(
            "pk", flat=True
        ):
            covered.setdefault(record_id, []).append(hold)
    return covered


def holds_covering(record: Record) -> list[Hold]:
    return holds_by_record([record.pk]).get(record.pk, [])


def hold_numbers(holds: Iterable[Hold]) -> str:
    """ "hold #3, hold #7", for messages that name what blocks a change."""
    return ", ".join(f"hold #{hold.pk}" for hold in holds)


def held_records() -> RecordQuerySet:
    """Every record under at least one hold in force."""
    condition = Q(pk__in=[])
    for hold in Hold.objects.in_force().select_related("record_class"):
        condition |= _coverage(hold)
    return Record.objects.filter(condition)


def _coverage(hold: Hold) -> Q:
    """A filter on Record selecting what the hold covers."""
    if hold.scope == HoldScope.RECORD_CLASS:
        prefix = hold.record_class.path_name
        return Q(record_class=hold.record_class) | Q(
            record_class__path_name__startswith=f"{prefix}{PATH_SEPARATOR}"
        )
    if hold.scope == HoldScope.LINKED_OBJECT:
        links = RecordLink.objects.filter(
            Q(content_type_id=hold.target_type_id, object_id=hold.target_id)
            | Q(context_type_id=hold.target_type_id, context_id=hold.target_id)
        )
        return Q(pk__in=links.values("record_id"))
    if hold.scope == HoldScope.SEARCH:
        return Q(pk__in=search_matches(hold.search_query))
    return Q(pk__in=hold.records.values("pk"))


# The search app registers the engine-backed finder here; without it, a
# (slow) database scan answers.
RECORD_SEARCH: list[Callable[[str], list[int]]] = []


def search_matches(query: str) -> list[int]:
    """Ids of the records whose title or text have every word of a search."""
    if not query.strip():
        return []
    if RECORD_SEARCH:
        return RECORD_SEARCH[-1](query)
    condition = Q()
    for word in query.split():
        word = word.strip('"')
        condition &= Q(title__icontains=word) | Q(text__icontains=word)
    return list(Record.objects.filter(condition).values_list("pk", flat=True))


def records_filed_under(obj: models.Model) -> RecordQuerySet:
    """Records linked to something under `obj` (everything of a meeting)."""
    links = RecordLink.objects.filter(
        context_type=ContentType.objects.get_for_model(obj), context_id=str(obj.pk)
    )
    return Record.objects.filter(pk__in=links.values("record_id"))
