"""What the board pack compiler is asked to bind, and what it reports back.

These are plain frozen dataclasses so the compiler stays independent of the
Django models: the meetings services build a ``PackSpec`` from an agenda
version (after filtering items by visibility) and hand it over.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"

_MONTHS = (
    "January February March April May June July August September October "
    "November December"
).split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


@dataclass(frozen=True)
class PackAttachment:
    """One stored file of an agenda item.

    ``open`` is called once; the compiler closes what it returns.
    ``rendition_key`` (e.g. the content's SHA-256) names the file's PDF
    conversion in a ``Renditions`` cache, so DOCX and text files are
    converted once, not for every pack that holds them.
    """

    title: str
    open: Callable[[], BinaryIO]
    mime_type: str
    rendition_key: str = ""


class Renditions(Protocol):
    """Where converted PDFs of DOCX and text attachments are kept."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, pdf: bytes) -> None: ...


@dataclass(frozen=True)
class PackItem:
    """An agenda item: outline number ("5.a"), title, summary, attachments."""

    number: str
    title: str
    attachments: tuple[PackAttachment, ...]
    summary: str = ""


@dataclass(frozen=True)
class PackSection:
    """A numbered agenda section ("5", "Reports") holding items in order."""

    number: str
    title: str
    items: tuple[PackItem, ...]


@dataclass(frozen=True)
class PackSpec:
    """Everything that goes into one pack, already filtered for its readers.

    ``starts_at`` is shown as given, so pass it in the council's local time.
    ``paper`` is an fpdf2 page format for the pages the compiler draws (cover,
    contents, item separators, converted documents); merged PDFs keep theirs.
    """

    body_name: str
    meeting_title: str
    starts_at: datetime.datetime
    location: str
    version: int
    edition: str
    sections: tuple[PackSection, ...]
    paper: str = "letter"

    @property
    def long_date(self) -> str:
        """ "Tuesday, April 14, 2026" (English, independent of the OS locale)."""
        day = self.starts_at
        return f"{_WEEKDAYS[day.weekday()]}, {self.short_date}"

    @property
    def short_date(self) -> str:
        """ "April 14, 2026", the date used in the page stamp."""
        day = self.starts_at
        return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"

    @property
    def time_text(self) -> str:
        """ "7:00 p.m." in the style of North American agendas."""
        hour = self.starts_at.hour % 12 or 12
        suffix = "a.m." if self.starts_at.hour < 12 else "p.m."
        return f"{hour}:{self.starts_at.minute:02d} {suffix}"


@dataclass(frozen=True)
class PackResult:
    """Where things ended up in the compiled pack (pages are 1-based).

    ``attachment_pages`` is keyed by (item number, 0-based index into
    ``PackItem.attachments``).
    """

    page_count: int
    item_pages: dict[str, int]
    attachment_pages: dict[tuple[str, int], int]


class PackCompilationError(Exception):
    """An attachment could not be bound into the pack.

    The message is meant for the clerk: it names the item and the attachment
    and says what to do about it.
    """

    def __init__(self, message: str, *, attachment_title: str, item_number: str):
        super().__init__(message)
        self.attachment_title = attachment_title
        self.item_number = item_number
