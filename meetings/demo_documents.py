"""Realistic staff reports for the demo city, as real PDF and DOCX files.

Deterministic: the same seed gives the same bytes, so the demo is repeatable.
"""

from __future__ import annotations

import io
import random
import textwrap

import docx
from fpdf import FPDF

SENTENCES = [
    "Staff have reviewed the application against the Official Plan and the Zoning By-law.",
    "The proposal is consistent with the Provincial Policy Statement and conforms to the growth plan.",
    "Public notice was given by mail to all owners within 120 metres and by a sign on the property.",
    "Two written submissions were received; both are summarised in Appendix A.",
    "The estimated cost is within the approved capital budget for the current year.",
    "Operating impacts are expected to be absorbed within existing departmental budgets.",
    "The Finance Department has reviewed this report and concurs with its financial implications.",
    "Engineering staff recommend a phased approach to limit disruption to residents and businesses.",
    "Consultation with the Heritage Advisory Committee took place at its last regular meeting.",
    "The tender closed with four compliant bids; the lowest compliant bid is recommended.",
    "Traffic counts show an average of 4,200 vehicles per day with peaks at school times.",
    "Accessibility requirements under the provincial standard have been incorporated into the design.",
    "The project supports the strategic priority of safe, connected and complete neighbourhoods.",
    "Risks have been identified and mitigation measures are set out in the implementation plan.",
    "Stormwater management will be provided on site through underground storage and controlled release.",
    "A community information session was attended by approximately forty residents.",
    "The by-law attached as Schedule B implements the recommendation if Council adopts it.",
    "Staff will report back with a progress update within the next two quarters.",
    "Climate resilience was considered in the selection of materials and planting.",
    "Library usage has returned to pre-pandemic levels, with digital loans up twelve percent.",
]
SECTION_HEADINGS = [
    "Purpose",
    "Background",
    "Analysis",
    "Consultation",
    "Financial implications",
    "Strategic alignment",
    "Conclusion",
]


def _paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


class _ReportPDF(FPDF):
    def __init__(self, department: str) -> None:
        super().__init__(format="Letter")
        self.department = department
        self.set_margins(25, 22, 25)
        self.set_auto_page_break(True, margin=28)

    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90)
        self.cell(0, 6, f"City of Port Alder - {self.department}", align="R")
        self.ln(10)
        self.set_text_color(0)


def staff_report_pdf(*, title: str, department: str, pages: int, seed: int) -> bytes:
    """A staff report of exactly `pages` pages: headings, paragraphs, a table."""
    rng = random.Random(seed)
    pdf = _ReportPDF(department)
    for page in range(pages):
        pdf.add_page()
        if page == 0:
            pdf.set_font("Helvetica", "B", 16)
            # The core PDF fonts cover Latin-1 only.
            pdf.multi_cell(
                0,
                8,
                title.replace("–", "-").encode("latin-1", "replace").decode("latin-1"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(
                0,
                6,
                f"Report of the {department}\nReport number {seed:05d}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.ln(4)
        heading = SECTION_HEADINGS[page % len(SECTION_HEADINGS)]
        if page and page % 5 == 4:
            heading = f"Appendix {chr(64 + page // 5 + 1)}"
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10.5)
        if heading.startswith("Appendix"):
            _table(pdf, rng)
        else:
            # Fill the page without spilling onto the next one. Lines are
            # wrapped by textwrap: fpdf2's own line breaking is ~20x slower.
            while pdf.get_y() < pdf.h - 70:
                for line in textwrap.wrap(_paragraph(rng), width=92):
                    pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
    return bytes(pdf.output())


def _table(pdf: FPDF, rng: random.Random) -> None:
    with pdf.table(
        col_widths=(50, 30, 30, 30), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")
    ) as table:
        table.row(["Line", "Budget ($)", "Actual ($)", "Variance ($)"])
        for line in range(12):
            budget = rng.randrange(10_000, 900_000, 500)
            actual = budget + rng.randrange(-40_000, 40_000, 250)
            table.row(
                [
                    f"Cost centre {line + 101}",
                    f"{budget:,}",
                    f"{actual:,}",
                    f"{actual - budget:,}",
                ]
            )


def staff_report_docx(
    *, title: str, department: str, paragraphs: int, seed: int
) -> bytes:
    """A Word staff report with headings, paragraphs, a table and a footer."""
    rng = random.Random(seed)
    document = docx.Document()
    document.sections[0].footer.paragraphs[
        0
    ].text = f"City of Port Alder - {department}"
    document.add_heading(title, level=0)
    document.add_paragraph(f"Report of the {department}")
    for index in range(paragraphs):
        if index % 3 == 0:
            document.add_heading(
                SECTION_HEADINGS[(index // 3) % len(SECTION_HEADINGS)], level=1
            )
        document.add_paragraph(_paragraph(rng, 6))
    table = document.add_table(rows=1, cols=3)
    (
        table.rows[0].cells[0].text,
        table.rows[0].cells[1].text,
        table.rows[0].cells[2].text,
    ) = ("Milestone", "Quarter", "Lead")
    for milestone in ("Design", "Tender", "Construction", "Opening"):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = (
            milestone,
            f"Q{rng.randint(1, 4)}",
            department,
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
