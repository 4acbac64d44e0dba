"""The board pack compiler: agenda description in, one bookmarked PDF out.

A pure module (no models, no settings): ``meetings.services`` builds the
``PackSpec`` from an agenda version and stores the result.
"""

from __future__ import annotations

from meetings.packs.compiler import compile_pack
from meetings.packs.spec import (
    PackAttachment,
    PackCompilationError,
    PackItem,
    PackResult,
    PackSection,
    PackSpec,
    Renditions,
)

__all__ = [
    "PackAttachment",
    "PackCompilationError",
    "PackItem",
    "PackResult",
    "PackSection",
    "PackSpec",
    "Renditions",
    "compile_pack",
]
