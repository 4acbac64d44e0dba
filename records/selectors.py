"""Reads of the records domain."""

from __future__ import annotations

from records.models import Record


def record_pages(record: Record) -> list[str]:
    """The record's text page by page (one entry for formats without pages).

    Pages are kept apart by form feeds in `Record.text`; a PDF page without a
    text layer is an empty string, so index + 1 is always the page number.
    """
    return record.text.split("\f") if record.text else []
