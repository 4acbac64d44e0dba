"""Fonts for the PDFs Quorum writes (packs, minutes, certificates).

Debian's DejaVu fonts are embedded when installed; otherwise text falls back
to the built-in PDF fonts, which only show WinAnsi (cp1252) characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
DEJAVU_FILES = {
    ("sans", ""): "DejaVuSans.ttf",
    ("sans", "B"): "DejaVuSans-Bold.ttf",
    ("mono", ""): "DejaVuSansMono.ttf",
}
# WinAnsiEncoding: what the built-in PDF fonts can show without embedding.
CORE_ENCODING = "cp1252"
# Latin letters that Unicode does not decompose into base letter + accent.
_UNDECOMPOSABLE = str.maketrans("ŁłĐđĦħıĸŀĿŦŧ", "LlDdHhiklLTt")


def fits_core_fonts(texts: Iterable[str]) -> bool:
    """True when every character can be shown with the built-in PDF fonts."""
    try:
        for text in texts:
            text.encode(CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def to_core_text(text: str) -> str:
    """Make ``text`` encodable in WinAnsi: strip accents we cannot show, else ?."""
    try:
        text.encode(CORE_ENCODING)
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for char in text.translate(_UNDECOMPOSABLE):
        try:
            char.encode(CORE_ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char)
            base = base.encode(CORE_ENCODING, "ignore").decode(CORE_ENCODING)
            out.append(base or "?")
    return "".join(out)


def dejavu_available() -> bool:
    """Whether Debian's fonts-dejavu-core is installed."""
    return all((DEJAVU_DIR / name).is_file() for name in DEJAVU_FILES.values())


def embed_dejavu(pdf, faces: Mapping[tuple[str, str], str]) -> bool:
    """Embed DejaVu `faces` ({(family, style): file}) into an fpdf2 document
    and return True; without the fonts installed, set the document up for the
    built-in fonts (WinAnsi text) and return False."""
    if not all((DEJAVU_DIR / name).is_file() for name in faces.values()):
        pdf.core_fonts_encoding = CORE_ENCODING
        return False
    for (family, style), name in faces.items():
        pdf.add_font(family, style, str(DEJAVU_DIR / name))
    return True
