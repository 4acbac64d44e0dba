"""The upload gate: inspect_upload and store_record, with real files."""

from __future__ import annotations

import hashlib
import io
import os
import random
import types
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import TemporaryUploadedFile
from fpdf import FPDF
from PIL import Image
from pypdf import PageObject, PdfWriter
from pypdf.errors import DependencyError

from council.visibility import Visibility
from records import ingest, services
from records.ingest import RejectedUpload, inspect_upload, sanitise_filename
from records.models import Record, TextStatus
from records.selectors import record_pages
from records.services import StoredFileMismatch, capture, store_record
from tests.factories import BodyFactory, UserFactory, pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Files made for the tests


def docx_bytes(
    *paragraphs: str,
    table: list[list[str]] | None = None,
    header: str = "",
    footer: str = "",
) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite_zip(
    data: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    drop: set[str] = frozenset(),
) -> bytes:
    """A copy of a zip with members replaced, added or dropped."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            if member.filename in drop:
                continue
            content = replace.pop(member.filename, None)
            target.writestr(member.filename, content or source.read(member))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("Closed session")))
    writer.encrypt(
        user_password=user_password, owner_password="owner", algorithm="RC4-128"
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_without_pages() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A scanned page: a picture and no text layer."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 100), "gray"), x=10, y=10, w=100)
    return bytes(pdf.output())


def stored_files(directory: str = "") -> list[str]:
    """Every name in record storage, walked through the storage API so the
    tests also hold on S3."""
    try:
        subdirectories, files = services.record_storage().listdir(directory)
    except FileNotFoundError:  # local storage before its first file
        return []
    prefix = f"{directory}/" if directory else ""
    names = [prefix + name for name in files]
    for subdirectory in subdirectories:
        names += stored_files(prefix + subdirectory)
    return sorted(names)


def store(name: str, content: bytes, **fields) -> Record:
    fields.setdefault("title", "Attachment")
    return store_record(upload_name=name, data=io.BytesIO(content), **fields)


ENTITY_DOCUMENT = (
    b'<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
    b'2006/main"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>'
)


# Rejections: the message names the file, and nothing is kept


REJECTIONS = {
    "empty": ("minutes.pdf", lambda: b"", "is empty"),
    "exe named as a PDF": (
        "agenda.pdf",
        lambda: b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 4,
        "is named as a PDF but is not one",
    ),
    "image": (
        "photo.png",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "is not a PDF, Word (.docx) or plain-text file",
    ),
    "zip that is not a Word document": (
        "budget.xlsx",
        lambda: rewrite_zip(
            docx_bytes("x"),
            drop={"word/document.xml"},
            replace={"xl/book.xml": b"<a/>"},
        ),
        "is not a PDF, Word (.docx) or plain-text file",
    ),
    "text that is not UTF-8": (
        "notes.txt",
        lambda: "Café municipal".encode("latin-1"),
        "is named as a plain-text file but is not one",
    ),
    "text with NUL bytes": (
        "notes.txt",
        lambda: b"plain\x00text",
        "is named as a plain-text file but is not one",
    ),
    "PDF named as a Word document": (
        "report.docx",
        lambda: pdf_bytes("Report"),
        "is named as a Word document but contains a PDF",
    ),
    "Word document named as a PDF": (
        "report.pdf",
        lambda: docx_bytes("Report"),
        "is named as a PDF but contains a Word document",
    ),
    "PDF with a foreign extension": (
        "report.exe",
        lambda: pdf_bytes("Report"),
        "contains a PDF but its name ends in “.exe”",
    ),
    "text named as HTML": (
        "page.html",
        lambda: b"<script>alert(1)</script>",
        "contains a plain-text file but its name ends in “.html”",
    ),
    "PDF encrypted with an empty user password": (
        "closed.pdf",
        lambda: encrypted_pdf(""),
        "password-protected (encrypted) PDF",
    ),
    "PDF encrypted with a user password": (
        "closed.pdf",
        lambda: encrypted_pdf("secret"),
        "password-protected (encrypted) PDF",
    ),
    "PDF header and garbage": (
        "scan.pdf",
        lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8,
        "is a damaged PDF",
    ),
    "truncated PDF": (
        "scan.pdf",
        lambda: pdf_bytes("One", "Two")[:600],
        "is a damaged PDF",
    ),
    "PDF without pages": ("blank.pdf", pdf_without_pages, "PDF without any pages"),
    "DOCX with a member compressed 1000:1": (
        "bomb.docx",
        lambda: rewrite_zip(
            docx_bytes("x"), replace={"word/media/fill.bin": bytes(2 * 1024 * 1024)}
        ),
        "would expand to an unsafe size",
    ),
    "DOCX with entity declarations": (
        "laughs.docx",
        lambda: rewrite_zip(
            docx_bytes("x"), replace={"word/document.xml": ENTITY_DOCUMENT}
        ),
        "contains XML declarations (DOCTYPE or ENTITY)",
    ),
    "DOCX with a DOCTYPE in another part": (
        "doctype.docx",
        lambda: rewrite_zip(
            docx_bytes("x"),
            replace={
                "customXml/item1.xml": b"<!DOCTYPE x SYSTEM 'file:///etc/passwd'><x/>"
            },
        ),
        "contains XML declarations (DOCTYPE or ENTITY)",
    ),
    "DOCX with malformed XML": (
        "broken.docx",
        lambda: rewrite_zip(docx_bytes("x"), replace={"word/styles.xml": b"<w:styles"}),
        "is a damaged Word document",
    ),
    "DOCX that python-docx cannot open": (
        "hollow.docx",
        lambda: rewrite_zip(docx_bytes("x"), drop={"_rels/.rels"}),
        "is a damaged Word document",
    ),
    "truncated DOCX": (
        "cut.docx",
        lambda: docx_bytes("Some text")[:2000],
        "is a damaged Word document",
    ),
}


@pytest.mark.parametrize(
    ("name", "make_content", "expected"), REJECTIONS.values(), ids=REJECTIONS.keys()
)
def test_refused_uploads_are_explained_and_leave_nothing_behind(
    name, make_content, expected
):
    with pytest.raises(RejectedUpload) as refused:
        store(name, make_content())

    assert expected in refused.value.message
    assert f"“{name}”" in refused.value.message
    assert Record.objects.count() == 0
    assert stored_files() == []


def test_files_over_the_configured_limit_are_refused_before_reading(settings):
    settings.QUORUM_MAX_UPLOAD_BYTES = 1000

    with pytest.raises(RejectedUpload) as refused:
        store("long.txt", b"x" * 1001)

    assert refused.value.message.startswith("“long.txt” is 1001")
    assert "the largest file Quorum accepts is 1000" in refused.value.message
    assert stored_files() == []
    store("short.txt", b"x" * 1000)


def test_an_explicit_limit_overrides_the_setting():
    with pytest.raises(RejectedUpload, match="largest file Quorum accepts"):
        inspect_upload(name="a.txt", data=io.BytesIO(b"abc"), max_size=2)


def test_the_default_limit_is_100_mb(settings):
    if hasattr(settings, "QUORUM_MAX_UPLOAD_BYTES"):
        del settings.QUORUM_MAX_UPLOAD_BYTES

    class HugeFile(io.BytesIO):
        """Reports 100 MB + 1 byte without holding it."""

        def seek(self, offset, whence=io.SEEK_SET):
            return 100 * 1024 * 1024 + 1 if whence == io.SEEK_END else 0

    with pytest.raises(RejectedUpload, match="largest file Quorum accepts is 100"):
        inspect_upload(name="huge.pdf", data=HugeFile())


def test_docx_whose_members_expand_past_the_total_limit_is_refused(monkeypatch):
    """GIVEN a limit lowered to 1 MB (instead of making a 200 MB file)."""
    monkeypatch.setattr(ingest.word, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    # Random bytes do not compress, so only the total can trip the check.
    photo = random.Random(0).randbytes(1_200_000)
    content = rewrite_zip(docx_bytes("x"), replace={"word/media/photo.bin": photo})

    with pytest.raises(RejectedUpload, match="would expand to an unsafe size"):
        inspect_upload(name="big.docx", data=io.BytesIO(content))


def test_pdf_that_needs_a_decryption_library_counts_as_encrypted(monkeypatch):
    """pypdf raises DependencyError for AES encryption without `cryptography`."""

    def needs_aes(stream):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(ingest.pdf, "PdfReader", needs_aes)

    with pytest.raises(RejectedUpload, match="password-protected"):
        inspect_upload(name="aes.pdf", data=io.BytesIO(pdf_bytes("Secret")))


def test_a_title_too_long_is_refused_before_anything_is_stored():
    with pytest.raises(ValidationError):
        store("notes.txt", b"Notes", title="x" * 300)

    assert stored_files() == []


def test_inspect_upload_needs_a_seekable_file():
    class Pipe(io.RawIOBase):
        def seekable(self):
            return False

    with pytest.raises(TypeError):
        inspect_upload(name="a.txt", data=Pipe())


# Accepted files


def test_pdf_is_stored_with_pages_hash_and_text_per_page():
    content = pdf_bytes("Call to order", "Adjournment")
    body, clerk = BodyFactory(), UserFactory()

    record = store(
        "Agenda (final).pdf",
        content,
        title="Agenda",
        visibility=Visibility.CONFIDENTIAL,
        body=body,
        created_by=clerk,
    )

    sha256 = hashlib.sha256(content).hexdigest()
    record.refresh_from_db()
    assert record.mime_type == "application/pdf"
    assert (record.size, record.sha256, record.page_count) == (len(content), sha256, 2)
    assert record.text == "Call to order\fAdjournment"
    assert record_pages(record) == ["Call to order", "Adjournment"]
    assert record.text_status == TextStatus.EXTRACTED
    assert record.original_filename == "Agenda (final).pdf"
    assert (record.visibility, record.body, record.created_by) == (
        Visibility.CONFIDENTIAL,
        body,
        clerk,
    )
    assert record.file.name == f"records/{sha256[:2]}/{sha256[2:4]}/{sha256}.pdf"
    assert stored_files() == [record.file.name]
    with record.file.open("rb") as stored:
        assert stored.read() == content


def test_inspect_upload_returns_the_text_of_each_page_and_rewinds():
    data = io.BytesIO(pdf_bytes("First page", "", "Third page"))

    inspected = inspect_upload(name="pack.pdf", data=data)

    assert inspected.page_texts == ["First page", "", "Third page"]
    assert inspected.text == "First page\f\fThird page"
    assert (inspected.extension, inspected.page_count) == ("pdf", 3)
    assert data.tell() == 0


def test_a_pdf_header_after_leading_bytes_is_still_a_pdf():
    """Acrobat accepts a header anywhere in the first kilobyte."""
    content = b"\r\n" * 100 + pdf_bytes("Late header")

    inspected = inspect_upload(name="late.pdf", data=io.BytesIO(content))

    assert inspected.mime_type == "application/pdf"


def test_docx_text_includes_tables_headers_and_footers():
    content = docx_bytes(
        "Report of the Planning Board",
        table=[["Item", "Decision"], ["Rezoning", "Approved"]],
        header="CITY OF PORT ALDER",
        footer="Page footer text",
    )

    record = store("report.docx", content)

    assert record.mime_type == DOCX_MIME
    assert record.text_status == TextStatus.EXTRACTED
    assert record.text.splitlines() == [
        "CITY OF PORT ALDER",
        "Report of the Planning Board",
        "Item\tDecision",
        "Rezoning\tApproved",
        "Page footer text",
    ]
    assert record.file.name.endswith(f"{record.sha256}.docx")


def test_merged_table_cells_are_read_once():
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Merged"
    table.cell(0, 2).text = "Single"
    buffer = io.BytesIO()
    document.save(buffer)

    inspected = inspect_upload(name="t.docx", data=buffer)

    assert inspected.text == "Merged\tSingle"


def test_vertically_merged_cells_are_read_once_in_their_first_row():
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Merged"
    table.cell(0, 1).text = "Top"
    table.cell(1, 1).text = "Bottom"
    buffer = io.BytesIO()
    document.save(buffer)

    inspected = inspect_upload(name="t.docx", data=buffer)

    assert inspected.text == "Merged\tTop\nBottom"


def test_docx_page_count_comes_from_its_app_properties():
    content = docx_bytes("Text")
    app = zipfile.ZipFile(io.BytesIO(content)).read("docProps/app.xml")
    with_three_pages = rewrite_zip(
        content, replace={"docProps/app.xml": app.replace(b"<Pages>1<", b"<Pages>3<")}
    )
    without_pages = rewrite_zip(
        content, replace={"docProps/app.xml": app.replace(b"<Pages>1</Pages>", b"")}
    )

    assert (
        inspect_upload(name="a.docx", data=io.BytesIO(with_three_pages)).page_count == 3
    )
    assert (
        inspect_upload(name="a.docx", data=io.BytesIO(without_pages)).page_count is None
    )


def test_plain_text_is_decoded():
    record = store("notes.txt", "\ufeffCafé agenda – draft\n".encode())

    assert record.mime_type == "text/plain"
    assert record.page_count is None
    assert record.text == "Café agenda – draft\n"
    assert record.file.name.endswith(".txt")


def test_text_without_an_extension_is_accepted_and_stored_as_txt():
    record = store("README", b"Read me")

    assert (record.original_filename, record.file.name[-4:]) == ("README", ".txt")


def test_a_scanned_pdf_without_text_is_kept_and_flagged():
    record = store("scan.pdf", image_only_pdf())

    assert record.text_status == TextStatus.NO_TEXT
    assert (record.text, record.page_count) == ("", 1)
    assert record_pages(record) == []
    assert stored_files() == [record.file.name]


def test_a_failing_text_extraction_flags_the_record_instead_of_refusing(monkeypatch):
    def broken(self, *args, **kwargs):
        raise ValueError("unsupported font")

    monkeypatch.setattr(PageObject, "extract_text", broken)

    record = store("minutes.pdf", pdf_bytes("Minutes"))

    assert (record.text_status, record.text, record.page_count) == (
        TextStatus.NO_TEXT,
        "",
        1,
    )


def fake_clock(monkeypatch) -> types.SimpleNamespace:
    """The clock the PDF extraction budget reads; tests move `now`."""
    clock = types.SimpleNamespace(now=0.0)
    monkeypatch.setattr(
        ingest.pdf, "time", types.SimpleNamespace(monotonic=lambda: clock.now)
    )
    return clock


def test_extraction_stops_at_the_time_budget_and_marks_the_text_partial(
    monkeypatch,
):
    """GIVEN a clock that passes the budget once the first page is read."""
    clock = fake_clock(monkeypatch)
    extract_text = PageObject.extract_text

    def slow_extract(self, *args, **kwargs):
        text = extract_text(self, *args, **kwargs)
        clock.now += 1000.0
        return text

    monkeypatch.setattr(PageObject, "extract_text", slow_extract)

    inspected = inspect_upload(
        name="long.pdf", data=io.BytesIO(pdf_bytes("One", "Two", "Three"))
    )

    assert inspected.text_status == TextStatus.PARTIAL
    assert inspected.page_texts == ["One", "", ""]
    assert inspected.page_count == 3


def test_a_page_that_outlasts_the_budget_is_cut_short(monkeypatch):
    """GIVEN a clock that passes the budget as the second page starts: the
    budget is checked inside a page, not only between pages."""
    clock = fake_clock(monkeypatch)
    extract_text = PageObject.extract_text
    calls = iter(range(1, 100))

    def second_page_is_slow(self, *args, **kwargs):
        if next(calls) == 2:
            clock.now += 1000.0
        return extract_text(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", second_page_is_slow)

    inspected = inspect_upload(
        name="long.pdf", data=io.BytesIO(pdf_bytes("One", "Two", "Three"))
    )

    assert inspected.text_status == TextStatus.PARTIAL
    assert inspected.page_texts == ["One", "", ""]


def test_a_page_cut_short_inside_a_form_is_not_taken_as_complete(monkeypatch):
    """GIVEN the budget runs out inside a form XObject, where pypdf catches
    the error and carries on with the rest of the page."""
    clock = fake_clock(monkeypatch)

    def cut_inside_a_form(self, *args, visitor_operand_before, **kwargs):
        clock.now += 1000.0
        try:
            visitor_operand_before(b"Tj", [], None, None)
        except Exception:
            pass
        return "Text before the form"

    monkeypatch.setattr(PageObject, "extract_text", cut_inside_a_form)

    inspected = inspect_upload(name="one.pdf", data=io.BytesIO(pdf_bytes("One")))

    assert inspected.text_status == TextStatus.PARTIAL
    assert inspected.page_texts == ["Text before the form"]


# Names never matter for storage


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\clerk\\Desktop\\agenda.pdf", "agenda.pdf"),
        ("agen\x00da\n.pdf", "agenda.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  spaced   out .txt ", "spaced out .txt"),
        ("..", "upload"),
        ("", "upload"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_uploaded_names_are_sanitised_to_a_basename(uploaded, shown):
    assert sanitise_filename(uploaded) == shown


def test_a_hostile_name_does_not_influence_where_the_file_is_stored():
    record = store("../../../../tmp/evil.txt", b"content")

    assert record.original_filename == "evil.txt"
    assert record.file.name.startswith(f"records/{record.sha256[:2]}/")
    assert stored_files() == [record.file.name]


# Deduplication and storage integrity


def test_same_content_shares_one_blob_but_gets_its_own_record():
    content = pdf_bytes("Staff report")

    first = store("report.pdf", content, title="Staff report")
    second = store("copy.pdf", content, title="Closed copy", visibility="confidential")

    assert first.pk != second.pk
    assert first.file.name == second.file.name
    assert (second.title, second.visibility, second.original_filename) == (
        "Closed copy",
        "confidential",
        "copy.pdf",
    )
    assert stored_files() == [first.file.name]


def test_a_damaged_stored_copy_is_not_reused():
    content = b"Original content"
    first = store("a.txt", content)
    storage = services.record_storage()
    storage.delete(first.file.name)
    storage.save(first.file.name, ContentFile(b"Tampered"))

    second = store("b.txt", content)

    assert second.file.name != first.file.name
    with second.file.open("rb") as stored:
        assert stored.read() == content


def test_a_write_that_reads_back_differently_is_removed(monkeypatch):
    monkeypatch.setattr(capture, "_stored_sha256", lambda storage, name: "0" * 64)

    with pytest.raises(StoredFileMismatch, match="“a.txt” was not stored correctly"):
        store("a.txt", b"content")

    assert stored_files() == []
    assert Record.objects.count() == 0


def test_the_file_is_removed_when_the_record_cannot_be_saved(monkeypatch):
    def fail(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Record, "save", fail)

    with pytest.raises(RuntimeError):
        store("a.txt", b"content")

    assert stored_files() == []


def test_a_shared_blob_survives_a_failed_second_record(monkeypatch):
    first = store("a.txt", b"content")

    def fail(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Record, "save", fail)
    with pytest.raises(RuntimeError):
        store("b.txt", b"content")

    assert stored_files() == [first.file.name]


def test_django_uploads_are_stored_and_left_usable_for_the_caller():
    upload = TemporaryUploadedFile("agenda.pdf", "application/pdf", 0, None)
    upload.write(pdf_bytes("Agenda"))
    upload.seek(0)

    record = store_record(upload_name=upload.name, data=upload, title="Agenda")

    assert record.page_count == 1
    assert os.path.exists(upload.temporary_file_path())
    upload.close()
