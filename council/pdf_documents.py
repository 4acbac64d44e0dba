"""What the documents Quorum typesets with fpdf2 share (minutes, destruction
certificates): pages measured in points, DejaVu embedded when installed
(else the built-in fonts, with what they cannot show replaced), one palette,
paragraphs across the text width, bordered tables and the footer's rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from council.pdf_fonts import embed_dejavu, to_core_text

Color = tuple[int, int, int]
BLACK: Color = (0, 0, 0)
ACCENT: Color = (31, 58, 95)
GRAY: Color = (90, 90, 90)
RULE: Color = (160, 170, 182)
HEADER_FILL: Color = (220, 227, 236)


class TypesetPDF(FPDF):
    """An fpdf2 document with Quorum's fonts, margins and text blocks."""

    leading = 1.35  # a paragraph's line height, times its font size
    space_after = 5.0  # points after a paragraph, unless told otherwise

    def __init__(
        self,
        *,
        page_format: str,
        faces: Mapping[tuple[str, str], str],
        margin: float,
        bottom: float,
    ):
        super().__init__(unit="pt", format=page_format)
        self.unicode = embed_dejavu(self, faces)
        self.sans = "DejaVu" if self.unicode else "Helvetica"
        self.mono = "DejaVuMono" if self.unicode else "Courier"
        self.set_margins(margin, margin, margin)
        # No inner cell margin: text then lines up with the tables and rules
        # drawn at the page margin (tables and boxes pad themselves).
        self.c_margin = 0
        self.set_auto_page_break(True, margin=bottom)
        self.set_lang("en")

    def clean(self, text: str) -> str:
        """Text as the chosen font can show it."""
        return text if self.unicode else to_core_text(text)

    def _font(self, style: str, size: float, color: Color = BLACK) -> None:
        self.set_font(self.sans, style, size)
        self.set_text_color(*color)

    def keep_room(self, height: float) -> None:
        """Start a new page unless ``height`` points are left on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def paragraph(
        self,
        text: str,
        *,
        style: str = "",
        size: float = 10,
        color: Color = BLACK,
        before: float = 0,
        after: float | None = None,
        align: str = "L",
    ) -> None:
        """One paragraph across the text width."""
        self._font(style, size, color)
        self.set_y(self.get_y() + before)  # also returns to the left margin
        self.multi_cell(
            self.epw,
            size * self.leading,
            self.clean(text),
            align=align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_y(self.get_y() + (self.space_after if after is None else after))

    def rule(self, y: float, color: Color = RULE, width: float = 0.5) -> None:
        """A horizontal line across the text width."""
        self.set_draw_color(*color)
        self.set_line_width(width)
        self.line(self.l_margin, y, self.w - self.r_margin, y)

    def table_style(self, size: float) -> None:
        """Text and lines for a bordered fpdf2 ``table()``."""
        self._font("", size)
        self.set_draw_color(*RULE)
        self.set_line_width(0.5)
        # fpdf2 fills body cells with the current fill colour (a shaded
        # box's, say): white keeps them plain.
        self.set_fill_color(255, 255, 255)
