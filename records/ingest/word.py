"""Word (.docx): refuse zip bombs, XML entities and damaged packages (and
explain old .doc and password-protected files); read text from paragraphs,
tables, content controls, text boxes, headers and footers."""

from __future__ import annotations

import codecs
import logging
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

import docx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from django.utils.translation import gettext as _

from records.ingest.rejection import RejectedUpload
from records.ingest.text import Extracted, storable_text

logger = logging.getLogger(__name__)

REQUIRED_PARTS = frozenset({"[Content_Types].xml", "word/document.xml"})
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
# XML compresses well, so only large members are held to the ratio.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_COMPRESSION_RATIO = 100
APP_PROPERTIES_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
)
# Word's older formats are OLE compound files: a .doc holds a "WordDocument"
# stream; a .docx (or any Office file) saved with a password becomes one
# holding an "EncryptedPackage" stream. Stream names are stored in UTF-16.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE_STREAM = "EncryptedPackage".encode("utf-16-le")
WORD_DOCUMENT_STREAM = "WordDocument".encode("utf-16-le")
CHUNK_BYTES = 1024 * 1024

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_NS = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
W_P, W_T = f"{W_NS}p", f"{W_NS}t"
W_TBL, W_TR, W_TC = f"{W_NS}tbl", f"{W_NS}tr", f"{W_NS}tc"
WRAPPER_ELEMENTS = frozenset({f"{W_NS}sdt", f"{W_NS}sdtContent", f"{W_NS}customXml"})
W_TXBX_CONTENT = f"{W_NS}txbxContent"
TAB_ELEMENTS = frozenset({f"{W_NS}tab", f"{W_NS}ptab"})
BREAK_ELEMENTS = frozenset({f"{W_NS}br", f"{W_NS}cr"})
# Properties (their w:tab elements are tab stops), deleted and moved-away
# text, the properties of content controls and section properties, and the
# fallback copy of a drawing (its text box repeats the one in mc:Choice).
SKIPPED_ELEMENTS = frozenset(
    {
        f"{W_NS}pPr",
        f"{W_NS}rPr",
        f"{W_NS}sectPr",
        f"{W_NS}sdtPr",
        f"{W_NS}sdtEndPr",
        f"{W_NS}del",
        f"{W_NS}moveFrom",
        f"{MC_NS}Fallback",
    }
)


def read_docx(data: BinaryIO, filename: str) -> Extracted:
    data.seek(0)
    try:
        package = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise damaged_docx(filename) from None
    with package:
        _check_not_a_zip_bomb(package, filename)
        _check_xml_parts(package, filename)
        page_count = _docx_page_count(package)
    data.seek(0)
    try:
        document = docx.Document(data)
    except Exception:
        logger.info("python-docx cannot open %r", filename, exc_info=True)
        raise damaged_docx(filename) from None
    try:
        text = storable_text("\n".join(_docx_text(document)))
    except Exception:
        logger.warning("No text from %r", filename, exc_info=True)
        return Extracted(page_count=page_count, page_texts=[], complete=False)
    return Extracted(page_count=page_count, page_texts=[text], complete=True)


def _check_not_a_zip_bomb(package: zipfile.ZipFile, filename: str) -> None:
    """Judge the sizes the zip directory declares, before decompressing."""
    members = package.infolist()
    total = sum(member.file_size for member in members)
    too_tight = any(
        member.file_size > RATIO_CHECKED_FROM_BYTES
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED_BYTES or too_tight:
        raise RejectedUpload(
            _(
                "“%(name)s” would expand to an unsafe size when opened (it is "
                "compressed far more than a Word document can be), so Quorum "
                "does not accept it. Save it again from Word and upload that copy."
            )
            % {"name": filename}
        )


def _check_xml_parts(package: zipfile.ZipFile, filename: str) -> None:
    """Refuse DOCTYPE and entity declarations: Word never writes them, and
    they are how XML entity-expansion and external-entity attacks work."""
    for member in package.infolist():
        if member.is_dir():
            continue
        try:
            content = package.read(member)
        except Exception:  # bad CRC, unsupported compression, encrypted member
            raise damaged_docx(filename) from None
        if not _looks_like_xml(member.filename, content):
            continue
        try:
            parse_xml(content, forbid_dtd=True)
        except DefusedXmlException:
            raise RejectedUpload(
                _(
                    "“%(name)s” contains XML declarations (DOCTYPE or ENTITY) "
                    "that Word documents never use, so Quorum does not accept "
                    "it. Save it again from Word and upload that copy."
                )
                % {"name": filename}
            ) from None
        except ParseError:
            raise damaged_docx(filename) from None


def _looks_like_xml(member_name: str, content: bytes) -> bool:
    if member_name.lower().endswith((".xml", ".rels")):
        return True
    start = content[:64]
    return start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        start.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<")
    )


def _docx_page_count(package: zipfile.ZipFile) -> int | None:
    """The page count Word saved in docProps/app.xml, if it did."""
    try:
        root = parse_xml(package.read("docProps/app.xml"), forbid_dtd=True)
        pages = int(root.findtext(f"{{{APP_PROPERTIES_NS}}}Pages") or "")
    except (KeyError, ValueError, ParseError):
        return None
    return pages if pages > 0 else None


def _docx_text(document) -> Iterator[str]:
    """Headers, body (paragraphs and tables in order), then footers."""
    sections = list(document.sections)
    yield from _header_footer_text(sections, "header")
    yield from _block_text(document.element.body)
    yield from _header_footer_text(sections, "footer")


def _header_footer_text(sections, kind: str) -> Iterator[str]:
    seen: set[str] = set()
    for section in sections:
        for variant in (f"first_page_{kind}", kind, f"even_page_{kind}"):
            header_or_footer = getattr(section, variant)
            # A linked one has no content of its own; reading `.part` would
            # create a definition for it.
            if header_or_footer.is_linked_to_previous:
                continue
            part = header_or_footer.part
            if part.partname not in seen:
                seen.add(part.partname)
                yield from _block_text(part.element)


def _block_text(element) -> Iterator[str]:
    """One line per paragraph, tables by row, in document order.

    Walks the XML rather than python-docx's paragraphs and tables, which skip
    content controls (w:sdt: cover pages and templates use them), tracked
    insertions, simple fields and text boxes.
    """
    for child in element:
        if child.tag == W_P:
            yield from _paragraph_text(child)
        elif child.tag == W_TBL:
            yield from _table_text(child)
        elif child.tag not in SKIPPED_ELEMENTS:
            yield from _block_text(child)  # w:sdt, w:customXml, …


def _paragraph_text(paragraph) -> Iterator[str]:
    """The paragraph's text, then the text of text boxes anchored in it."""
    parts: list[str] = []
    boxes: list = []
    _collect_runs(paragraph, parts, boxes)
    yield "".join(parts)
    for box in boxes:
        yield from _block_text(box)


def _collect_runs(element, parts: list[str], boxes: list) -> None:
    for child in element:
        if child.tag == W_T:
            parts.append(child.text or "")
        elif child.tag in TAB_ELEMENTS:
            parts.append("\t")
        elif child.tag in BREAK_ELEMENTS:
            parts.append("\n")
        elif child.tag == W_TXBX_CONTENT:
            boxes.append(child)
        elif child.tag not in SKIPPED_ELEMENTS:
            _collect_runs(child, parts, boxes)


def _table_text(table) -> Iterator[str]:
    """One line per row, cells separated by tabs; nested tables included.
    A vertically merged cell is read once, in its first row."""
    for row in _children(table, W_TR):
        yield "\t".join(
            " ".join(_block_text(cell))
            for cell in _children(row, W_TC)
            if not _continues_vertical_merge(cell)
        )


def _children(element, tag: str) -> Iterator:
    """Children with `tag`, also those wrapped in content controls."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in WRAPPER_ELEMENTS:
            yield from _children(child, tag)


def _continues_vertical_merge(cell) -> bool:
    merge = cell.find(f"{W_NS}tcPr/{W_NS}vMerge")
    return merge is not None and merge.get(f"{W_NS}val", "continue") == "continue"


def compound_file_refusal(data: BinaryIO, filename: str) -> RejectedUpload | None:
    """Why an OLE compound file is refused, when it is a password-protected
    Office document or an old .doc: a clerk can remove a password or save as
    .docx, which "not a Word document" would not tell them."""
    found = _streams_named(data, {ENCRYPTED_PACKAGE_STREAM, WORD_DOCUMENT_STREAM})
    if ENCRYPTED_PACKAGE_STREAM in found:
        return RejectedUpload(
            _(
                "“%(name)s” is a password-protected (encrypted) Office document. "
                "Save a copy without the password and upload that."
            )
            % {"name": filename}
        )
    if WORD_DOCUMENT_STREAM in found:
        return RejectedUpload(
            _(
                "“%(name)s” is in the old Word format (.doc), which Quorum does "
                "not accept. Open it in Word, save it as a Word Document (.docx) "
                "and upload that copy."
            )
            % {"name": filename}
        )
    return None


def _streams_named(data: BinaryIO, names: set[bytes]) -> set[bytes]:
    """Which of `names` occur in the file; the directory of a compound file
    can be anywhere in it, so the whole file is scanned in chunks."""
    overlap = max(len(name) for name in names) - 1
    found: set[bytes] = set()
    tail = b""
    data.seek(0)
    for chunk in iter(lambda: data.read(CHUNK_BYTES), b""):
        window = tail + chunk
        found |= {name for name in names if name in window}
        tail = window[-overlap:]
    return found


def damaged_docx(filename: str) -> RejectedUpload:
    return RejectedUpload(
        _(
            "“%(name)s” is a damaged Word document that cannot be opened. Save "
            "it again from Word (as .docx) and upload the new copy."
        )
        % {"name": filename}
    )
