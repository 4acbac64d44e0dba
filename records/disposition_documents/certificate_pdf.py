"""The destruction certificate laid out on A4 with fpdf2.

Text is set in embedded DejaVu when Debian's fonts-dejavu-core is installed,
so titles in any European script come out right; otherwise in the built-in
Helvetica and Courier with what they cannot show replaced, as the minutes and
board packs do (``meetings.packs.typesetting``).

The schedule of records is an fpdf2 ``table()``: it moves whole rows to the
next page and repeats the heading row there. Each record takes two rows held
together by its identifier cell spanning both, so a record's digest never
lands on another page than its title.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fpdf.fonts import FontFace
from fpdf.table import Table

from council.pdf_documents import ACCENT, GRAY, HEADER_FILL, TypesetPDF
from records.disposition_documents.wording import (
    grouped_sha256,
    long_moment,
    one_line,
    records_count,
    short_sha256,
    size_label,
)

if TYPE_CHECKING:
    from records.disposition_documents.certificate import (
        DestroyedRecordEntry,
        DestructionCertificateData,
    )

_FACES = {
    ("DejaVu", ""): "DejaVuSans.ttf",
    ("DejaVu", "B"): "DejaVuSans-Bold.ttf",
    ("DejaVuMono", ""): "DejaVuSansMono.ttf",
}
_MARGIN = 42.0  # points
_BOTTOM = 58.0  # room for the footer under the table
_HEADINGS_STYLE = FontFace(emphasis="BOLD", fill_color=HEADER_FILL)
_PEOPLE_HEADINGS = ("Step", "Name", "Date and time")
_PEOPLE_WIDTHS = (1.6, 1.8, 2.6)
_SCHEDULE_HEADINGS = (
    "Identifier",
    "Title",
    "Class",
    "Retention schedule",
    "Due",
    "Format, size",
    "SHA-256",
)
# Points on A4 (511 between the margins). A record's second row spans Title
# and Class (its dates) and the last four columns (its whole digest in groups
# of eight, about 262 pt in 6 pt mono).
_SCHEDULE_WIDTHS = (74, 114, 54, 88, 50, 44, 87)
# fpdf2 cannot split a table row across pages, so a record's rows must stay
# well under a page: longer texts are shortened (the digest identifies it).
_MAX_CHARS = {"identifier": 80, "title": 400, "short": 120}


class CertificatePDF(TypesetPDF):
    """A4 pages in points, with the certificate's header, footer and blocks."""

    leading = 1.4
    space_after = 6.0

    def __init__(self, data: DestructionCertificateData):
        super().__init__(page_format="A4", faces=_FACES, margin=_MARGIN, bottom=_BOTTOM)
        self.data = data
        # Document information is stored as Unicode whatever the fonts.
        self.set_title(f"Destruction certificate {data.number}")
        self.set_subject(
            f"Destruction of {records_count(len(data.entries))} under disposal "
            f"batch {data.batch_reference}"
        )
        self.set_author(data.organisation)
        self.set_creator("Quorum")
        self.set_keywords(f"destruction certificate, {data.batch_reference}")
        self.set_creation_date(data.issued_at)
        self.add_page()

    # Page furniture --------------------------------------------------------

    def header(self) -> None:
        if self.page_no() > 1:
            data = self.data
            self._font("", 7.5, GRAY)
            self.set_xy(_MARGIN, 22)
            running_head = (
                f"{data.organisation} \u00b7 Destruction certificate {data.number}"
                " \u00b7 Schedule of destroyed records"
            )
            self.cell(0, 10, self.clean(running_head))
            self.set_xy(_MARGIN, _MARGIN)

    def footer(self) -> None:
        y = self.h - 40
        self.rule(y)
        self._font("", 8, GRAY)
        self.set_xy(_MARGIN, y + 5)
        label = self.clean(f"Destruction certificate {self.data.number}")
        self.cell(self.epw / 2, 11, label)
        # {nb} is fpdf2's alias for the page count, filled in at output.
        self.cell(self.epw / 2, 11, f"Page {self.page_no()} of {{nb}}", align="R")

    # Text ------------------------------------------------------------------

    def clean(self, text: str) -> str:
        """Text on one line, as the chosen font can show it."""
        return super().clean(one_line(text))

    def cell_text(self, text: str, kind: str) -> str:
        """Text for a schedule cell, shortened to ``_MAX_CHARS[kind]``."""
        text = " ".join(one_line(text).split())
        limit = _MAX_CHARS[kind]
        if len(text) > limit:
            text = text[: limit - 1].rstrip() + "\u2026"
        return self.clean(text)

    def label(self, text: str) -> None:
        """A block heading, also a bookmark in the PDF outline."""
        self.keep_room(90)  # never a heading alone at the foot of a page
        self.set_y(self.get_y() + 6)
        self.start_section(text)
        self.paragraph(text, style="B", size=11.5, color=ACCENT, after=4)

    # Blocks ------------------------------------------------------------------

    def write_title_block(self) -> None:
        data = self.data
        self.set_y(self.get_y() + 8)
        self.paragraph(data.organisation.upper(), size=9.5, color=GRAY, align="C")
        self.paragraph(
            "Certificate of Destruction of Records",
            style="B",
            size=20,
            color=ACCENT,
            after=4,
            align="C",
        )
        self.paragraph(
            f"Certificate No. {data.number}", style="B", size=12, after=2, align="C"
        )
        self.paragraph(
            f"Disposal batch {data.batch_reference} \u00b7 issued "
            f"{long_moment(data.issued_at)}",
            size=9.5,
            color=GRAY,
            after=8,
            align="C",
        )
        self.rule(self.get_y(), ACCENT, 0.8)
        self.set_y(self.get_y() + 14)

    def write_statement(self, paragraphs: list[str]) -> None:
        for text in paragraphs:
            self.paragraph(text, size=10.5, after=7, align="J")

    def write_people(self) -> None:
        """Who reviewed, approved and destroyed, and when holds were checked."""
        data = self.data
        self.label("Review, approval and destruction")
        rows = (
            ("Reviewed by", data.reviewed_by, data.reviewed_at),
            ("Approved by (second approval)", data.approved_by, data.approved_at),
            ("Destroyed by", data.executed_by, data.executed_at),
            ("Legal holds checked", "None in force", data.holds_checked_at),
            ("Certificate issued", data.organisation, data.issued_at),
        )
        self.table_style(9)
        with self.table(
            width=self.epw,
            col_widths=_PEOPLE_WIDTHS,
            align="LEFT",
            text_align="LEFT",
            line_height=12,
            padding=(3, 6),
            headings_style=_HEADINGS_STYLE,
        ) as table:
            heading = table.row()
            for text in _PEOPLE_HEADINGS:
                heading.cell(text)
            for step, name, moment in rows:
                row = table.row()
                row.cell(step)
                row.cell(self.clean(name))
                row.cell(long_moment(moment))
        self.set_y(self.get_y() + 10)

    def write_schedule(self) -> None:
        """Two rows a record: its details, then its dates and whole digest."""
        self.label("Schedule of destroyed records")
        self.table_style(7.5)
        styles = {
            "bold": FontFace(emphasis="BOLD"),
            "mono": FontFace(family=self.mono, size_pt=6.8),
            "small": FontFace(size_pt=6.5, color=GRAY),
            "small_mono": FontFace(family=self.mono, size_pt=6, color=GRAY),
        }
        with self.table(
            width=self.epw,
            col_widths=_SCHEDULE_WIDTHS,
            align="LEFT",
            text_align="LEFT",
            v_align="TOP",
            line_height=9,
            padding=(2.5, 3),
            headings_style=_HEADINGS_STYLE,
        ) as table:
            heading = table.row()
            for text in _SCHEDULE_HEADINGS:
                heading.cell(text)
            for entry in self.data.entries:
                self._schedule_rows(table, entry, styles)

    def _schedule_rows(
        self, table: Table, entry: DestroyedRecordEntry, styles: dict[str, FontFace]
    ) -> None:
        details = table.row()
        identifier = self.cell_text(entry.identifier, "identifier")
        # Spanning both rows keeps them together: fpdf2 moves them as one.
        details.cell(identifier, style=styles["bold"], rowspan=2)
        details.cell(self.cell_text(entry.title, "title"))
        details.cell(self.cell_text(entry.record_class, "short"))
        details.cell(self.cell_text(entry.schedule, "short"))
        details.cell(entry.due_on.isoformat())
        format_label = self.cell_text(entry.format_label, "short")
        details.cell(f"{format_label}\n{size_label(entry.size)}")
        details.cell(short_sha256(entry.sha256), style=styles["mono"])
        more = table.row()
        more.cell(self.clean(_dates(entry)), style=styles["small"], colspan=2)
        digest = grouped_sha256(entry.sha256)
        more.cell(digest, style=styles["small_mono"], colspan=4)


def _dates(entry: DestroyedRecordEntry) -> str:
    text = f"Created {entry.created_on.isoformat()}"
    if entry.trigger_date:
        text += f" \u00b7 trigger date {entry.trigger_date.isoformat()}"
    return text
