"""Attachments as PDF readers, with errors a clerk can act on.

Two steps, so the compiler can run the slow conversions (LibreOffice may take
minutes) before it pauses the garbage collector for the parsing and merging:
``SourceLoader.load`` opens the stored file and converts DOCX or text to PDF;
``Source.open`` parses and checks the PDF.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from meetings.packs.docx_to_pdf import ConversionError, docx_to_pdf, text_to_pdf
from meetings.packs.spec import (
    DOCX,
    PDF,
    TEXT,
    PackAttachment,
    PackCompilationError,
    Renditions,
)

# Non-seekable downloads are spooled to a temporary file beyond this size.
SPOOL_IN_MEMORY = 8 * 1024 * 1024

_DAMAGED = (
    "the PDF cannot be read (it may be damaged or only partly uploaded). "
    "Open it, save or export it again as PDF and replace the attachment."
)
_PROTECTED = (
    "the PDF is password-protected. Upload a copy without a password "
    "(for example by printing it to a new PDF)."
)


def _error(title: str, item_number: str, problem: str) -> PackCompilationError:
    return PackCompilationError(
        f'Item {item_number}, attachment "{title}": {problem}',
        attachment_title=title,
        item_number=item_number,
    )


@dataclass
class Source:
    """One attachment as a PDF stream; after ``open``, a checked reader."""

    item_number: str
    index: int
    title: str
    stream: BinaryIO
    size: int  # bytes of PDF
    reader: PdfReader | None = None
    page_count: int = 0

    def open(self) -> None:
        """Parse the PDF's structure; raise PackCompilationError if unusable.

        pypdf reads lazily from ``stream``: only the cross-reference table
        and the page tree now, the pages' objects when they are merged.
        """
        try:
            reader = PdfReader(self.stream, strict=False)
            if reader.is_encrypted:
                # Only an owner password (copy/print restrictions, common on
                # consultants' reports) opens with an empty user password;
                # every PDF reader shows those files without asking.
                try:
                    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                        raise self._error(_PROTECTED)
                except DependencyError as exc:  # AES needs the cryptography package
                    raise self._error(_PROTECTED) from exc
            page_count = len(reader.pages)
        except PackCompilationError:
            raise
        except Exception as exc:  # pypdf signals damage with many exception types
            raise self.damaged() from exc
        if page_count == 0:
            raise self.damaged()
        self.reader, self.page_count = reader, page_count

    def damaged(self) -> PackCompilationError:
        """The error for a file that cannot be read, now or while merging."""
        return self._error(_DAMAGED)

    def release(self) -> None:
        """Drop the parsed document once its pages are written."""
        self.reader = None
        self.stream.close()

    def _error(self, problem: str) -> PackCompilationError:
        return _error(self.title, self.item_number, problem)


class SourceLoader:
    """Opens attachments for one compilation; files close with ``stack``."""

    def __init__(
        self,
        stack: ExitStack,
        *,
        paper: str = "letter",
        renditions: Renditions | None = None,
    ):
        self._stack = stack
        self._paper = paper
        self._renditions = renditions

    def load(self, attachment: PackAttachment, item_number: str, index: int) -> Source:
        """Open the stored file and convert it to PDF if it is DOCX or text."""
        title = attachment.title
        try:
            raw = attachment.open()
        except Exception as exc:  # storage backends raise many kinds of errors
            raise _error(
                title, item_number, "the file could not be opened from storage."
            ) from exc
        self._stack.callback(raw.close)
        mime_type = attachment.mime_type.split(";")[0].strip().lower()
        if mime_type == PDF:
            stream = self._seekable(raw)
        elif mime_type in (DOCX, TEXT):
            stream = io.BytesIO(
                self._converted(attachment, raw, mime_type, item_number)
            )
        else:
            raise _error(
                title,
                item_number,
                f"files of type {mime_type or 'unknown'} cannot go into a pack; "
                "upload it as PDF, Word (.docx) or plain text.",
            )
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
        return Source(item_number, index, title, stream, size)

    def _converted(
        self,
        attachment: PackAttachment,
        raw: BinaryIO,
        mime_type: str,
        item_number: str,
    ) -> bytes:
        key = attachment.rendition_key and f"{attachment.rendition_key}-{self._paper}"
        if key and self._renditions is not None:
            cached = self._renditions.get(key)
            if cached is not None:
                return cached
        convert = docx_to_pdf if mime_type == DOCX else text_to_pdf
        try:
            pdf = convert(raw.read(), paper=self._paper)
        except ConversionError as exc:
            raise _error(
                attachment.title, item_number, f"{exc}. Replace it with a PDF."
            ) from exc
        if key and self._renditions is not None:
            self._renditions.put(key, pdf)
        return pdf

    def _seekable(self, raw: BinaryIO) -> BinaryIO:
        """The stream pypdf will read from, lazily, while the pack is built.

        Reading whole files into memory first measured no faster, and this
        keeps memory to the parsed objects of the attachment being merged.
        """
        if raw.seekable():
            return raw
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self._stack.callback(spool.close)
        shutil.copyfileobj(raw, spool)
        spool.seek(0)
        return spool  # type: ignore[return-value]
