"""The board pack compiler, on real PDF, DOCX and text files (no database)."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, RectangleObject

from meetings.packs import (
    PackAttachment,
    PackCompilationError,
    PackItem,
    PackResult,
    PackSection,
    PackSpec,
    compile_pack,
)
from meetings.packs.docx_to_pdf import find_libreoffice

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "packs"
SECRET = "Expropriation of Harbour Lot Zanzibar"  # the item left out of the pack


# Files ---------------------------------------------------------------------


def make_pdf(path: Path, pages: list[str], *, metadata_title: str = "") -> Path:
    """A real PDF with one line of text per page (and optional own metadata)."""
    pdf = FPDF(format="letter")
    if metadata_title:
        pdf.set_title(metadata_title)
        pdf.set_subject(metadata_title)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.text(25, 40, text)
        if metadata_title:
            pdf.start_section(metadata_title)  # a bookmark in the source file
    pdf.output(str(path))
    return path


def make_docx(path: Path, heading: str, body: str, cells: list[str]) -> Path:
    document = docx.Document()
    document.add_heading(heading, level=1)
    document.add_paragraph(body)
    table = document.add_table(rows=1, cols=len(cells))
    for cell, text in zip(table.rows[0].cells, cells, strict=True):
        cell.text = text
    document.save(str(path))
    return path


def attach(title: str, path: Path, mime_type: str = PDF) -> PackAttachment:
    return PackAttachment(title, lambda: path.open("rb"), mime_type)


def attach_bytes(title: str, data: bytes, mime_type: str = PDF) -> PackAttachment:
    return PackAttachment(title, lambda: io.BytesIO(data), mime_type)


def make_spec(sections: tuple[PackSection, ...], **overrides: object) -> PackSpec:
    fields: dict[str, object] = {
        "body_name": "City Council",
        "meeting_title": "Regular meeting",
        "starts_at": datetime.datetime(
            2026, 4, 14, 19, 0, tzinfo=ZoneInfo("America/Toronto")
        ),
        "location": "Council Chamber, City Hall",
        "version": 3,
        "edition": "Public pack",
        "sections": sections,
    }
    fields.update(overrides)
    return PackSpec(**fields)  # type: ignore[arg-type]


def compile_to(spec: PackSpec, path: Path, **kwargs: object) -> PackResult:
    with path.open("wb") as output:
        return compile_pack(spec, output, **kwargs)  # type: ignore[arg-type]


# Reading the pack back -------------------------------------------------------


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def toc_numbers(texts: list[str], toc_pages: range) -> dict[str, int]:
    """Label -> page number, for every contents row "label . . . . 12"."""
    rows = {}
    for index in toc_pages:
        for line in texts[index].splitlines():
            match = re.fullmatch(r"(.+?)\s*(?:\.\s*)*\s(\d+)", line.strip())
            if match and "page" not in line:
                rows[match.group(1).strip()] = int(match.group(2))
    return rows


def first_page_with(texts: list[str], needle: str) -> int:
    """1-based number of the first page whose text contains ``needle``."""
    return next(n for n, text in enumerate(texts, 1) if needle in text)


def decompressed_bytes(path: Path) -> bytes:
    """Every object of the file with its streams decoded (for leak searches)."""
    if shutil.which("qpdf"):
        result = subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(path), "-"],
            capture_output=True,
            check=False,
        )
        assert result.returncode in (0, 3), result.stderr  # 3: warnings only
        return result.stdout
    reader = PdfReader(path)
    chunks = []
    for idnum in reader.xref[0]:
        obj = reader.get_object(idnum)
        chunks.append(repr(obj).encode())
        if hasattr(obj, "get_data"):
            chunks.append(obj.get_data())
    return b"\n".join(chunks)


def outline_rows(reader: PdfReader, outline: list | None = None, depth: int = 0):
    """(depth, title, 1-based page) for the whole outline, in order."""
    rows = []
    for entry in reader.outline if outline is None else outline:
        if isinstance(entry, list):
            rows += outline_rows(reader, entry, depth + 1)
        else:
            page = reader.get_destination_page_number(entry) + 1
            rows.append((depth, entry.title, page))
    return rows


def link_targets(reader: PdfReader, page_numbers: range) -> list[int]:
    """Destinations of the link annotations on the pages, top to bottom."""
    page_ids = {p.indirect_reference.idnum: n for n, p in enumerate(reader.pages, 1)}
    targets = []
    for index in page_numbers:
        page = reader.pages[index]
        links = [a.get_object() for a in page.get("/Annots", [])]
        links.sort(key=lambda a: -float(a["/Rect"][3]))
        for link in links:
            assert link["/Subtype"] == "/Link"
            targets.append(page_ids[link.raw_get("/Dest")[0].idnum])
    return targets


# The sample pack -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    """A public pack: empty section, PDFs with their own metadata, DOCX, text.

    The members' agenda also has item 3.c (SECRET); the public spec, as the
    caller builds it, leaves it out.
    """
    folder = tmp_path_factory.mktemp("sample")
    meta = "Private draft metadata Quokka"
    report = make_pdf(
        folder / "secret-file-name-report.pdf",
        [f"Budget report page {n}" for n in (1, 2, 3)],
        metadata_title=meta,
    )
    letter = make_pdf(folder / "letter.pdf", ["Letter from the ratepayers"])
    minutes = make_docx(
        folder / "minutes.docx",
        "Committee minutes",
        "The committee met and agreed on the bridge.",
        ["Motion 12", "Carried"],
    )
    text = folder / "note.txt"
    text.write_text("Plain note about snow clearing\n\nSecond line", encoding="utf-8")
    sections = (
        PackSection("1", "Call to order", ()),
        PackSection(
            "2",
            "Consent agenda",
            (
                PackItem(
                    "2.a",
                    "Operating budget 2026",
                    (
                        attach("Budget report", report),
                        attach("Ratepayers letter", letter),
                    ),
                    "That Council adopt the budget.\nThat staff report back.",
                ),
                PackItem("2.b", "Proclamations", ()),
            ),
        ),
    )
    reports = PackItem(
        "3.a",
        "Bridge committee",
        (attach("Committee minutes", minutes, DOCX), attach("Snow note", text, TEXT)),
    )
    closed = PackItem(
        "3.c",
        SECRET,
        (attach(f"Appraisal for {SECRET}", make_pdf(folder / "c.pdf", [SECRET])),),
    )
    # The members' pack has the closed-session item; the caller leaves it out
    # of the public spec.
    members = make_spec(
        (*sections, PackSection("3", "Reports", (reports, closed))),
        edition="Members' pack",
    )
    compile_to(members, folder / "members.pdf")
    spec = make_spec((*sections, PackSection("3", "Reports", (reports,))))
    path = folder / "pack.pdf"
    calls: list[tuple[int, int]] = []
    result = compile_to(
        spec, path, progress=lambda done, total: calls.append((done, total))
    )
    reader = PdfReader(path)
    return {
        "spec": spec,
        "result": result,
        "path": path,
        "reader": reader,
        "texts": page_texts(reader),
        "metadata_title": meta,
        "source_pdf": report,
        "members_path": folder / "members.pdf",
        "progress": calls,
    }


def test_page_count_and_order(sample):
    result, texts = sample["result"], sample["texts"]
    assert result.page_count == len(texts) == len(sample["reader"].pages)
    assert "BOARD PACK" in texts[0] and "Agenda version 3" in texts[0]
    assert "Public pack" in texts[0] and "Tuesday, April 14, 2026" in texts[0]
    assert "7:00 p.m." in texts[0] and "Council Chamber, City Hall" in texts[0]
    assert texts[1].startswith("Agenda")
    # Separator, then its attachments in order.
    item = result.item_pages["2.a"]
    assert "Item 2.a" in texts[item - 1] and "Operating budget 2026" in texts[item - 1]
    assert result.attachment_pages[("2.a", 0)] == item + 1
    for offset in range(3):
        assert f"Budget report page {offset + 1}" in texts[item + offset]
    assert (
        "Letter from the ratepayers" in texts[result.attachment_pages[("2.a", 1)] - 1]
    )
    # An item without attachments still gets its separator page.
    assert result.item_pages["2.b"] == result.attachment_pages[("2.a", 1)] + 1
    assert result.page_count == result.attachment_pages[("3.a", 1)]


def test_contents_page_numbers_are_where_things_start(sample):
    result, texts = sample["result"], sample["texts"]
    toc = toc_numbers(texts, range(1, 2))
    assert toc["2.a Operating budget 2026"] == result.item_pages["2.a"]
    assert toc["2.b Proclamations"] == result.item_pages["2.b"]
    assert toc["3.a Bridge committee"] == result.item_pages["3.a"]
    assert toc["Budget report"] == result.attachment_pages[("2.a", 0)]
    assert toc["Snow note"] == result.attachment_pages[("3.a", 1)]
    assert toc["2 Consent agenda"] == result.item_pages["2.a"]
    assert "1 Call to order" in texts[1]  # listed, but it has no page
    # ...and those are the pages where the separators really are.
    for number in ("2.a", "2.b", "3.a"):
        assert first_page_with(texts, f"Item {number}\n") == result.item_pages[number]
    assert first_page_with(texts, "Budget report page 1") == toc["Budget report"]


def test_contents_rows_link_to_their_pages(sample):
    result, reader = sample["result"], sample["reader"]
    pages = result.attachment_pages
    expected = [
        result.item_pages["2.a"],  # section 2
        result.item_pages["2.a"],
        pages[("2.a", 0)],
        pages[("2.a", 1)],
        result.item_pages["2.b"],
        result.item_pages["3.a"],  # section 3
        result.item_pages["3.a"],
        pages[("3.a", 0)],
        pages[("3.a", 1)],
    ]
    assert link_targets(reader, range(1, 2)) == expected


def test_outline_follows_sections_items_and_attachments(sample):
    result, reader = sample["result"], sample["reader"]
    pages = result.attachment_pages
    assert outline_rows(reader) == [
        (0, "Agenda", 2),
        (0, "2 Consent agenda", result.item_pages["2.a"]),
        (1, "2.a Operating budget 2026", result.item_pages["2.a"]),
        (2, "Budget report", pages[("2.a", 0)]),
        (2, "Ratepayers letter", pages[("2.a", 1)]),
        (1, "2.b Proclamations", result.item_pages["2.b"]),
        (0, "3 Reports", result.item_pages["3.a"]),
        (1, "3.a Bridge committee", result.item_pages["3.a"]),
        (2, "Committee minutes", pages[("3.a", 0)]),
        (2, "Snow note", pages[("3.a", 1)]),
    ]


def test_every_content_page_is_stamped_and_keeps_its_text(sample):
    texts, total = sample["texts"], sample["result"].page_count
    assert "page 1 of" not in texts[0]  # the cover stays clean
    for number, text in enumerate(texts[1:], 2):
        assert (
            f"City Council \u00b7 April 14, 2026 \u00b7 page {number} of {total}"
            in text
        )
    start = sample["result"].attachment_pages[("2.a", 0)]
    assert "Budget report page 2" in texts[start]


def test_metadata_names_only_body_meeting_date_and_edition(sample):
    metadata = sample["reader"].metadata
    assert (
        metadata.title
        == "City Council \u2013 Regular meeting \u2013 April 14, 2026 (Public pack)"
    )
    values = " ".join(str(v) for v in metadata.values())
    for title in ("Operating budget", "Budget report", "Bridge", "Proclamations"):
        assert title not in values
    assert sample["metadata_title"] not in values


def test_nothing_outside_the_spec_reaches_the_file(sample):
    # The searches below can find these: the members' pack has the closed item,
    # the source PDF carries its own title and bookmark.
    assert SECRET.encode() in decompressed_bytes(sample["members_path"])
    assert sample["metadata_title"].encode() in sample["source_pdf"].read_bytes()
    raw = decompressed_bytes(sample["path"])
    text = "\n".join(sample["texts"])
    for needle in (SECRET, sample["metadata_title"], "secret-file-name"):
        assert needle not in text
        assert needle.encode() not in raw
        assert needle.encode("utf-16-be") not in raw
    assert b"Operating budget 2026" in raw  # the search does see real text


def test_docx_and_text_attachments_are_converted(sample):
    result, texts = sample["result"], sample["texts"]
    minutes = texts[result.attachment_pages[("3.a", 0)] - 1]
    assert "Committee minutes" in minutes
    assert "The committee met and agreed on the bridge." in minutes
    assert "Motion 12" in minutes and "Carried" in minutes
    if not find_libreoffice():
        assert minutes.startswith("Converted from DOCX")
    note = texts[result.attachment_pages[("3.a", 1)] - 1]
    assert "Plain note about snow clearing" in note and "Second line" in note


def test_progress_is_reported_to_completion(sample):
    calls = sample["progress"]
    assert [done for done, _ in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1] == 2 * 4 + 2  # 4 attachments


def test_sample_pages_render(sample):
    """Writes PNGs of cover, contents, a separator and a stamped page to look at."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stamped = sample["result"].attachment_pages[("2.a", 0)] + 1
    for first, last in ((1, 3), (stamped, stamped)):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last)]
            + [str(sample["path"]), str(ARTIFACTS / "sample")],
            check=True,
        )
    assert (ARTIFACTS / "sample-1.png").exists() or (
        ARTIFACTS / "sample-01.png"
    ).exists()


# Long contents ---------------------------------------------------------------


def test_contents_spanning_pages_still_has_correct_numbers(tmp_path: Path):
    items = []
    for n in range(1, 46):
        pdf = make_pdf(
            tmp_path / f"a{n}.pdf", [f"Appendix {n} page {p}" for p in range(n % 4 + 1)]
        )
        attachments = (attach(f"Appendix {n}", pdf), attach(f"Extract {n}", pdf))
        items.append(PackItem(f"4.{n}", f"Development application {n}", attachments))
    spec = make_spec((PackSection("4", "Planning", tuple(items)),))
    path = tmp_path / "pack.pdf"
    result = compile_to(spec, path)
    reader = PdfReader(path)
    texts = page_texts(reader)
    toc_pages = range(1, result.item_pages["4.1"] - 1)
    assert len(toc_pages) >= 2
    assert "Agenda (continued)" in texts[2]
    toc = toc_numbers(texts, toc_pages)
    for n in range(1, 46):
        number = f"4.{n}"
        assert toc[f"{number} Development application {n}"] == result.item_pages[number]
        assert first_page_with(texts, f"Item {number}\n") == result.item_pages[number]
        appendix = result.attachment_pages[(number, 0)]
        assert toc[f"Appendix {n}"] == appendix
        assert f"Appendix {n} page 0" in texts[appendix - 1]
    targets = link_targets(reader, toc_pages)
    assert len(targets) == 1 + 45 * 3
    assert targets[1:4] == [
        result.item_pages["4.1"],
        result.attachment_pages[("4.1", 0)],
        result.attachment_pages[("4.1", 1)],
    ]


# Awkward pages -------------------------------------------------------------


def stamp_origin(page) -> tuple[float, float]:
    """User-space position where the stamp text starts."""
    found = []

    def visit(text, cm, tm, font, size):
        if "page " in text and " of " in text:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y))

    page.extract_text(visitor_text=visit)
    assert found, "no stamp on the page"
    return found[0]


def test_rotated_and_offset_pages_get_a_visible_stamp(tmp_path: Path):
    source = make_pdf(
        tmp_path / "plain.pdf", ["Rotated page", "Offset page", "Upside down"]
    )
    writer = PdfWriter(clone_from=source)
    writer.pages[0].rotate(90)
    offset = writer.pages[1]
    offset.pop("/CropBox", None)
    offset.mediabox = RectangleObject((100, 200, 712, 992))
    writer.pages[2].rotate(180)
    odd = tmp_path / "odd.pdf"
    writer.write(odd)
    spec = make_spec(
        (
            PackSection(
                "1", "Odd", (PackItem("1.a", "Odd pages", (attach("Odd", odd),)),)
            ),
        )
    )
    path = tmp_path / "pack.pdf"
    result = compile_to(spec, path)
    pages = PdfReader(path).pages
    first = result.attachment_pages[("1.a", 0)] - 1
    rotated, shifted, upside_down = pages[first], pages[first + 1], pages[first + 2]
    assert "Rotated page" in rotated.extract_text()
    # /Rotate 90 shows the right edge (x = 612) at the bottom of the screen.
    x, y = stamp_origin(rotated)
    assert x == pytest.approx(612 - 12) and 100 < y < 792 - 100
    x, y = stamp_origin(shifted)
    assert y == pytest.approx(200 + 12) and 100 < x < 712
    x, y = stamp_origin(upside_down)
    assert y == pytest.approx(792 - 12)
    for page in (rotated, shifted, upside_down):
        assert f"of {result.page_count}" in page.extract_text()


def test_unicode_titles_are_drawn_with_an_embedded_font(tmp_path: Path):
    pdf = make_pdf(tmp_path / "a.pdf", ["Body"])
    title = "Nunavut \u14c4\u14c7\u1557\u1466 language plan"
    item = PackItem("1.a", title, (attach("Plan", pdf),))
    path = tmp_path / "pack.pdf"
    result = compile_to(make_spec((PackSection("1", "Items", (item,)),)), path)
    texts = page_texts(PdfReader(path))
    assert title in texts[1] and title in texts[result.item_pages["1.a"] - 1]


def test_owner_password_only_pdf_is_merged(tmp_path: Path):
    writer = PdfWriter(clone_from=make_pdf(tmp_path / "p.pdf", ["Restricted report"]))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    restricted = tmp_path / "restricted.pdf"
    writer.write(restricted)
    item = PackItem("1.a", "Consultant study", (attach("Study", restricted),))
    path = tmp_path / "pack.pdf"
    result = compile_to(make_spec((PackSection("1", "Items", (item,)),)), path)
    page = PdfReader(path).pages[result.attachment_pages[("1.a", 0)] - 1]
    assert "Restricted report" in page.extract_text()


# Attachments that cannot be used ------------------------------------------------


def encrypted_pdf(tmp_path: Path) -> bytes:
    writer = PdfWriter(clone_from=make_pdf(tmp_path / "p.pdf", ["Locked"]))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated_pdf(tmp_path: Path) -> bytes:
    data = make_pdf(tmp_path / "p.pdf", ["Whole"] * 3).read_bytes()
    return data[: len(data) // 2]


BROKEN: dict[str, tuple[Callable[[Path], bytes], str, str]] = {
    "encrypted": (encrypted_pdf, PDF, "password-protected"),
    "truncated": (truncated_pdf, PDF, "cannot be read"),
    "garbage": (lambda _: b"%PDF-1.7\nnot really a pdf\n", PDF, "cannot be read"),
    "broken docx": (lambda _: b"PK\x03\x04 not a zip", DOCX, "not a readable Word"),
    "image": (lambda _: b"\x89PNG", "image/png", "cannot go into a pack"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_unusable_attachment_is_named_and_nothing_is_written(tmp_path: Path, case: str):
    make, mime_type, problem = BROKEN[case]
    good = make_pdf(tmp_path / "good.pdf", ["Fine"])
    item = PackItem(
        "7.c",
        "Land sale",
        (
            attach("Appraisal", good),
            attach_bytes("Offer to purchase", make(tmp_path), mime_type),
        ),
    )
    output = io.BytesIO()
    with pytest.raises(PackCompilationError) as raised:
        compile_pack(make_spec((PackSection("7", "Closed", (item,)),)), output)
    error = raised.value
    assert error.attachment_title == "Offer to purchase" and error.item_number == "7.c"
    assert 'Item 7.c, attachment "Offer to purchase"' in str(error)
    assert problem in str(error)
    assert output.getvalue() == b""


def test_duplicate_item_numbers_are_a_caller_error(tmp_path: Path):
    item = PackItem("1.a", "One", ())
    with pytest.raises(ValueError, match="duplicate item"):
        compile_pack(make_spec((PackSection("1", "S", (item, item)),)), io.BytesIO())


# Attachments built in other ways -------------------------------------------------


def one_item_pack(
    tmp_path: Path, attachment: PackAttachment
) -> tuple[PackResult, Path]:
    item = PackItem("1.a", "Item", (attachment,))
    path = tmp_path / "pack.pdf"
    return compile_to(make_spec((PackSection("1", "Items", (item,)),)), path), path


def test_output_passes_qpdf_check(sample):
    if not shutil.which("qpdf"):
        pytest.skip("qpdf is not installed")
    check = subprocess.run(
        ["qpdf", "--check", str(sample["path"])], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_object_streams_and_xref_streams_are_read(tmp_path: Path):
    if not shutil.which("qpdf"):
        pytest.skip("qpdf is not installed")
    plain = make_pdf(tmp_path / "plain.pdf", ["Compressed one", "Compressed two"])
    packed = tmp_path / "packed.pdf"
    subprocess.run(
        ["qpdf", "--object-streams=generate", str(plain), str(packed)], check=True
    )
    result, path = one_item_pack(tmp_path, attach("Packed", packed))
    texts = page_texts(PdfReader(path))
    start = result.attachment_pages[("1.a", 0)]
    assert "Compressed one" in texts[start - 1] and "Compressed two" in texts[start]
    assert f"page {start} of {result.page_count}" in texts[start - 1]


def test_inherited_shared_resources_are_not_changed_for_other_pages(tmp_path: Path):
    writer = PdfWriter(clone_from=make_pdf(tmp_path / "p.pdf", ["First", "Second"]))
    resources = writer.pages[0]["/Resources"]
    for page in writer.pages:
        del page["/Resources"]
    # Both pages now inherit one /Resources from the page tree.
    writer.root_object["/Pages"][NameObject("/Resources")] = resources
    inherited = tmp_path / "inherited.pdf"
    writer.write(inherited)
    result, path = one_item_pack(tmp_path, attach("Inherited", inherited))
    reader = PdfReader(path)
    start = result.attachment_pages[("1.a", 0)] - 1
    for offset, word in enumerate(("First", "Second")):
        page = reader.pages[start + offset]
        text = page.extract_text()
        assert word in text and f"page {start + offset + 1} of" in text
        fonts = page["/Resources"]["/Font"]
        assert "/QStampF" in fonts and len(fonts) == 2  # its own font + the stamp


def test_links_inside_an_attachment_land_on_its_merged_pages(tmp_path: Path):
    pdf = FPDF(format="letter")
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.text(25, 40, "See the map on the next page")
    pdf.link(20, 30, 80, 15, pdf.add_link(page=2))
    pdf.add_page()
    pdf.text(25, 40, "The map")
    source = tmp_path / "linked.pdf"
    pdf.output(str(source))
    result, path = one_item_pack(tmp_path, attach("Linked", source))
    reader = PdfReader(path)
    start = result.attachment_pages[("1.a", 0)]
    (annotation,) = [a.get_object() for a in reader.pages[start - 1]["/Annots"]]
    destination = annotation.get("/Dest") or annotation["/A"]["/D"]
    assert reader.get_page_number(destination[0].get_object()) + 1 == start + 1
    assert len(reader.pages) == result.page_count  # no stray copies of pages


def test_docx_is_rendered_from_its_text_without_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice to be found
    minutes = make_docx(
        tmp_path / "m.docx", "Heading here", "Body paragraph.", ["A", "B"]
    )
    result, path = one_item_pack(tmp_path, attach("Minutes", minutes, DOCX))
    text = page_texts(PdfReader(path))[result.attachment_pages[("1.a", 0)] - 1]
    assert text.startswith("Converted from DOCX")
    assert "Heading here" in text and "Body paragraph." in text and "A | B" in text


def test_docx_is_converted_by_libreoffice_when_installed(tmp_path: Path):
    if not find_libreoffice():
        pytest.skip("LibreOffice is not installed")
    minutes = make_docx(
        tmp_path / "m.docx", "Heading here", "Body paragraph.", ["A", "B"]
    )
    result, path = one_item_pack(tmp_path, attach("Minutes", minutes, DOCX))
    text = page_texts(PdfReader(path))[result.attachment_pages[("1.a", 0)] - 1]
    assert "Converted from DOCX" not in text
    assert "Heading here" in text and "Body paragraph." in text
    assert f"of {result.page_count}" in text
