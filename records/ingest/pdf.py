"""PDF: refuse encrypted and damaged files; read pages and text per page."""

from __future__ import annotations

import logging
import time
from typing import BinaryIO

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import DependencyError

from records.ingest.rejection import RejectedUpload
from records.ingest.text import Extracted, storable_text

logger = logging.getLogger(__name__)

# A budget for text extraction: one pathological PDF must not hold up ingest.
# It is checked between pages and before every content-stream operator, so a
# single page with endless operators or nested forms stops too. The page cut
# short and the pages not reached are kept as empty strings.
TEXT_EXTRACTION_SECONDS = 30.0


class _OutOfTime(Exception):
    """The extraction budget ran out in the middle of a page."""


class _TimeBudget:
    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.spent = False

    def check(self, *operation) -> None:
        """Raise _OutOfTime once the deadline has passed. pypdf calls this
        before each operator; it swallows errors inside form XObjects, so
        `spent` remembers a page that was cut short there."""
        if self.spent or time.monotonic() > self.deadline:
            self.spent = True
            raise _OutOfTime


def read_pdf(data: BinaryIO, filename: str, *, extract_text: bool = True) -> Extracted:
    data.seek(0)
    try:
        reader = PdfReader(data)
    except DependencyError:
        # pypdf needs an extra library only to decrypt AES: it is encrypted.
        raise _encrypted_pdf(filename) from None
    except Exception:  # pypdf raises many types on malformed input
        logger.info("Unreadable PDF %r", filename, exc_info=True)
        raise _damaged_pdf(filename) from None
    # Even with an empty user password: the stored copy must open anywhere,
    # forever, and be searchable and redactable.
    if reader.is_encrypted:
        raise _encrypted_pdf(filename)
    try:
        page_count = len(reader.pages)
    except Exception:
        logger.info("PDF page tree unreadable %r", filename, exc_info=True)
        raise _damaged_pdf(filename) from None
    if page_count == 0:
        raise RejectedUpload(
            _("“%(name)s” is a PDF without any pages. Export it again and retry.")
            % {"name": filename}
        )
    if not extract_text:
        return Extracted(page_count=page_count, page_texts=[], complete=True)
    page_texts, complete = _pdf_page_texts(reader, page_count, filename)
    return Extracted(page_count=page_count, page_texts=page_texts, complete=complete)


def _pdf_page_texts(
    reader: PdfReader, page_count: int, filename: str
) -> tuple[list[str], bool]:
    budget = _TimeBudget(TEXT_EXTRACTION_SECONDS)
    texts: list[str] = []
    complete = True
    for index in range(page_count):
        try:
            budget.check()
            text = reader.pages[index].extract_text(visitor_operand_before=budget.check)
        except _OutOfTime:
            text = ""
        except Exception:
            logger.warning(
                "No text from page %d of %r", index + 1, filename, exc_info=True
            )
            text = ""
            complete = False
        texts.append(storable_text(text))
        if budget.spent:
            logger.warning(
                "Text extraction of %r stopped at page %d of %d (time budget).",
                filename,
                index + 1,
                page_count,
            )
            texts.extend([""] * (page_count - index - 1))
            return texts, False
    return texts, complete


def _encrypted_pdf(filename: str) -> RejectedUpload:
    return RejectedUpload(
        _(
            "“%(name)s” is a password-protected (encrypted) PDF. Save a copy "
            "without password protection or security settings and upload that."
        )
        % {"name": filename}
    )


def _damaged_pdf(filename: str) -> RejectedUpload:
    return RejectedUpload(
        _(
            "“%(name)s” is a damaged PDF that cannot be read. Export or scan it "
            "again and upload the new copy."
        )
        % {"name": filename}
    )
