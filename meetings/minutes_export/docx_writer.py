"""Minutes as a Word document (python-docx), for the clerk to edit and file.

Headings use Word's own "Heading 1"/"Heading 2" styles so the navigation
pane and a table of contents work; the motion blocks use a few named styles
added here, so a clerk can restyle every motion at once in Word.
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

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

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.styles.style import ParagraphStyle
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

DRAFT_MARK = "DRAFT \u2013 not yet approved"
_ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
_GRAY = RGBColor(0x59, 0x59, 0x59)
_DRAFT_RED = RGBColor(0xB0, 0x1E, 0x1E)
_LINK_BLUE = RGBColor(0x1F, 0x5F, 0xA8)
_HEADER_FILL = "DCE3EC"
_MOTION_FILL = "F3F5F8"
_MARGIN = Inches(1)
_TEXT_WIDTH = Inches(6.5)  # letter paper less two 1" margins
_ATTENDANCE_WIDTHS = (Inches(2.8), Inches(1.4), Inches(2.3))
_ROLL_CALL_WIDTHS = (Inches(3.6), Inches(1.4))
_LIST_STYLES = {"bullet": "List Bullet", "numbered": "List Number"}
_MOTION_STYLES = {"kind": "Motion Kind", "moved": "Motion Mover"}
_MOTION_STYLES |= {"text": "Motion Text", "result": "Motion Result"}
# Word rejects a document whose property elements are out of schema order, so
# new ones go in before the successors (ECMA-376 CT_PPr, CT_TblPr, CT_TcPr) that
# python-docx may already have written.
_AFTER_PBDR = "w:shd w:tabs w:spacing w:ind w:contextualSpacing w:jc w:rPr".split()
_AFTER_TABLE_BORDERS = "w:shd w:tblLayout w:tblCellMar w:tblLook".split()
_AFTER_CELL_SHD = "w:noWrap w:tcMar w:textDirection w:tcFitText w:vAlign".split()


def minutes_docx(document: MinutesDocument) -> bytes:
    """The minutes as a .docx file: title block, attendance, business, footer.

    Draft minutes carry "DRAFT – not yet approved" in every page header.
    """
    document = printable(document)  # python-docx refuses control characters
    word = docx.Document()
    _set_up_page(word, document)
    _add_styles(word)
    _set_properties(word, document)
    _write_title_block(word, document)
    _write_attendance(word, document)
    for section in document.sections:
        word.add_heading(f"{section.number}. {section.title}", level=1)
        for item in section.items:
            _write_item(word, item)
    if not document.sections:
        word.add_paragraph("No business was recorded for this meeting.")
    if document.adjourned:
        closing = word.add_paragraph(f"The meeting adjourned at {document.adjourned}.")
        closing.paragraph_format.space_before = Pt(18)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# Page set-up ---------------------------------------------------------------


def _set_up_page(word: Document, document: MinutesDocument) -> None:
    page = word.sections[0]
    page.left_margin = page.right_margin = _MARGIN
    page.top_margin = page.bottom_margin = _MARGIN
    if document.is_draft:
        mark = page.header.paragraphs[0]
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(DRAFT_MARK)
        run.bold = True
        run.font.size = Pt(13)
        run.font.color.rgb = _DRAFT_RED
    footer = page.footer.paragraphs[0]
    tab_stops = footer.paragraph_format.tab_stops
    # The template's Footer style has a centre tab the label would jump to.
    for inherited in word.styles["Footer"].paragraph_format.tab_stops:
        tab_stops.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
    tab_stops.add_tab_stop(_TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"{footer_label(document)}\tPage ")
    _add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = _GRAY


def _add_field(paragraph: Paragraph, code: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill when laid out."""
    _field_char(paragraph, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run(placeholder)  # shown until the field is first updated
    _field_char(paragraph, "end")


def _field_char(paragraph: Paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _add_styles(word: Document) -> None:
    styles = word.styles
    normal = styles["Normal"]
    # The template's body face is Cambria; one sans face throughout matches the
    # PDF export and the headings (Calibri).
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    for level, before, after in ((1, 18, 0), (2, 12, 4), (3, 10, 3), (4, 10, 3)):
        heading = styles[f"Heading {level}"]
        heading.font.color.rgb = _ACCENT
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(after)

    kind = _add_style(word, "Motion Kind", bold=True, keep=True, before=10, after=2)
    kind.font.size = Pt(9.5)
    kind.font.color.rgb = _ACCENT
    kind.font.all_caps = True
    _add_style(word, "Motion Mover", italic=True, keep=True, before=0, after=2)
    _add_style(word, "Minutes Note", before=4, after=4)  # under tables, recusals
    _add_style(word, "Motion Result", bold=True, before=6, after=10)
    label = _add_style(word, "Minutes Label", bold=True, keep=True, before=12, after=4)
    label.font.size = Pt(11.5)
    label.font.color.rgb = _ACCENT
    text = _add_style(word, "Motion Text", before=2, after=6)
    text.paragraph_format.left_indent = Inches(0.2)
    # A rule down the left and a light fill set the motion off from discussion;
    # borders in the fill colour pad the shaded box above, below and right.
    borders = OxmlElement("w:pBdr")
    for side, size, color, space in (
        ("top", "4", _MOTION_FILL, "4"),
        ("left", "18", "1F3A5F", "8"),
        ("bottom", "4", _MOTION_FILL, "4"),
        ("right", "4", _MOTION_FILL, "4"),
    ):
        borders.append(_border(side, size, color, space=space))
    properties = text.element.get_or_add_pPr()
    properties.insert_element_before(borders, *_AFTER_PBDR)
    properties.insert_element_before(_shading(_MOTION_FILL), *_AFTER_PBDR[1:])


def _add_style(
    word: Document,
    name: str,
    *,
    before: float,
    after: float,
    bold: bool = False,
    italic: bool = False,
    keep: bool = False,
) -> ParagraphStyle:
    """A paragraph style based on Normal; ``keep`` keeps it with the next one."""
    style = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = word.styles["Normal"]
    style.font.bold = bold
    style.font.italic = italic
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(after)
    style.paragraph_format.keep_with_next = keep
    return style


def _set_properties(word: Document, document: MinutesDocument) -> None:
    # Overwrite every field the python-docx template fills ("python-docx",
    # "generated by python-docx", 2013 dates): only the city is named.
    properties = word.core_properties
    title = f"{document.body_name} minutes {short_date(document.starts_at)}"
    properties.title = title[:255]  # the most a core property may hold
    properties.subject = minutes_heading(document)[:255]
    properties.author = properties.last_modified_by = document.city_name[:255]
    properties.comments = ""
    properties.category = "Minutes"
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0, tzinfo=None)
    properties.created = properties.modified = now


# Title block and attendance -----------------------------------------------


def _write_title_block(word: Document, document: MinutesDocument) -> None:
    status_color = _DRAFT_RED if document.is_draft else _ACCENT
    lines = (
        (document.city_name.upper(), 10, False, _GRAY, 2),
        (document.body_name, 20, True, _ACCENT, 2),
        (minutes_heading(document), 14, False, None, 2),
        (date_and_time(document), 11, False, None, 2),
        (document.location, 11, False, None, 8),
        (document.status, 11, True, status_color, 12),
    )
    for text, size, bold, color, after in lines:
        paragraph = word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(after)
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        if color is not None:
            run.font.color.rgb = color
    # A rule under the status line closes the title block.
    borders = OxmlElement("w:pBdr")
    borders.append(_border("bottom", "8", "1F3A5F", space="8"))
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def _write_attendance(word: Document, document: MinutesDocument) -> None:
    word.add_paragraph("Attendance", style="Minutes Label")
    if document.attendees:
        rows = [(a.name, a.role, a.status) for a in document.attendees]
        _table(word, ("Name", "Role", "Attendance"), rows, _ATTENDANCE_WIDTHS)
    else:
        word.add_paragraph("No attendance was recorded.")
    lines = (
        ("", document.quorum_note),
        ("Staff present: ", ", ".join(document.staff_present)),
        ("Called to order: ", document.called_to_order),
    )
    for label, text in filter(lambda line: line[1], lines):
        paragraph = word.add_paragraph(style="Minutes Note")
        if label:
            paragraph.add_run(label).bold = True
        paragraph.add_run(text)


# Business ------------------------------------------------------------------


def _write_item(word: Document, item: MinutesItem) -> None:
    word.add_heading(f"{item.number} {item.title}", level=2)
    lists: dict[str, int] = {}  # list style -> its current numbering instance
    for block in discussion_blocks(item.discussion_html):
        _write_block(word, block, lists)
    for motion in item.motions:
        _write_motion(word, motion)


def _write_block(word: Document, block: DiscussionBlock, lists: dict[str, int]) -> None:
    depth = min(block.depth, 3)
    if block.style in ("heading3", "heading4"):
        paragraph = word.add_heading(level=3 if block.style == "heading3" else 4)
    elif block.style in _LIST_STYLES:
        style = _LIST_STYLES[block.style] + (f" {depth}" if depth > 1 else "")
        paragraph = word.add_paragraph(style=style)
        if block.style == "numbered":
            if block.ordinal == 1 or style not in lists:
                lists[style] = _new_numbering(word, style)
            numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbering.get_or_add_ilvl().val = 0
            numbering.get_or_add_numId().val = lists[style]
    elif depth:
        style = "List Continue" + (f" {depth}" if depth > 1 else "")
        paragraph = word.add_paragraph(style=style)
    else:
        paragraph = word.add_paragraph()
    for run in block.runs:
        if run.text == "\n":
            paragraph.add_run().add_break()
            continue
        added = paragraph.add_run(run.text)
        added.bold = run.bold or None
        added.italic = run.italic or None
        if run.href:
            _make_link(paragraph, added, run.href)


def _make_link(paragraph: Paragraph, run: Run, href: str) -> None:
    """Wrap an added run in a w:hyperlink to an external address."""
    r_id = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run.font.underline = True
    run.font.color.rgb = _LINK_BLUE
    run._r.addprevious(link)
    link.append(run._r)  # lxml moves the run into the hyperlink


def _new_numbering(word: Document, style: str) -> int:
    """A new Word numbering instance for a "List Number" style, from 1.

    Every paragraph of a list style shares one numbering instance, so a second
    <ol> in the minutes would otherwise go on counting from the first.
    """
    numbering = word.part.numbering_part.element
    style_num = word.styles[style].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return int(num.numId)


def _write_motion(word: Document, motion: MotionRecord) -> None:
    for line in motion_lines(motion):
        if line.role == "votes":
            rows = [(vote.member, vote.option) for vote in motion.votes]
            _table(word, ("Member", "Vote"), rows, _ROLL_CALL_WIDTHS)
            continue
        style = _MOTION_STYLES.get(line.role, "Minutes Note")
        paragraph = word.add_paragraph(style=style)
        if line.label:
            paragraph.add_run(line.label).bold = True
        paragraph.add_run(line.text)


# Tables --------------------------------------------------------------------


def _table(
    word: Document,
    headings: tuple[str, ...],
    rows: list[tuple[str, ...]],
    widths: tuple[int, ...],
) -> None:
    """A bordered table whose heading row Word repeats on every page."""
    table = word.add_table(rows=1, cols=len(headings))
    table.style = word.styles["Table Grid"]
    # Grey rules instead of Table Grid's black ones.
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_border(side, "4", "A0AAB6", space="0"))
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TABLE_BORDERS)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for index, cells in enumerate([headings, *rows]):
        row = table.add_row() if index else table.rows[0]
        # A row never splits across pages; the heading row repeats on each.
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(OxmlElement("w:cantSplit"))
        if not index:
            row_properties.append(OxmlElement("w:tblHeader"))
        for cell, text, width in zip(row.cells, cells, widths, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_before = Pt(3)
            paragraph.paragraph_format.space_after = Pt(3)
            run = paragraph.add_run(text)
            run.font.size = Pt(10)
            if not index:
                run.bold = True
                shading = _shading(_HEADER_FILL)
                cell._tc.get_or_add_tcPr().insert_element_before(
                    shading, *_AFTER_CELL_SHD
                )
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def _shading(fill: str) -> BaseOxmlElement:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    return shading


def _border(side: str, size: str, color: str, *, space: str) -> BaseOxmlElement:
    border = OxmlElement(f"w:{side}")
    border.set(qn("w:val"), "single")
    border.set(qn("w:sz"), size)
    border.set(qn("w:space"), space)
    border.set(qn("w:color"), color)
    return border
