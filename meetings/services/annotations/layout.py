"""Where each item and attachment sits in a compiled board pack."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.cache import cache

from meetings import selectors
from meetings.models import BoardPack
from records.models import Record
from records.selectors import record_pages

PDF = "application/pdf"
# The compiler converts Word and text files in its default paper format.
RENDITION_VARIANT = "letter"


@dataclass(frozen=True)
class PlacedAttachment:
    """An attachment as bound into a pack (pages are 1-based pack pages)."""

    record_id: int
    item_id: int | None  # the working AgendaItem: the same in every version
    item_number: str
    title: str
    first_page: int
    page_count: int

    @property
    def last_page(self) -> int:
        return self.first_page + self.page_count - 1


@dataclass(frozen=True)
class PlacedItem:
    """An item's separator pages in a pack."""

    item_id: int | None
    number: str
    first_page: int
    separator_pages: int


@dataclass(frozen=True)
class PackLayout:
    page_count: int
    items: tuple[PlacedItem, ...]
    attachments: tuple[PlacedAttachment, ...]

    @property
    def front_matter_pages(self) -> int:
        """Cover and contents: the pages before the first item."""
        return self.items[0].first_page - 1 if self.items else self.page_count

    def attachment_at(self, page: int) -> PlacedAttachment | None:
        return next(
            (a for a in self.attachments if a.first_page <= page <= a.last_page), None
        )

    def item_at(self, page: int) -> PlacedItem | None:
        """The item whose separator or attachments hold the page."""
        before = [item for item in self.items if item.first_page <= page]
        return before[-1] if before else None

    def item(self, item_id: int | None) -> PlacedItem | None:
        return next((i for i in self.items if i.item_id == item_id), None)

    def find(
        self, record_id: int, item_id: int | None = None
    ) -> PlacedAttachment | None:
        """The record's place; under the same item when it is bound twice."""
        matches = [a for a in self.attachments if a.record_id == record_id]
        same_item = [a for a in matches if a.item_id == item_id]
        return (same_item or matches or [None])[0]


def pack_layout(pack: BoardPack) -> PackLayout:
    """Where each item and attachment of a compiled pack starts.

    The compiler stores each item's first page (its separator); the item's
    attachments fill the pages up to the next item, so they are placed
    backwards from there by their page counts. An item whose files cannot
    be counted is left without attachments (its pages read as separator).
    """
    items = selectors.pack_items(pack.version, pack.edition).prefetch_related(
        "attachments__record"
    )
    starts = [(item, pack.item_pages.get(item.number)) for item in items]
    starts = [(item, start) for item, start in starts if start]
    ends = [start for _item, start in starts[1:]] + [(pack.page_count or 0) + 1]
    placed_items: list[PlacedItem] = []
    placed: list[PlacedAttachment] = []
    for (item, start), end in zip(starts, ends, strict=True):
        attachments = list(item.attachments.all())
        counts = [pages_in_pack(attachment.record) for attachment in attachments]
        if None in counts or end - sum(counts) <= start:
            attachments, counts = [], []
        page = end - sum(counts)
        placed_items.append(
            PlacedItem(item.source_id, item.number, start, page - start)
        )
        for attachment, count in zip(attachments, counts, strict=True):
            placed.append(
                PlacedAttachment(
                    record_id=attachment.record_id,
                    item_id=item.source_id,
                    item_number=item.number,
                    title=attachment.title,
                    first_page=page,
                    page_count=count,
                )
            )
            page += count
    return PackLayout(pack.page_count or 0, tuple(placed_items), tuple(placed))


def _is_pdf(record: Record) -> bool:
    return record.mime_type.split(";")[0].strip() == PDF


def pages_in_pack(record: Record) -> int | None:
    """Pages a record takes in a pack: a PDF its own, a Word or text file its
    PDF rendition's (counted once, then cached)."""
    if _is_pdf(record):
        return record.page_count
    key = f"meetings:rendition-pages:{record.sha256}"
    count = cache.get(key)
    if count is None:
        from pypdf import PdfReader

        from records.renditions import StoredRenditions

        rendition = StoredRenditions().get(f"{record.sha256}-{RENDITION_VARIANT}")
        if rendition is None:
            return None
        count = len(PdfReader(io.BytesIO(rendition)).pages)
        cache.set(key, count, None)
    return count


def page_texts(record: Record, page_count: int) -> list[str]:
    """An attachment's text for each of its pages in the pack; "" where it is
    unknown (a scan, or a Word file, whose pages are its rendition's)."""
    texts = record_pages(record) if _is_pdf(record) else []
    return (texts + [""] * page_count)[:page_count]
