"""What each format reader hands back, plain-text files, and storable text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class Extracted:
    page_count: int | None
    page_texts: list[str]
    complete: bool  # False when extraction stopped early or a part failed


def read_text(data: BinaryIO, filename: str) -> Extracted:
    """A plain-text file, already known to be UTF-8 without NUL bytes."""
    data.seek(0)
    text = storable_text(data.read().decode("utf-8-sig"))  # "-sig" drops a BOM
    return Extracted(page_count=None, page_texts=[text], complete=True)


def storable_text(text: str) -> str:
    """Make extracted text storable: PostgreSQL text cannot hold NUL, "\\f"
    separates pages in Record.text, and broken PDF encodings can yield lone
    surrogates that are not valid UTF-8."""
    text = text.replace("\x00", "").replace("\f", "\n")
    return text.encode("utf-8", "replace").decode("utf-8")
