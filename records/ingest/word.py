"""Word (.docx): refuse zip bombs, XML entities and damaged packages; read
text from paragraphs, tables, headers and footers."""

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
from docx.table import Table

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
    yield from _block_text(document)
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
            partname = header_or_footer.part.partname
            if partname not in seen:
                seen.add(partname)
                yield from _block_text(header_or_footer)


def _block_text(container) -> Iterator[str]:
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_text(block)
        else:
            yield block.text


def _table_text(table: Table) -> Iterator[str]:
    """One line per row, cells separated by tabs; nested tables included."""
    seen = set()
    for row in table.rows:
        cells = []
        for cell in row.cells:
            # Merged cells are returned once per grid column (and row) spanned.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            cells.append(" ".join(_block_text(cell)))
        yield "\t".join(cells)


def damaged_docx(filename: str) -> RejectedUpload:
    return RejectedUpload(
        _(
            "“%(name)s” is a damaged Word document that cannot be opened. Save "
            "it again from Word (as .docx) and upload the new copy."
        )
        % {"name": filename}
    )
