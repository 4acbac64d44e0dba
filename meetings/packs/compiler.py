"""Compile a board pack: one PDF with cover, agenda contents, separators and
every attachment, bookmarked, linked and page-stamped.

The compiler only sees what the ``PackSpec`` holds; filtering confidential
items out of the public pack is the caller's job, and nothing else (file
names, the merged files' own metadata or bookmarks) is carried over.
"""

from __future__ import annotations

import datetime
import gc
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    create_string_object,
)

from meetings.packs.front_matter import FrontMatter, Link, PageKey
from meetings.packs.navigation import Bookmark, link_annotation, write_outline
from meetings.packs.sources import Source, SourceLoader
from meetings.packs.spec import (
    PackAttachment,
    PackCompilationError,
    PackItem,
    PackResult,
    PackSection,
    PackSpec,
    Renditions,
)
from meetings.packs.stamps import prepare_stamp, stamp_content, stamp_font, stamp_text
from meetings.packs.writer import PackWriter

__all__ = [
    "PackAttachment",
    "PackCompilationError",
    "PackItem",
    "PackResult",
    "PackSection",
    "PackSpec",
    "compile_pack",
]

Progress = Callable[[int, int], None]
_COLLECT_EVERY = 32 * 1024 * 1024  # bytes of merged attachments between collections
# Pages under each node of the page tree (see _write_page_tree). pdf.js
# fetches the root's nodes together (they are written side by side) but a
# node's page objects one after the other, spread over the file (it reads
# the pack's last page on opening): two per node keeps that to two reads.
_PAGES_PER_NODE = 2


@dataclass
class _Plan:
    """Where every page of the pack goes (pack pages are 1-based)."""

    pages: dict[PageKey, int]
    page_count: int
    front_pages: list[int]  # pack page of each page drawn by FrontMatter
    source_pages: list[tuple[Source, int]]  # each attachment and its first page


def compile_pack(
    spec: PackSpec,
    output: BinaryIO,
    *,
    progress: Progress | None = None,
    renditions: Renditions | None = None,
) -> PackResult:
    """Write the board pack described by ``spec`` to ``output``.

    Attachments are opened (and DOCX/text converted) and checked first; a
    file that cannot be used raises ``PackCompilationError`` naming the item
    and attachment. Most such errors come before any byte is written, but a
    file damaged deep inside can still fail half-way, so write to a temporary
    file and keep it only when this returns.

    ``progress(done, total)`` is called after each attachment is fetched
    (and converted), after the cover and contents are drawn, after each
    attachment is merged and once the file is complete (``done == total``).

    Attachment files stay open until the pack is written; pypdf reads them
    lazily, so memory holds little more than the attachment being merged.
    """
    _check_numbering(spec)
    items = [item for section in spec.sections for item in section.items]
    total = 2 * sum(len(item.attachments) for item in items) + 2
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    with ExitStack() as stack:
        loader = SourceLoader(stack, paper=spec.paper, renditions=renditions)
        sources: list[list[Source]] = []
        for item in items:
            sources.append([])
            for index, attachment in enumerate(item.attachments):
                sources[-1].append(loader.load(attachment, item.number, index))
                advance()
        # Conversions are done; from here on it is parsing and writing only.
        stack.enter_context(_collector_paused())
        for item_sources in sources:
            for source in item_sources:
                source.open()
        front = FrontMatter(spec)
        plan = _plan(spec, front, sources)
        front_pdf, links = front.render(plan.pages, plan.page_count)
        advance()
        _assemble(spec, plan, PdfReader(io.BytesIO(front_pdf)), links, output, advance)
    return PackResult(
        page_count=plan.page_count,
        item_pages={
            key[1]: page for key, page in plan.pages.items() if key[0] == "item"
        },
        attachment_pages={
            (key[1], int(key[2])): page
            for key, page in plan.pages.items()
            if key[0] == "attachment"
        },
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while PDFs are merged.

    Parsing and writing allocate some 100,000 small pypdf objects that stay
    alive until they are written; the collector would scan them again and
    again (about a quarter of the run time) without finding anything to free.
    The collector is process-wide, so this runs in the task worker, for the
    fraction of a second the merge takes (conversions happen before).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_numbering(spec: PackSpec) -> None:
    # Numbers key the page maps and the result; a duplicate is a caller bug.
    sections = [section.number for section in spec.sections]
    items = [item.number for section in spec.sections for item in section.items]
    for kind, numbers in (("section", sections), ("item", items)):
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"duplicate {kind} numbers in pack spec: {numbers}")


def _plan(spec: PackSpec, front: FrontMatter, sources: list[list[Source]]) -> _Plan:
    pages: dict[PageKey, int] = {}
    front_pages = list(range(1, 2 + front.toc_page_count))  # cover and contents
    source_pages: list[tuple[Source, int]] = []
    next_page = front_pages[-1] + 1
    separators = iter(front.separator_page_counts)
    item_sources = iter(sources)
    for section in spec.sections:
        for item in section.items:
            pages.setdefault(("section", section.number), next_page)
            pages[("item", item.number)] = next_page
            separator_pages = next(separators)
            front_pages += range(next_page, next_page + separator_pages)
            next_page += separator_pages
            for source in next(item_sources):
                pages[("attachment", item.number, source.index)] = next_page
                source_pages.append((source, next_page))
                next_page += source.page_count
    return _Plan(pages, next_page - 1, front_pages, source_pages)


class _Stamper:
    """Adds the footer stamp to pages as they are merged."""

    def __init__(self, spec: PackSpec, page_count: int, writer: PackWriter):
        self._spec = spec
        self._page_count = page_count
        self._writer = writer
        self._font = writer.add(stamp_font())
        opening = DecodedStreamObject()
        opening.set_data(b"q\n")
        self._opening = writer.add(opening)  # one stream shared by every page

    def stamp(self, page: DictionaryObject, number: int) -> None:
        font_name, streams = prepare_stamp(page, self._font)
        text = stamp_text(
            self._spec.body_name, self._spec.short_date, number, self._page_count
        )
        stamp = DecodedStreamObject()
        stamp.set_data(stamp_content(page, text, font_name))
        streams.insert(0, self._opening)
        streams.append(self._writer.add(stamp))
        page[NameObject("/Contents")] = streams


def _assemble(
    spec: PackSpec,
    plan: _Plan,
    front: PdfReader,
    links: list[Link],
    output: BinaryIO,
    advance: Callable[[], None],
) -> None:
    writer = PackWriter(output)
    page_refs = [writer.reserve() for _ in range(plan.page_count)]
    tree = writer.reserve()
    # A two-level page tree: readers that fetch by byte range (pdf.js in the
    # members' reader) find a page through small nodes written together
    # instead of reading every page object of a flat /Kids list spread over
    # the whole file.
    branches = [writer.reserve() for _ in range(0, plan.page_count, _PAGES_PER_NODE)]
    parents = [branches[n // _PAGES_PER_NODE] for n in range(plan.page_count)]
    stamper = _Stamper(spec, plan.page_count, writer)

    links_by_page: dict[int, list[Link]] = {}
    for link in links:
        links_by_page.setdefault(link.page_index, []).append(link)

    def prepare_front(page: DictionaryObject, index: int) -> None:
        number = plan.front_pages[index]
        if number > 1:  # the cover stays clean
            stamper.stamp(page, number)
        annotations = [
            writer.add(link_annotation(link.rect, page_refs, plan.pages[link.target]))
            for link in links_by_page.get(index, [])
        ]
        if annotations:
            page[NameObject("/Annots")] = ArrayObject(annotations)

    writer.import_pages(
        front,
        [page_refs[n - 1] for n in plan.front_pages],
        [parents[n - 1] for n in plan.front_pages],
        prepare_front,
    )
    released = 0
    for source, first in plan.source_pages:
        assert source.reader is not None
        pages = slice(first - 1, first - 1 + source.page_count)
        try:
            writer.import_pages(
                source.reader,
                page_refs[pages],
                parents[pages],
                lambda page, index, first=first: stamper.stamp(page, first + index),
            )
        except Exception as exc:  # pypdf reports damage with many exception types
            raise source.damaged() from exc
        source.release()
        released += source.size
        if released > _COLLECT_EVERY:
            # A reader and its objects form reference cycles, so with the
            # collector paused they would pile up until the end of a big pack.
            gc.collect()
            released = 0
        advance()

    _write_page_tree(writer, tree, branches, page_refs)
    outline = write_outline(writer, _bookmarks(spec, plan), page_refs)
    root = writer.add(_catalog(tree, outline))
    info = writer.add(_info(spec))
    writer.close(root=root, info=info)
    advance()


def _write_page_tree(
    writer: PackWriter,
    tree: IndirectObject,
    branches: list[IndirectObject],
    page_refs: list[IndirectObject],
) -> None:
    """The root /Pages node over one node per _PAGES_PER_NODE pages, written
    together at the end of the file."""
    for index, branch in enumerate(branches):
        kids = page_refs[index * _PAGES_PER_NODE : (index + 1) * _PAGES_PER_NODE]
        writer.write(
            branch,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Pages"),
                    NameObject("/Parent"): tree,
                    NameObject("/Kids"): ArrayObject(kids),
                    NameObject("/Count"): NumberObject(len(kids)),
                }
            ),
        )
    writer.write(
        tree,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(branches),
                NameObject("/Count"): NumberObject(len(page_refs)),
            }
        ),
    )


def _bookmarks(spec: PackSpec, plan: _Plan) -> list[Bookmark]:
    bookmarks = [Bookmark("Agenda", 2)]
    for section in spec.sections:
        if not section.items:
            continue  # nothing in the pack to point at
        section_mark = Bookmark(
            f"{section.number} {section.title}", plan.pages[("section", section.number)]
        )
        for item in section.items:
            item_mark = Bookmark(
                f"{item.number} {item.title}",
                plan.pages[("item", item.number)],
                open=False,
            )
            item_mark.children = [
                Bookmark(
                    attachment.title, plan.pages[("attachment", item.number, index)]
                )
                for index, attachment in enumerate(item.attachments)
            ]
            section_mark.children.append(item_mark)
        bookmarks.append(section_mark)
    return bookmarks


def _catalog(tree: IndirectObject, outline: IndirectObject) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): tree,
            NameObject("/Outlines"): outline,
            NameObject("/PageMode"): NameObject("/UseOutlines"),
            NameObject("/ViewerPreferences"): DictionaryObject(
                {NameObject("/DisplayDocTitle"): BooleanObject(True)}
            ),
        }
    )


def _info(spec: PackSpec) -> DictionaryObject:
    """Document properties: body, meeting, date and edition, nothing else."""
    now = datetime.datetime.now(datetime.UTC).strftime("D:%Y%m%d%H%M%SZ")
    fields: Sequence[tuple[str, str]] = (
        (
            "/Title",
            f"{spec.body_name} \u2013 {spec.meeting_title} \u2013 "
            f"{spec.short_date} ({spec.edition})",
        ),
        ("/Subject", f"{spec.edition}, agenda version {spec.version}"),
        ("/Author", spec.body_name),
        ("/Creator", "Quorum"),
        ("/Producer", "Quorum board pack compiler"),
        ("/CreationDate", now),
        ("/ModDate", now),
    )
    return DictionaryObject(
        {NameObject(key): create_string_object(value) for key, value in fields}
    )
