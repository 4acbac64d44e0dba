"""Bookmarks (the PDF outline) and the clickable rows of the contents pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    create_string_object,
)

from meetings.packs.writer import PackWriter


@dataclass
class Bookmark:
    """One outline entry pointing at a 1-based pack page."""

    title: str
    page: int
    children: list[Bookmark] = field(default_factory=list)
    open: bool = True


def _destination(page_refs: Sequence[IndirectObject], page: int) -> ArrayObject:
    return ArrayObject([page_refs[page - 1], NameObject("/Fit")])


def link_annotation(
    rect: tuple[float, float, float, float],
    page_refs: Sequence[IndirectObject],
    page: int,
) -> DictionaryObject:
    """An invisible link over ``rect`` that jumps to ``page``."""
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(FloatObject(round(v, 2)) for v in rect),
            NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
            NameObject("/Dest"): _destination(page_refs, page),
        }
    )


def _visible(entries: Sequence[Bookmark]) -> int:
    """Entries shown when their parent is open (the outline /Count rule)."""
    return sum(1 + (_visible(e.children) if e.open else 0) for e in entries)


def write_outline(
    writer: PackWriter,
    bookmarks: Sequence[Bookmark],
    page_refs: Sequence[IndirectObject],
) -> IndirectObject:
    """Write the outline tree and return its root for the catalog's /Outlines."""
    root_ref = writer.reserve()
    root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    _link_children(root, root_ref, bookmarks, writer, page_refs)
    if bookmarks:
        root[NameObject("/Count")] = NumberObject(_visible(bookmarks))
    writer.write(root_ref, root)
    return root_ref


def _link_children(
    parent: DictionaryObject,
    parent_ref: IndirectObject,
    bookmarks: Sequence[Bookmark],
    writer: PackWriter,
    page_refs: Sequence[IndirectObject],
) -> None:
    refs = [writer.reserve() for _ in bookmarks]
    if refs:
        parent[NameObject("/First")] = refs[0]
        parent[NameObject("/Last")] = refs[-1]
    for index, (bookmark, ref) in enumerate(zip(bookmarks, refs, strict=True)):
        entry = DictionaryObject(
            {
                NameObject("/Title"): create_string_object(bookmark.title),
                NameObject("/Parent"): parent_ref,
                NameObject("/Dest"): _destination(page_refs, bookmark.page),
            }
        )
        if index:
            entry[NameObject("/Prev")] = refs[index - 1]
        if index + 1 < len(refs):
            entry[NameObject("/Next")] = refs[index + 1]
        if bookmark.children:
            count = _visible(bookmark.children)
            # A negative count means "closed": the reader shows it collapsed.
            entry[NameObject("/Count")] = NumberObject(
                count if bookmark.open else -count
            )
            _link_children(entry, ref, bookmark.children, writer, page_refs)
        writer.write(ref, entry)
