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


# "\f" separates pages in Record.text and "\v" is Word's line break: both
# become newlines. Other control characters (broken PDF encodings yield them)
# are dropped: PostgreSQL text cannot hold NUL, nor XML any of them.
_UNSTORABLE_CHARACTERS = {
    **dict.fromkeys(code for code in range(0x20) if chr(code) not in "\t\n\r"),
    ord("\v"): "\n",
    ord("\f"): "\n",
}


def storable_text(text: str) -> str:
    """Make extracted text storable: without control characters other than
    tabs and line ends, and valid UTF-8 (broken PDF encodings can yield lone
    surrogates)."""
    text = text.translate(_UNSTORABLE_CHARACTERS)
    return text.encode("utf-8", "replace").decode("utf-8")
