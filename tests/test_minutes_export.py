"""Minutes exported to Word and PDF, read back with python-docx and pypdf.

No database: the exporters take plain dataclasses.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from council import pdf_fonts
from meetings.minutes_export import (
    Attendee,
    MinutesDocument,
    MinutesItem,
    MinutesSection,
    MotionRecord,
    RollCallVote,
    minutes_docx,
    minutes_pdf,
)
from meetings.minutes_export.document import discussion_blocks

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "minutes"
PACIFIC = ZoneInfo("America/Vancouver")

MEMBERS = (
    ("Mayor Élise Bélanger", "Chair", "Present"),
    ("Councillor Daniel Reyes", "Vice-chair", "Present"),
    ("Councillor Priya Natarajan", "Member", "Late (arrived 18:40)"),
    ("Councillor Tomás Ó Briain", "Member", "Remote"),
    ("Councillor Margaret O’Connor", "Member", "Absent"),
    ("Councillor Samuel Okafor", "Member", "Present"),
    ("Councillor Hannah Lindqvist", "Member", "Left early (21:05)"),
    ("Councillor Wei Zhang", "Member", "Present"),
    ("Councillor Joseph Whitehorse", "Member", "Present"),
)
NAMES = tuple(name for name, _, _ in MEMBERS)
ABSENT = "Councillor Margaret O’Connor"
RECUSED = "Councillor Samuel Okafor"
CONFLICT = "owns the property adjacent to 14 Wharf Street"

DISCUSSION = """
<p>The Director of Planning presented the staff report on the
<b>Harbourfront rezoning</b> &amp; the <i>Wharf Street</i> design guidelines
(see the <a href="https://portalder.example/reports/2025-118">report</a>).</p>
<h3>Public input</h3>
<p>Council heard from three delegations:</p>
<ol>
  <li>The Harbour Residents’ Association, opposed to the height;</li>
  <li>Port Alder Chamber of Commerce, in favour:
    <ul><li>new jobs on the waterfront</li><li>a café &amp; public plaza</li></ul>
  </li>
  <li>Mr. René Lefèvre, on parking.</li>
</ol>
<p>Members asked about shadowing of the seawall in winter,<br>the 15&nbsp;m
setback and the community amenity contribution &ndash; staff said the
contribution is <strong>$1.2 million</strong>.</p>
<h4>Staff follow-up</h4>
<ul><li>traffic study before third reading</li></ul>
"""


def roll_call(
    options: dict[str, str], default: str = "Yes"
) -> tuple[RollCallVote, ...]:
    """One vote per member: ``default`` unless named in ``options``."""
    return tuple(RollCallVote(name, options.get(name, default)) for name in NAMES)


def counted(votes: tuple[RollCallVote, ...]) -> tuple[tuple[str, int], ...]:
    options = ("Yes", "No", "Abstain", "Absent", "Recused")
    return tuple(
        (option, sum(vote.option == option for vote in votes)) for option in options
    )


def motion(votes: tuple[RollCallVote, ...] = (), **fields: Any) -> MotionRecord:
    """A motion moved and seconded as usual, counted from ``votes``."""
    plain = MotionRecord(
        kind="Main motion",
        text="That Council approve the recommendation.",
        mover="Councillor Daniel Reyes",
        seconder="Councillor Wei Zhang",
        result="Carried",
        counts=counted(votes) if votes else (),
        votes=votes,
        recusals=(),
    )
    return dataclasses.replace(plain, **fields)


CONSENT_VOTES = roll_call({ABSENT: "Absent"})
AMENDMENT_VOTES = roll_call(
    {
        ABSENT: "Absent",
        RECUSED: "Recused",
        "Councillor Wei Zhang": "No",
        "Councillor Joseph Whitehorse": "No",
    }
)
MAIN_VOTES = roll_call(
    {
        ABSENT: "Absent",
        RECUSED: "Recused",
        "Councillor Wei Zhang": "No",
        "Councillor Joseph Whitehorse": "No",
        "Councillor Hannah Lindqvist": "No",
    }
)
TIE_VOTES = roll_call(
    {
        ABSENT: "Absent",
        "Councillor Daniel Reyes": "No",
        "Councillor Samuel Okafor": "No",
        "Councillor Wei Zhang": "No",
        "Councillor Joseph Whitehorse": "No",
    }
)
RESULTS = (
    "Carried unanimously (voice vote)",
    "Carried 8–0 (majority of votes cast)",
    "Carried 5–2 (majority of votes cast)",
    "Carried 4–3 (majority of votes cast)",
    "Defeated 4–4 (tie fails)",
)


def council_minutes(*, is_draft: bool = True) -> MinutesDocument:
    """A realistic regular meeting: consent vote, amendment, recusal, a tie."""
    sections = (
        MinutesSection(
            "1",
            "Call to Order",
            (
                MinutesItem(
                    "1.a",
                    "Adoption of the Agenda",
                    "<p>The agenda was adopted as circulated.</p>",
                    (motion(kind="Main motion", result=RESULTS[0]),),
                ),
                MinutesItem("1.b", "Land Acknowledgement", "", ()),
            ),
        ),
        MinutesSection(
            "2",
            "Consent Agenda",
            (
                MinutesItem("2.a", "Correspondence Received", "", ()),
                MinutesItem("2.b", "Building Permits – October Report", "", ()),
                MinutesItem(
                    "2.c",
                    "Adoption of the Consent Agenda",
                    "",
                    (
                        motion(
                            kind="Consent motion",
                            text="That Council adopt items 2.a and 2.b as listed.",
                            votes=CONSENT_VOTES,
                            result=RESULTS[1],
                            consent_items=("2.a", "2.b"),
                        ),
                    ),
                ),
            ),
        ),
        MinutesSection(
            "3",
            "Bylaws and Reports",
            (
                MinutesItem(
                    "3.a",
                    "Harbourfront Rezoning – 14 Wharf Street (Bylaw 2025-31)",
                    DISCUSSION,
                    (
                        motion(
                            kind="Amendment",
                            text="That the motion be amended by reducing the "
                            "maximum height from 8 to 6 storeys.",
                            mover="Councillor Priya Natarajan",
                            seconder="Councillor Tomás Ó Briain",
                            votes=AMENDMENT_VOTES,
                            recusals=((RECUSED, CONFLICT),),
                            result=RESULTS[2],
                        ),
                        motion(
                            kind="Main motion",
                            text="That Council give second reading to Zoning "
                            "Amendment Bylaw 2025-31 (14 Wharf Street), as "
                            "amended, and refer it to a public hearing on "
                            "9 December 2025.",
                            votes=MAIN_VOTES,
                            recusals=((RECUSED, CONFLICT),),
                            result=RESULTS[3],
                        ),
                    ),
                ),
                MinutesItem(
                    "3.b",
                    "Downtown Parking Strategy",
                    "<p>Staff reviewed paid parking on <em>Front Street</em>.</p>",
                    (
                        motion(
                            text="That Council endorse the Downtown Parking Strategy.",
                            mover="Councillor Hannah Lindqvist",
                            seconder="",
                            votes=TIE_VOTES,
                            result=RESULTS[4],
                        ),
                    ),
                ),
            ),
        ),
    )
    return MinutesDocument(
        city_name="City of Port Alder",
        body_name="Council",
        meeting_title="Regular Council Meeting",
        starts_at=datetime.datetime(2025, 11, 25, 18, 0, tzinfo=PACIFIC),
        location="Council Chambers, City Hall, 100 Harbour Street",
        status=(
            "DRAFT – not yet approved"
            if is_draft
            else "Approved by Council on 9 December 2025"
        ),
        is_draft=is_draft,
        attendees=tuple(Attendee(*member) for member in MEMBERS),
        staff_present=(
            "Alicia Fernández, City Clerk",
            "Marcus Hale, Chief Administrative Officer",
            "Ruth Kowalczyk, Director of Planning",
        ),
        called_to_order="18:02",
        adjourned="21:14",
        sections=sections,
        quorum_note="Quorum: 8 of 9 present (majority of all seats)",
    )


def edge_case_minutes() -> MinutesDocument:
    """Long motion text, 30 roll-call rows, nested lists, entities, no motions."""
    thirty = tuple(
        RollCallVote(f"Director {n:02d} Bélanger–Ó Briain", "Yes" if n % 3 else "No")
        for n in range(1, 31)
    )
    long_text = "That the Board " + " ".join(
        f"direct staff to report on measure {n} of the ’Harbour–Plan’ (café);"
        for n in range(1, 90)
    )
    nested = (
        "<ul><li>one<ol><li>one.a &eacute;<ul><li>deep &amp; deeper</li></ul></li>"
        "</ol></li><li>two</li></ul><p>broken <b>bold <i>both</p><li>stray</li>"
        "<table><tr><td>cell</td></tr></table><script>alert('x')</script>&bogus;"
    )
    sections = (
        MinutesSection("1", "Empty Section", ()),
        MinutesSection(
            "2",
            "Board Business",
            (
                MinutesItem("2.a", "Item Without Discussion", "", ()),
                MinutesItem("2.b", "Nested Lists – é ’", nested, ()),
                MinutesItem(
                    "2.c",
                    "Long Roll Call",
                    "",
                    (
                        motion(
                            text=long_text,
                            votes=thirty,
                            counts=counted(thirty),
                            result="Carried 20–10 (majority of votes cast)",
                        ),
                    ),
                ),
            ),
        ),
    )
    return dataclasses.replace(
        council_minutes(),
        body_name="Harbour Board",
        sections=sections,
        adjourned="",
        quorum_note="",
    )


# Reading back --------------------------------------------------------------


def read_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def docx_text(word: docx.document.Document) -> str:
    return "\n".join(paragraph.text for paragraph in word.paragraphs)


def table_rows(table: docx.table.Table) -> list[tuple[str, ...]]:
    return [tuple(cell.text for cell in row.cells) for row in table.rows]


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text with runs of whitespace made single spaces."""
    return [
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(data)).pages
    ]


@pytest.fixture(scope="module")
def draft_docx() -> docx.document.Document:
    return read_docx(minutes_docx(council_minutes()))


@pytest.fixture(scope="module")
def draft_pdf() -> bytes:
    return minutes_pdf(council_minutes())


# DOCX ----------------------------------------------------------------------


def test_docx_headings_in_order(draft_docx):
    headings = [
        (paragraph.style.name, paragraph.text)
        for paragraph in draft_docx.paragraphs
        if paragraph.style.name in ("Heading 1", "Heading 2")
    ]
    assert headings == [
        ("Heading 1", "1. Call to Order"),
        ("Heading 2", "1.a Adoption of the Agenda"),
        ("Heading 2", "1.b Land Acknowledgement"),
        ("Heading 1", "2. Consent Agenda"),
        ("Heading 2", "2.a Correspondence Received"),
        ("Heading 2", "2.b Building Permits – October Report"),
        ("Heading 2", "2.c Adoption of the Consent Agenda"),
        ("Heading 1", "3. Bylaws and Reports"),
        ("Heading 2", "3.a Harbourfront Rezoning – 14 Wharf Street (Bylaw 2025-31)"),
        ("Heading 2", "3.b Downtown Parking Strategy"),
    ]


def test_docx_title_block_and_attendance(draft_docx):
    text = docx_text(draft_docx)
    for line in (
        "City of Port Alder".upper(),
        "Minutes of the Regular Council Meeting",
        "Tuesday 25 November 2025 at 18:00",
        "Council Chambers, City Hall, 100 Harbour Street",
        "Staff present: Alicia Fernández, City Clerk, Marcus Hale",
        "Called to order: 18:02",
        "Quorum: 8 of 9 present (majority of all seats)",
        "The meeting adjourned at 21:14.",
    ):
        assert line in text
    attendance = table_rows(draft_docx.tables[0])
    assert attendance[0] == ("Name", "Role", "Attendance")
    assert attendance[1:] == list(MEMBERS)


def test_docx_motions_roll_calls_counts_and_results(draft_docx):
    rows = [table_rows(table) for table in draft_docx.tables[1:]]
    # Consent, amendment, main motion, tie: the voice vote has no table.
    assert [len(table) for table in rows] == [10, 10, 10, 10]
    assert all(table[0] == ("Member", "Vote") for table in rows)
    expected = (CONSENT_VOTES, AMENDMENT_VOTES, MAIN_VOTES, TIE_VOTES)
    for table, votes in zip(rows, expected, strict=True):
        assert table[1:] == [(vote.member, vote.option) for vote in votes]

    paragraphs = {p.text: p for p in draft_docx.paragraphs}
    for result in RESULTS:
        assert paragraphs[result].style.name == "Motion Result"
        assert paragraphs[result].style.font.bold
    assert "Count: Yes 4 · No 4 · Abstain 0 · Absent 1 · Recused 0" in paragraphs
    assert "Count: Yes 4 · No 3 · Abstain 0 · Absent 1 · Recused 1" in paragraphs
    recusal = f"Recusal: {RECUSED} declared a conflict of interest: {CONFLICT}"
    assert recusal in paragraphs
    assert "Items passed together: 2.a, 2.b" in paragraphs
    assert "Moved by Councillor Hannah Lindqvist." in paragraphs
    assert (
        "Moved by Councillor Priya Natarajan, seconded by Councillor Tomás Ó Briain."
        in paragraphs
    )
    kinds = [p.text for p in draft_docx.paragraphs if p.style.name == "Motion Kind"]
    assert kinds == [
        "Main motion",
        "Consent motion",
        "Amendment",
        "Main motion",
        "Main motion",
    ]


def test_docx_discussion_keeps_rich_text(draft_docx):
    paragraphs = draft_docx.paragraphs
    first = next(p for p in paragraphs if p.text.startswith("The Director of"))
    assert "Harbourfront rezoning & the Wharf Street design" in first.text
    assert [r.text for r in first.runs if r.bold] == ["Harbourfront rezoning"]
    assert [r.text for r in first.runs if r.italic] == ["Wharf Street"]
    assert first.hyperlinks[0].address == "https://portalder.example/reports/2025-118"
    styles = [(p.style.name, p.text) for p in paragraphs if "List" in p.style.name]
    assert styles == [
        ("List Number", "The Harbour Residents’ Association, opposed to the height;"),
        ("List Number", "Port Alder Chamber of Commerce, in favour:"),
        ("List Bullet 2", "new jobs on the waterfront"),
        ("List Bullet 2", "a café & public plaza"),
        ("List Number", "Mr. René Lefèvre, on parking."),
        ("List Bullet", "traffic study before third reading"),
    ]
    assert [p.text for p in paragraphs if p.style.name == "Heading 3"] == [
        "Public input"
    ]
    shadowing = next(p for p in paragraphs if "shadowing" in p.text)
    assert "winter,\nthe 15\xa0m setback" in shadowing.text  # <br> and &nbsp;


def test_docx_footer_has_page_fields(draft_docx):
    footer = draft_docx.sections[0].footer._element
    codes = [node.text.strip() for node in footer.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    chars = [node.get(qn("w:fldCharType")) for node in footer.iter(qn("w:fldChar"))]
    assert chars == ["begin", "separate", "end"] * 2
    text = draft_docx.sections[0].footer.paragraphs[0].text
    assert text.startswith("Council · 25 November 2025\tPage ")


def test_docx_draft_marker_only_in_drafts(draft_docx):
    header = draft_docx.sections[0].header
    assert [p.text for p in header.paragraphs] == ["DRAFT – not yet approved"]
    assert "DRAFT – not yet approved" in docx_text(draft_docx)

    approved = read_docx(minutes_docx(council_minutes(is_draft=False)))
    header_text = "".join(p.text for p in approved.sections[0].header.paragraphs)
    assert "DRAFT" not in header_text
    assert "DRAFT" not in docx_text(approved)
    assert "Approved by Council on 9 December 2025" in docx_text(approved)


def test_docx_properties_name_only_the_city(draft_docx):
    properties = draft_docx.core_properties
    assert properties.title == "Council minutes 25 November 2025"
    assert properties.author == properties.last_modified_by == "City of Port Alder"
    assert "python-docx" not in (properties.comments + properties.author)
    assert properties.created.year >= 2025


# PDF -----------------------------------------------------------------------


def test_pdf_contains_items_votes_and_results(draft_pdf):
    text = " ".join(pdf_pages(draft_pdf))
    headings = [
        heading
        for section in council_minutes().sections
        for heading in [f"{section.number}. {section.title}"]
        + [f"{item.number} {item.title}" for item in section.items]
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)  # in agenda order
    for votes in (CONSENT_VOTES, AMENDMENT_VOTES, MAIN_VOTES, TIE_VOTES):
        for vote in votes:
            assert f"{vote.member} {vote.option}" in text
    for member, role, status in MEMBERS:
        assert f"{member} {role} {status}" in text
    for result in RESULTS:
        assert result in text
    assert "Count: Yes 5 · No 2 · Abstain 0 · Absent 1 · Recused 1" in text
    assert f"{RECUSED} declared a conflict of interest: {CONFLICT}" in text
    assert "Items passed together: 2.a, 2.b" in text
    assert "a café & public plaza" in text
    assert "The meeting adjourned at 21:14." in text


def test_pdf_footer_numbers_pages_of_total(draft_pdf):
    pages = pdf_pages(draft_pdf)
    total = len(pages)
    assert total >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Council · 25 November 2025 · page {number} of {total}" in text
    assert "{nb}" not in " ".join(pages)


def test_pdf_draft_watermark_only_in_drafts(draft_pdf):
    assert all("DRAFT" in text for text in pdf_pages(draft_pdf))
    approved = pdf_pages(minutes_pdf(council_minutes(is_draft=False)))
    assert not any("DRAFT" in text for text in approved)
    assert "Approved by Council on 9 December 2025" in approved[0]


def test_pdf_metadata_and_outline(draft_pdf):
    reader = PdfReader(io.BytesIO(draft_pdf))
    assert reader.metadata.title == "Council minutes 25 November 2025"
    assert reader.metadata.author == "City of Port Alder"
    # Sections are top-level bookmarks, each with its items nested under it.
    outline = reader.outline
    sections = [entry.title for entry in outline if not isinstance(entry, list)]
    assert sections == [
        "1. Call to Order",
        "2. Consent Agenda",
        "3. Bylaws and Reports",
    ]
    assert [entry.title for entry in outline[1]] == [
        "1.a Adoption of the Agenda",
        "1.b Land Acknowledgement",
    ]


# Edge cases ----------------------------------------------------------------


def test_edge_cases_docx():
    word = read_docx(minutes_docx(edge_case_minutes()))
    text = docx_text(word)
    assert "That the Board direct staff" in text and "measure 89" in text
    roll = table_rows(word.tables[1])
    assert len(roll) == 31 and roll[30] == ("Director 30 Bélanger–Ó Briain", "No")
    header_row = word.tables[1].rows[0]._tr
    assert header_row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert "deep & deeper" in text and "one.a é" in text and "cell" in text
    assert "alert" not in text and "&bogus;" in text
    assert "adjourned" not in text


def test_edge_cases_pdf():
    pages = pdf_pages(minutes_pdf(edge_case_minutes()))
    text = " ".join(pages)
    for n in range(1, 31):
        assert f"Director {n:02d} Bélanger–Ó Briain" in text
    # The 30-row table crosses a page, and its heading row comes along.
    spanning = [
        page for page in pages if "Director 30" in page or "Director 01" in page
    ]
    assert len(spanning) == 2
    assert all("Member Vote" in page for page in spanning)
    assert "measure 89 of the ’Harbour–Plan’ (café);" in text
    assert "deep & deeper" in text and "one.a é" in text
    assert f"page {len(pages)} of {len(pages)}" in pages[-1]


def test_no_sections_and_no_attendees():
    empty = dataclasses.replace(
        council_minutes(is_draft=False),
        sections=(),
        attendees=(),
        staff_present=(),
        adjourned="",
    )
    word = read_docx(minutes_docx(empty))
    assert "No business was recorded for this meeting." in docx_text(word)
    assert word.tables == []
    pages = pdf_pages(minutes_pdf(empty))
    assert len(pages) == 1 and "page 1 of 1" in pages[0]
    assert "No business was recorded for this meeting." in pages[0]


def test_pdf_without_dejavu_falls_back_to_helvetica(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "DEJAVU_DIR", tmp_path / "no-fonts")
    document = dataclasses.replace(
        council_minutes(), location="Salle du conseil – Łódź 会议室"
    )
    text = " ".join(pdf_pages(minutes_pdf(document)))
    assert "Mayor Élise Bélanger" in text  # WinAnsi has é, – and ’
    assert "Salle du conseil – Lódz ???" in text  # Ł, ź and CJK are not
    assert "Defeated 4–4 (tie fails)" in text


def test_control_characters_pasted_from_word_become_spaces():
    item = MinutesItem("1.a", "Budget\x0bUpdate", "<p>Line&#11;one\x0ctwo</p>", ())
    document = dataclasses.replace(
        council_minutes(),
        location="City Hall\x00Annex",
        sections=(MinutesSection("1", "S", (item,)),),
    )
    text = docx_text(read_docx(minutes_docx(document)))
    assert "1.a Budget Update" in text and "City Hall Annex" in text
    assert "Lineone two" in text  # HTML drops the control character reference
    pdf_text = " ".join(pdf_pages(minutes_pdf(document)))
    assert "1.a Budget Update" in pdf_text and "Lineone two" in pdf_text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<br><br>",
        "</p></li></ul><b>",
        "<<<>>>",
        "<a href='javascript:alert(1)'>x</a>",
        "<p>unterminated &amp",
        "<ol><li><ol><li><ol><li><ol><li>four deep</li></ol></li></ol></li></ol>",
    ],
)
def test_odd_discussion_html_never_raises(html):
    blocks = discussion_blocks(html)
    assert all(run.href == "" for block in blocks for run in block.runs)
    item = MinutesItem("1.a", "Odd", html, ())
    document = dataclasses.replace(
        council_minutes(), sections=(MinutesSection("1", "S", (item,)),)
    )
    assert minutes_docx(document)[:2] == b"PK"
    assert minutes_pdf(document)[:5] == b"%PDF-"


def test_numbered_lists_restart_in_docx():
    html = "<ol><li>a</li><li>b</li></ol><p>between</p><ol><li>c</li></ol>"
    blocks = discussion_blocks(html)
    assert [(b.style, b.ordinal) for b in blocks] == [
        ("numbered", 1),
        ("numbered", 2),
        ("paragraph", 0),
        ("numbered", 1),
    ]
    item = MinutesItem("1.a", "Lists", html, ())
    document = dataclasses.replace(
        council_minutes(), sections=(MinutesSection("1", "S", (item,)),)
    )
    word = read_docx(minutes_docx(document))
    listed = [p for p in word.paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in listed]
    assert num_ids[0] == num_ids[1] != num_ids[2]


# Rendering -------------------------------------------------------------------


def test_render_pages_for_review(draft_pdf):
    """PNGs of the PDF export in test-artifacts/minutes/, to look at."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, data in (
        ("draft", draft_pdf),
        ("approved", minutes_pdf(council_minutes(is_draft=False))),
        ("edge", minutes_pdf(edge_case_minutes())),
    ):
        path = ARTIFACTS / f"{name}.pdf"
        path.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / name)],
            check=True,
        )
    pngs = sorted(p.name for p in ARTIFACTS.glob("draft-*.png"))
    assert pngs and re.fullmatch(r"draft-0*1\.png", pngs[0])
