"""The upload gate: a file is inspected completely before anything is stored.

`inspect_upload` sniffs the format from the content (never from the name),
refuses what Quorum will not keep with a message a clerk can act on, and reads
the page count and text (`pdf`, `word`, `text`). A valid file whose text cannot
be extracted is accepted and flagged (`TextStatus.NO_TEXT`), never dropped.

The uploaded name is only ever shown to people: storage names come from the
content hash (`records.models.blob_name`).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from records.formats import DOCX, PDF, TEXT, FileFormat, format_for_extension
from records.ingest.pdf import read_pdf
from records.ingest.rejection import RejectedUpload
from records.ingest.text import read_text
from records.ingest.word import (
    OLE_SIGNATURE,
    compound_file_refusal,
    damaged_docx,
    read_docx,
)
from records.ingest.word import REQUIRED_PARTS as DOCX_REQUIRED_PARTS
from records.models import TextStatus

__all__ = [
    "InspectedFile",
    "RejectedUpload",
    "content_sha256",
    "inspect_upload",
    "sanitise_filename",
]

DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
FILENAME_MAX_LENGTH = 200
# Acrobat accepts a "%PDF-" header anywhere in the first kilobyte. A file
# that starts "%PDF" without the version is a damaged PDF, not text.
PDF_HEADER_WINDOW = 1024
PDF_HEADER = b"%PDF-"
PDF_SIGNATURE = b"%PDF"
ZIP_SIGNATURE = b"PK\x03\x04"
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class InspectedFile:
    """What ingest learned about an accepted upload.

    `page_texts` holds one string per PDF page (empty for pages without a
    text layer or not reached in time) so search can link to the page of a
    hit; other formats have no fixed pages and give their text as one entry.
    `text` is the page texts joined with form feeds, or "" when there is none.
    """

    original_filename: str
    mime_type: str
    extension: str
    size: int
    sha256: str
    page_count: int | None
    text: str
    text_status: str
    page_texts: list[str] = field(default_factory=list)


def inspect_upload(
    *,
    name: str,
    data: BinaryIO,
    max_size: int | None = None,
    extract_text: bool = True,
) -> InspectedFile:
    """Validate an upload and read its format, pages and text; store nothing.

    `data` must be seekable (Django's uploaded files, open files and BytesIO
    are); it is left at position 0. Raises RejectedUpload, naming the file,
    for empty, oversized, unsupported, misnamed, protected or damaged files.
    With `extract_text` off, the file is still validated but its (PDF) text
    is not read: for files whose text Quorum already holds.
    """
    if not data.seekable():
        raise TypeError("inspect_upload needs a seekable file object.")
    filename = sanitise_filename(name)
    if max_size is None:
        max_size = getattr(
            settings, "QUORUM_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES
        )
    size = data.seek(0, io.SEEK_END)
    _check_size(filename, size, max_size)
    sha256 = content_sha256(data)
    file_format = _sniff_format(data, filename)
    _check_extension(filename, file_format)
    if file_format == PDF:
        content = read_pdf(data, filename, extract_text=extract_text)
    else:
        content = {DOCX: read_docx, TEXT: read_text}[file_format](data, filename)
    data.seek(0)
    has_text = any(page.strip() for page in content.page_texts)
    if not extract_text:
        status = TextStatus.NOT_EXTRACTED
    elif not has_text:
        status = TextStatus.NO_TEXT
    else:
        status = TextStatus.EXTRACTED if content.complete else TextStatus.PARTIAL
    return InspectedFile(
        original_filename=filename,
        mime_type=file_format.mime_type,
        extension=file_format.extension,
        size=size,
        sha256=sha256,
        page_count=content.page_count,
        text="\f".join(content.page_texts) if has_text else "",
        text_status=status,
        page_texts=content.page_texts,
    )


def sanitise_filename(name: str) -> str:
    """The uploaded name as a basename that is safe to show and send in headers.

    Directories (either slash), control and formatting characters (including
    right-to-left overrides that disguise extensions) are removed; at most
    200 characters, keeping the extension.
    """
    basename = re.split(r"[/\\]", name or "")[-1]
    kept = "".join(
        char
        for char in unicodedata.normalize("NFC", basename)
        if unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    cleaned = re.sub(r"\s+", " ", kept).strip(" .")
    if not cleaned:
        return "upload"
    if len(cleaned) > FILENAME_MAX_LENGTH:
        stem, extension = os.path.splitext(cleaned)
        extension = extension if len(extension) <= 16 else ""
        cleaned = stem[: FILENAME_MAX_LENGTH - len(extension)].rstrip() + extension
    return cleaned


def _check_size(filename: str, size: int, max_size: int) -> None:
    if size == 0:
        raise RejectedUpload(
            _("“%(name)s” is empty (0 bytes). Check the file and upload it again.")
            % {"name": filename}
        )
    if size > max_size:
        raise RejectedUpload(
            _(
                "“%(name)s” is %(size)s; the largest file Quorum accepts is "
                "%(limit)s. Reduce its size (for example, split it) and try again."
            )
            % {
                "name": filename,
                "size": filesizeformat(size),
                "limit": filesizeformat(max_size),
            }
        )


def _extension(filename: str) -> str:
    return os.path.splitext(filename)[1][1:].lower()


def content_sha256(data: BinaryIO) -> str:
    digest = hashlib.sha256()
    data.seek(0)
    for chunk in iter(lambda: data.read(CHUNK_BYTES), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _sniff_format(data: BinaryIO, filename: str) -> FileFormat:
    claimed = format_for_extension(_extension(filename))
    data.seek(0)
    head = data.read(PDF_HEADER_WINDOW)
    if PDF_HEADER in head or head.startswith(PDF_SIGNATURE):
        return PDF
    if head.startswith(ZIP_SIGNATURE):
        names = _zip_member_names(data)
        if names is not None and DOCX_REQUIRED_PARTS <= names:
            return DOCX
        if names is None and claimed is DOCX:
            raise damaged_docx(filename)
    elif head.startswith(OLE_SIGNATURE):
        refusal = compound_file_refusal(data, filename)
        if refusal is not None:
            raise refusal
    elif _is_utf8_text(data):
        return TEXT
    if claimed is not None:
        raise RejectedUpload(
            _(
                "“%(name)s” is named as a %(claimed)s but is not one. Quorum "
                "accepts PDF, Word (.docx) and plain-text files only."
            )
            % {"name": filename, "claimed": claimed.label}
        )
    raise RejectedUpload(
        _(
            "“%(name)s” is not a PDF, Word (.docx) or plain-text file, so Quorum "
            "cannot accept it."
        )
        % {"name": filename}
    )


def _zip_member_names(data: BinaryIO) -> set[str] | None:
    """Member names from the zip directory (nothing is decompressed)."""
    data.seek(0)
    try:
        with zipfile.ZipFile(data) as package:
            return set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _is_utf8_text(data: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    data.seek(0)
    try:
        for chunk in iter(lambda: data.read(CHUNK_BYTES), b""):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _check_extension(filename: str, file_format: FileFormat) -> None:
    """A name must not claim another format: clerks and readers trust it."""
    extension = _extension(filename)
    if extension in file_format.accepted_extensions:
        return
    claimed = format_for_extension(extension)
    if claimed is not None:
        message = _(
            "“%(name)s” is named as a %(claimed)s but contains a %(actual)s. "
            "Rename it to match its content, or upload the right file."
        )
    else:
        message = _(
            "“%(name)s” contains a %(actual)s but its name ends in “.%(extension)s”. "
            "Rename it to end in “.%(expected)s” and upload it again."
        )
    raise RejectedUpload(
        message
        % {
            "name": filename,
            "claimed": claimed.label if claimed else "",
            "actual": file_format.label,
            "extension": extension,
            "expected": file_format.extension,
        }
    )
