"""The file formats Quorum accepts, as sniffed from content."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileFormat:
    label: str
    mime_type: str
    extension: str  # the one Quorum stores it under
    # Extensions an uploaded name may carry without contradicting the content;
    # "" lets a name without an extension through.
    accepted_extensions: frozenset[str]


PDF = FileFormat(_("PDF"), "application/pdf", "pdf", frozenset({"pdf", ""}))
DOCX = FileFormat(
    _("Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    frozenset({"docx", ""}),
)
TEXT = FileFormat(
    _("plain-text file"),
    "text/plain",
    "txt",
    frozenset({"txt", "text", "md", "csv", ""}),
)
FORMATS = (PDF, DOCX, TEXT)


def format_for_mime_type(mime_type: str) -> FileFormat | None:
    return next((f for f in FORMATS if f.mime_type == mime_type), None)


def format_for_extension(extension: str) -> FileFormat | None:
    """The format a filename claims by its extension, if any we accept."""
    if not extension:
        return None
    return next((f for f in FORMATS if extension in f.accepted_extensions), None)
