"""Council meeting minutes exported to Word (.docx) and PDF.

A pure module (no models, no settings): a service builds a
``MinutesDocument`` from a meeting and its recorded votes, then stores what
``minutes_docx`` and ``minutes_pdf`` return.
"""

from __future__ import annotations

from meetings.minutes_export.document import (
    Attendee,
    MinutesDocument,
    MinutesItem,
    MinutesSection,
    MotionRecord,
    RollCallVote,
)
from meetings.minutes_export.docx_writer import minutes_docx
from meetings.minutes_export.pdf_writer import minutes_pdf

__all__ = [
    "Attendee",
    "MinutesDocument",
    "MinutesItem",
    "MinutesSection",
    "MotionRecord",
    "RollCallVote",
    "minutes_docx",
    "minutes_pdf",
]
