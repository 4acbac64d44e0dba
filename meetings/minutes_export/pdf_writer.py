"""Minutes as a PDF (fpdf2), for publishing and printing.

Same content and order as the Word export. Text is set in embedded DejaVu
when Debian's fonts-dejavu-core is installed, so names such as "Bélanger" and
any script come out right; otherwise in the built-in Helvetica with what it
cannot show replaced (``meetings.packs.typesetting.to_core_text``).

fpdf2's ``table()`` draws the attendance and roll-call tables: it moves whole
rows to the next page and repeats the heading row there.
"""

from __future__ import annotations

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from council.pdf_documents import ACCENT, BLACK, GRAY, HEADER_FILL, Color, TypesetPDF
from meetings.minutes_export.document import (
    DiscussionBlock,
    MinutesDocument,
    MinutesItem,
    MotionRecord,
    date_and_time,
    discussion_blocks,
    footer_label,
    minutes_heading,
    motion_lines,
    printable,
    short_date,
)

DRAFT_MARK = "DRAFT \u2013 not yet approved"
_FACES = {
    ("DejaVu", ""): "DejaVuSans.ttf",
    ("DejaVu", "B"): "DejaVuSans-Bold.ttf",
    ("DejaVu", "I"): "DejaVuSans-Oblique.ttf",
    ("DejaVu", "BI"): "DejaVuSans-BoldOblique.ttf",
}
_MARGIN = 60.0  # points
_BOTTOM = 64.0  # room for the footer under the text
_INDENT = 20.0  # per list level
_DRAFT_RED: Color = (176, 30, 30)
_LINK: Color = (31, 95, 168)
_MOTION_FILL: Color = (243, 245, 248)
_ATTENDANCE_COLUMNS = (2.8, 1.4, 2.3)  # same proportions as the Word table
_ROLL_CALL_WIDTH = 330.0
_ROLL_CALL_COLUMNS = (3.6, 1.4)


def minutes_pdf(document: MinutesDocument) -> bytes:
    """The minutes as PDF bytes (letter paper), footer "… · page n of N".

    Draft minutes carry a light diagonal "DRAFT" across every page.
    """
    document = printable(document)
    pdf = _MinutesPDF(document)
    pdf.write_title_block()
    pdf.write_attendance()
    for section in document.sections:
        pdf.heading(f"{section.number}. {section.title}", size=15, level=0)
        for item in section.items:
            pdf.write_item(item)
    if not document.sections:
        pdf.paragraph("No business was recorded for this meeting.", before=12)
    if document.adjourned:
        pdf.paragraph(f"The meeting adjourned at {document.adjourned}.", before=18)
    return bytes(pdf.output())


class _MinutesPDF(TypesetPDF):
    """Letter pages in points, with the minutes' header, footer and blocks."""

    def __init__(self, document: MinutesDocument):
        super().__init__(
            page_format="letter", faces=_FACES, margin=_MARGIN, bottom=_BOTTOM
        )
        self.document = document
        self.set_title(f"{document.body_name} minutes {short_date(document.starts_at)}")
        self.set_subject(minutes_heading(document))
        self.set_author(document.city_name)
        self.set_creator(document.city_name)
        self.add_page()

    # Page furniture --------------------------------------------------------

    def header(self) -> None:
        if self.document.is_draft:
            self._font("B", 8.5, _DRAFT_RED)
            self.set_xy(_MARGIN, 28)
            self.cell(0, 12, self.clean(DRAFT_MARK), align="C")
            self.set_xy(_MARGIN, _MARGIN)

    def footer(self) -> None:
        if self.document.is_draft:
            self._watermark()
        y = self.h - 44
        self.rule(y)
        self._font("", 8.5, GRAY)
        self.set_xy(_MARGIN, y + 5)
        # {nb} is fpdf2's alias for the page count, filled in at output.
        label = self.clean(footer_label(self.document))
        self.cell(0, 12, f"{label} \u00b7 page {self.page_no()} of {{nb}}", align="C")

    def _watermark(self) -> None:
        # Drawn last, over the page, but nearly transparent: a watermark under
        # the text would vanish behind the tables' shaded heading rows.
        with self.local_context(fill_opacity=0.09):
            self._font("B", 120, _DRAFT_RED)
            width = self.get_string_width("DRAFT")
            with self.rotation(50, x=self.w / 2, y=self.h / 2):
                self.text(self.w / 2 - width / 2, self.h / 2 + 42, "DRAFT")

    # Text ------------------------------------------------------------------

    def heading(self, text: str, *, size: float, level: int) -> None:
        """A section or item heading, also a bookmark in the PDF outline."""
        # Never leave a heading alone at the bottom of a page.
        self.keep_room(size * 1.4 + 60)
        self.set_y(self.get_y() + (14 if level == 0 else 8))
        self.start_section(self.clean(text), level=level)
        self.paragraph(text, style="B", size=size, color=ACCENT, after=4)

    # Title block and attendance ------------------------------------------------

    def write_title_block(self) -> None:
        document = self.document
        lines = (
            (document.city_name.upper(), "", 9.5, GRAY, 2),
            (document.body_name, "B", 20, ACCENT, 2),
            (minutes_heading(document), "", 14, BLACK, 4),
            (date_and_time(document), "", 10.5, BLACK, 1),
            (document.location, "", 10.5, BLACK, 6),
        )
        for text, style, size, color, after in lines:
            if text:
                self.paragraph(
                    text, style=style, size=size, color=color, after=after, align="C"
                )
        status_color = _DRAFT_RED if document.is_draft else ACCENT
        self.paragraph(
            document.status, style="B", size=10.5, color=status_color, align="C"
        )
        self.rule(self.get_y() + 2, ACCENT, 0.8)
        self.set_y(self.get_y() + 10)

    def write_attendance(self) -> None:
        document = self.document
        self.label("Attendance")
        if document.attendees:
            rows = [(a.name, a.role, a.status) for a in document.attendees]
            self.bordered_table(
                ("Name", "Role", "Attendance"), rows, _ATTENDANCE_COLUMNS
            )
        else:
            self.paragraph("No attendance was recorded.")
        self.set_y(self.get_y() + 4)
        if document.quorum_note:
            self.paragraph(document.quorum_note, after=3)
        if document.staff_present:
            self.labelled("Staff present: ", ", ".join(document.staff_present))
        if document.called_to_order:
            self.labelled("Called to order: ", document.called_to_order)

    def label(self, text: str) -> None:
        self.keep_room(60)
        self.paragraph(text, style="B", size=11.5, color=ACCENT, before=4, after=5)

    def labelled(self, label: str, text: str) -> None:
        """ "Label: text" with the label in bold, wrapping under the label."""
        self.set_x(self.l_margin)
        self._font("B", 10)
        self.write(13.5, self.clean(label))
        self._font("", 10)
        self.write(13.5, self.clean(text))
        self.ln(13.5 + 3)

    # Business ----------------------------------------------------------------

    def write_item(self, item: MinutesItem) -> None:
        self.heading(f"{item.number} {item.title}", size=12.5, level=1)
        for block in discussion_blocks(item.discussion_html):
            self.discussion_block(block)
        for motion in item.motions:
            self.motion(motion)

    def discussion_block(self, block: DiscussionBlock) -> None:
        """A paragraph, heading or list item of the clerk's discussion."""
        if block.style in ("heading3", "heading4"):
            size = 11 if block.style == "heading3" else 10.5
            self.keep_room(50)
            self.set_y(self.get_y() + 4)
            base_style, color = "B", ACCENT if block.style == "heading3" else BLACK
        else:
            size, base_style, color = 10.0, "", BLACK
        line = size * self.leading
        indent = _INDENT * min(block.depth, 4)
        self.keep_room(line)
        if block.style in ("bullet", "numbered"):
            marker = "\u2022" if block.style == "bullet" else f"{block.ordinal}."
            self._font("", size)
            self.set_xy(self.l_margin + indent - _INDENT, self.get_y())
            self.cell(_INDENT - 6, line, marker, align="R")
        left = self.l_margin
        self.set_left_margin(left + indent)  # wrapped lines keep the indent
        self.set_x(left + indent)
        for run in block.runs:
            style = base_style + ("B" if run.bold else "") + ("I" if run.italic else "")
            style = "".join(sorted(set(style)))  # fpdf2 wants "B", "I" or "BI"
            if run.href:
                self._font(style + "U", size, _LINK)
            else:
                self._font(style, size, color)
            self.write(line, self.clean(run.text), link=run.href)
        self.set_left_margin(left)
        self.ln(line + (3 if block.depth else 5))

    def motion(self, motion: MotionRecord) -> None:
        """Kind, mover, the motion's words, roll call, count, recusals, result."""
        self.keep_room(110)  # kind, mover and the first lines of the motion
        for line in motion_lines(motion):
            if line.role == "kind":
                kind = line.text.upper()
                self.paragraph(
                    kind, style="B", size=8.5, color=ACCENT, before=6, after=2
                )
            elif line.role == "moved":
                self.paragraph(line.text, style="I", after=3)
            elif line.role == "text":
                self._motion_text(line.text)
            elif line.role == "votes":
                rows = [(vote.member, vote.option) for vote in motion.votes]
                self.bordered_table(
                    ("Member", "Vote"), rows, _ROLL_CALL_COLUMNS, width=_ROLL_CALL_WIDTH
                )
                self.set_y(self.get_y() + 6)
            elif line.role == "result":
                self.paragraph(line.text, style="B", size=10.5, before=2, after=10)
            else:
                self.labelled(line.label, line.text)

    def _motion_text(self, text: str) -> None:
        # A shaded box with an accent rule on its left, as in the Word export;
        # multi_cell splits both across a page break.
        self._font("", 10)
        self.set_fill_color(*_MOTION_FILL)
        self.set_draw_color(*ACCENT)
        self.set_line_width(2.5)
        self.set_x(self.l_margin + 4)
        self.multi_cell(
            self.epw - 4,
            13.5,
            self.clean(text),
            border="L",
            fill=True,
            align="L",
            padding=(5, 8, 5, 10),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_line_width(0.5)
        self.set_y(self.get_y() + 6)

    # Tables --------------------------------------------------------------------

    def bordered_table(
        self,
        headings: tuple[str, ...],
        rows: list[tuple[str, ...]],
        proportions: tuple[float, ...],
        *,
        width: float | None = None,
    ) -> None:
        """A bordered table; fpdf2 repeats the heading row after a page break."""
        self.table_style(9.5)
        heading_style = FontFace(emphasis="BOLD", fill_color=HEADER_FILL)
        with self.table(
            width=width or self.epw,
            col_widths=proportions,
            align="LEFT",
            text_align="LEFT",
            line_height=12.5,
            padding=(3, 6),
            headings_style=heading_style,
        ) as table:
            for cells in [headings, *rows]:
                row = table.row()
                for text in cells:
                    row.cell(self.clean(text))
