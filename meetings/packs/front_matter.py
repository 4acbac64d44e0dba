"""The pages the compiler draws itself: cover, agenda contents, item separators.

Everything is laid out before any page number is known (page numbers sit in
a fixed-width right column), so the number of contents and separator pages
can be counted first, page numbers computed, and only then drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from council.pdf_fonts import fits_core_fonts
from meetings.packs.spec import PackItem, PackSection, PackSpec
from meetings.packs.typesetting import BLACK, Color, Typesetter

# ("section", "5") | ("item", "5.a") | ("attachment", "5.a", 0)
PageKey = tuple[str, ...] | tuple[str, str, int]

ACCENT: Color = (31, 56, 100)
MUTED: Color = (96, 96, 96)
LIGHT: Color = (200, 205, 212)
MARGIN = 54.0
TOP = 56.0
BOTTOM = 54.0  # the page stamp sits 12 pt from the bottom edge, below this
NUMBER_COLUMN = 34.0


@dataclass
class Block:
    """Lines that stay together on one page, optionally with a page number.

    ``spans`` holds, per line, (x, text) pieces drawn in the block's font.
    """

    spans: list[list[tuple[float, str]]]
    size: float
    bold: bool = False
    color: Color = BLACK
    leading: float = 1.3
    before: float = 0.0
    target: PageKey | None = None
    keep_with_next: bool = False
    rule_after: bool = False

    @property
    def height(self) -> float:
        return len(self.spans) * self.size * self.leading + (
            8 if self.rule_after else 0
        )


@dataclass(frozen=True)
class Link:
    """A clickable rectangle (PDF user space) on a front-matter page."""

    page_index: int
    rect: tuple[float, float, float, float]
    target: PageKey


@dataclass
class _Page:
    placed: list[tuple[Block, float]] = field(default_factory=list)


def _texts(spec: PackSpec) -> Iterator[str]:
    yield from (spec.body_name, spec.meeting_title, spec.location, spec.edition)
    for section in spec.sections:
        yield from (section.number, section.title)
        for item in section.items:
            yield from (item.number, item.title, item.summary)
            yield from (attachment.title for attachment in item.attachments)


class FrontMatter:
    """Lays out and draws the cover, contents and separators of one pack."""

    def __init__(self, spec: PackSpec):
        self.spec = spec
        # Embedding DejaVu costs fpdf2 ~0.3 s; the built-in Helvetica does for
        # any agenda written in Western European languages.
        self.setter = Typesetter.create(
            paper=spec.paper, unicode=not fits_core_fonts(_texts(spec))
        )
        self.right = self.setter.page_width - MARGIN
        self._toc = self._paginate(self._toc_blocks(), first_top=TOP + 78)
        self._separators = [
            self._paginate(self._separator_blocks(section, item), first_top=TOP)
            for section in spec.sections
            for item in section.items
        ]

    @property
    def toc_page_count(self) -> int:
        return len(self._toc)

    @property
    def separator_page_counts(self) -> list[int]:
        """Pages of each item's separator, in agenda order."""
        return [len(pages) for pages in self._separators]

    def render(
        self, pages: dict[PageKey, int], page_count: int
    ) -> tuple[bytes, list[Link]]:
        """Draw cover, contents and all separators into one PDF (in that order)."""
        links: list[Link] = []
        self._draw_cover(page_count)
        for index, page in enumerate(self._toc):
            self.setter.add_page()
            self._draw_toc_header(first=index == 0)
            links += self._draw_blocks(page, pages)
        flat_items = [item for section in self.spec.sections for item in section.items]
        for item, separator in zip(flat_items, self._separators, strict=True):
            for index, page in enumerate(separator):
                self.setter.add_page()
                if index:
                    self._running_head(f"Item {item.number} (continued)")
                links += self._draw_blocks(page, pages)
        return self.setter.output(), links

    # Layout ---------------------------------------------------------------

    def _wrapped(
        self,
        text: str,
        x: float,
        width: float,
        size: float,
        *,
        bold: bool = False,
        max_lines: int = 6,
    ) -> list[list[tuple[float, str]]]:
        self.setter.font(size, bold=bold)
        lines = self.setter.wrap(text, width)
        if len(lines) > max_lines:  # a block must fit on one page
            lines = lines[: max_lines - 1] + [lines[max_lines - 1] + " \u2026"]
        return [[(x, line)] for line in lines]

    def _numbered(
        self, number: str, title: str, x: float, title_x: float, size: float, bold: bool
    ) -> list[list[tuple[float, str]]]:
        width = self.right - NUMBER_COLUMN - title_x
        lines = self._wrapped(title, title_x, width, size, bold=bold)
        lines[0].insert(0, (x, number))
        return lines

    def _item_title_x(self, x: float) -> float:
        self.setter.font(10.5)
        widest = max(
            (
                self.setter.width(item.number)
                for s in self.spec.sections
                for item in s.items
            ),
            default=0.0,
        )
        return x + max(30.0, widest + 10)

    def _toc_blocks(self) -> list[Block]:
        blocks: list[Block] = []
        section_x, item_x = MARGIN, MARGIN + 30
        item_title_x = self._item_title_x(item_x)
        for section in self.spec.sections:
            target = ("section", section.number) if section.items else None
            blocks.append(
                Block(
                    self._numbered(
                        section.number, section.title, section_x, item_x, 11.5, True
                    ),
                    11.5,
                    bold=True,
                    color=ACCENT,
                    before=12,
                    target=target,
                    keep_with_next=bool(section.items),
                )
            )
            for item in section.items:
                spans = self._numbered(
                    item.number, item.title, item_x, item_title_x, 10.5, False
                )
                blocks.append(
                    Block(spans, 10.5, before=5, target=("item", item.number))
                )
                for index, attachment in enumerate(item.attachments):
                    width = self.right - NUMBER_COLUMN - item_title_x - 12
                    spans = self._wrapped(attachment.title, item_title_x + 12, width, 9)
                    target = ("attachment", item.number, index)
                    blocks.append(Block(spans, 9, color=MUTED, before=1, target=target))
        return blocks

    def _separator_blocks(self, section: PackSection, item: PackItem) -> list[Block]:
        width = self.right - MARGIN
        label = f"Section {section.number} \u00b7 {section.title}"
        blocks = [
            Block(self._wrapped(label, MARGIN, width, 9), 9, color=MUTED),
            Block(
                self._wrapped(f"Item {item.number}", MARGIN, width, 12, bold=True),
                12,
                bold=True,
                color=ACCENT,
                before=18,
            ),
            Block(
                self._wrapped(item.title, MARGIN, width, 20, bold=True),
                20,
                bold=True,
                leading=1.2,
                before=4,
                rule_after=True,
            ),
        ]
        if item.summary.strip():
            blocks.append(self._heading("Recommendation"))
            for paragraph in item.summary.strip().splitlines():
                spans = self._wrapped(paragraph, MARGIN, width, 10.5, max_lines=999)
                # One block per line, so a long summary flows onto more pages.
                blocks += [Block([line], 10.5, leading=1.45) for line in spans]
                blocks.append(Block([], 10.5, before=4))
        blocks.append(self._heading("Attachments"))
        if not item.attachments:
            blocks.append(
                Block(self._wrapped("None.", MARGIN, width, 10.5), 10.5, color=MUTED)
            )
        for index, attachment in enumerate(item.attachments):
            spans = self._numbered(
                f"{index + 1}.", attachment.title, MARGIN, MARGIN + 22, 10.5, False
            )
            target = ("attachment", item.number, index)
            blocks.append(Block(spans, 10.5, before=3, target=target))
        return blocks

    def _heading(self, text: str) -> Block:
        return Block([[(MARGIN, text)]], 11, bold=True, before=18, keep_with_next=True)

    def _paginate(self, blocks: list[Block], *, first_top: float) -> list[_Page]:
        bottom = self.setter.page_height - BOTTOM
        pages = [_Page()]
        y = first_top
        for index, block in enumerate(blocks):
            before = block.before if pages[-1].placed else 0.0
            needed = before + block.height
            if block.keep_with_next and index + 1 < len(blocks):
                following = blocks[index + 1]
                needed += following.before + following.height
            if y + needed > bottom and pages[-1].placed:
                pages.append(_Page())
                y, before = TOP + 22, 0.0  # room for the running head
            y += before
            pages[-1].placed.append((block, y))
            y += block.height
        return pages

    # Drawing --------------------------------------------------------------

    def _draw_blocks(self, page: _Page, pages: dict[PageKey, int]) -> list[Link]:
        setter = self.setter
        links = []
        for block, top in page.placed:
            setter.font(block.size, bold=block.bold)
            setter.color(block.color)
            line_height = block.size * block.leading
            baseline = top
            for spans in block.spans:
                baseline += line_height
                for x, text in spans:
                    setter.text(x, baseline - line_height * 0.28, text)
            if block.rule_after:
                setter.rule(MARGIN, baseline + 6, self.right, ACCENT, 1.2)
            if block.target is None or block.target not in pages:
                continue
            last_x, last_text = block.spans[-1][-1]
            self._draw_page_number(
                str(pages[block.target]),
                last_x + setter.width(last_text),
                baseline - line_height * 0.28,
                block.color,
            )
            height = setter.page_height
            left = block.spans[0][0][0] - 2
            rect = (
                left,
                height - (top + block.height) - 1,
                self.right + 2,
                height - top + 1,
            )
            links.append(Link(setter.page_count - 1, rect, block.target))
        return links

    def _draw_page_number(
        self, number: str, text_end: float, baseline: float, color: Color
    ) -> None:
        setter = self.setter
        # Dot leaders on a fixed grid, so dots line up from row to row. Drawn
        # before the number so copied or extracted text reads "Title . . . 12".
        setter.color(LIGHT)
        step = setter.width(". ")
        start = math.ceil((text_end + 6) / step) * step
        count = int((self.right - setter.width(number) - 6 - start) // step)
        if count > 0:
            setter.text(start, baseline, ". " * count)
        setter.color(color)
        setter.text_right(self.right, baseline, number)

    def _running_head(self, text: str) -> None:
        setter = self.setter
        setter.font(8.5)
        setter.color(MUTED)
        setter.text(MARGIN, TOP, text)
        setter.rule(MARGIN, TOP + 6, self.right, LIGHT, 0.5)

    def _draw_toc_header(self, *, first: bool) -> None:
        setter = self.setter
        if not first:
            self._running_head(f"{self.spec.body_name} \u00b7 Agenda (continued)")
            return
        setter.font(22, bold=True)
        setter.color(ACCENT)
        setter.text(MARGIN, TOP + 22, "Agenda")
        setter.font(10)
        setter.color(MUTED)
        spec = self.spec
        line = f"{spec.body_name} \u00b7 {spec.meeting_title} \u00b7 {spec.long_date}"
        for index, text in enumerate(setter.wrap(line, self.right - MARGIN)[:2]):
            setter.text(MARGIN, TOP + 42 + index * 13, text)
        setter.font(8.5)
        setter.text_right(self.right, TOP + 72, "Page")
        setter.rule(MARGIN, TOP + 76, self.right, LIGHT, 0.5)

    def _draw_cover(self, page_count: int) -> None:
        setter, spec = self.setter, self.spec
        setter.add_page()
        setter.box(0, 0, setter.page_width, 12, ACCENT)
        width = self.right - MARGIN
        y = 150.0
        setter.font(11, bold=True)
        setter.color(ACCENT)
        setter.text(MARGIN, y, "BOARD PACK")
        y += 16
        for size, bold, color, text in (
            (30, True, BLACK, spec.body_name),
            (18, False, MUTED, spec.meeting_title),
        ):
            setter.font(size, bold=bold)
            setter.color(color)
            for line in setter.wrap(text, width)[:3]:
                y += size * 1.2
                setter.text(MARGIN, y, line)
            y += 6
        setter.rule(MARGIN, y + 10, MARGIN + 120, ACCENT, 2)
        y += 44
        for label, value in (
            ("Date", spec.long_date),
            ("Time", spec.time_text),
            ("Location", spec.location),
        ):
            setter.font(9, bold=True)
            setter.color(MUTED)
            setter.text(MARGIN, y, label.upper())
            setter.font(13)
            setter.color(BLACK)
            for line in setter.wrap(value or "\u2013", width)[:3]:
                y += 17
                setter.text(MARGIN, y, line)
            y += 22
        self._draw_edition(max(y + 20, setter.page_height - 230))
        setter.font(8.5)
        setter.color(MUTED)
        note = (
            f"This pack has {page_count} pages. Page numbers in the agenda are the "
            "page numbers shown by your PDF reader."
        )
        for index, line in enumerate(setter.wrap(note, width)):
            setter.text(MARGIN, setter.page_height - BOTTOM - 10 + index * 11, line)

    def _draw_edition(self, y: float) -> None:
        setter = self.setter
        setter.box(MARGIN, y, self.right - MARGIN, 58, (238, 241, 246))
        setter.box(MARGIN, y, 4, 58, ACCENT)
        setter.font(14, bold=True)
        setter.color(ACCENT)
        setter.text(MARGIN + 18, y + 24, self.spec.edition)
        setter.font(10.5)
        setter.color(BLACK)
        setter.text(MARGIN + 18, y + 42, f"Agenda version {self.spec.version}")
