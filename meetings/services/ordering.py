from __future__ import annotations

from django.db.models import Max, QuerySet


def next_position(rows: QuerySet) -> int:
    """The sort_order that puts a new row after all of `rows`."""
    last = rows.aggregate(last=Max("sort_order"))["last"]
    return 0 if last is None else last + 1
