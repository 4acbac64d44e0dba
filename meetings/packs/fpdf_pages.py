"""Text pages drawn with fpdf2 and embedded DejaVu fonts (any script)."""

from __future__ import annotations

from fpdf import FPDF

from council.pdf_fonts import CORE_ENCODING, DEJAVU_DIR, DEJAVU_FILES
from meetings.packs.typesetting import Color, Typesetter


class FpdfTypesetter(Typesetter):
    """fpdf2 document in points; DejaVu faces are embedded on first use."""

    unicode = True

    def __init__(self, *, paper: str = "letter"):
        super().__init__()
        self.pdf = FPDF(unit="pt", format=paper)
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margin(0)
        self.pdf.core_fonts_encoding = CORE_ENCODING
        self._embedded: set[tuple[str, str]] = set()

    @property
    def page_width(self) -> float:
        return float(self.pdf.w)

    @property
    def page_height(self) -> float:
        return float(self.pdf.h)

    @property
    def page_count(self) -> int:
        return int(self.pdf.page)

    def add_page(self) -> None:
        self.pdf.add_page()

    def _select_font(self, kind: str, style: str, size: float) -> None:
        family = f"DejaVu-{kind}"
        if (kind, style) not in self._embedded:
            # Each face costs fpdf2 ~0.1 s to parse, so only those used.
            path = DEJAVU_DIR / DEJAVU_FILES[(kind, style)]
            self.pdf.add_font(family, style, str(path))
            self._embedded.add((kind, style))
        self.pdf.set_font(family, style, size)

    def _measure(self, text: str) -> float:
        return float(self.pdf.get_string_width(text))

    def _draw(self, x: float, baseline: float, text: str) -> None:
        self.pdf.text(x, baseline, text)

    def color(self, rgb: Color) -> None:
        self.pdf.set_text_color(*rgb)

    def rule(self, x1: float, y: float, x2: float, rgb: Color, weight: float) -> None:
        self.pdf.set_draw_color(*rgb)
        self.pdf.set_line_width(weight)
        self.pdf.line(x1, y, x2, y)

    def box(self, x: float, y: float, w: float, h: float, rgb: Color) -> None:
        self.pdf.set_fill_color(*rgb)
        self.pdf.rect(x, y, w, h, style="F")

    def output(self) -> bytes:
        return bytes(self.pdf.output())
