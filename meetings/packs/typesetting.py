"""Drawing text pages: fonts, word wrapping and flowing paragraphs.

fpdf2's own ``multi_cell`` is too slow for the pack's hot path (its line
breaking is quadratic in the paragraph length), so text is wrapped here with
cached word widths and placed line by line.
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod

from council.pdf_fonts import dejavu_available, to_core_text

Color = tuple[int, int, int]
BLACK: Color = (0, 0, 0)


class Typesetter(ABC):
    """Draws text pages in points, y measured from the top of the page.

    Two implementations: ``CoreTypesetter`` writes content streams with the
    built-in Helvetica directly (fast, WinAnsi text only) and
    ``FpdfTypesetter`` uses fpdf2 with embedded DejaVu for any script.
    """

    unicode: bool = False

    def __init__(self) -> None:
        self._width_cache: dict[tuple[object, ...], float] = {}
        self._font: tuple[str, str, float] = ("", "", 0.0)

    @staticmethod
    def create(*, paper: str = "letter", unicode: bool = False) -> Typesetter:
        """Embedded DejaVu when ``unicode`` (and installed), else Helvetica.

        Embedding a TrueType font costs fpdf2 about 0.1 s per face, so callers
        ask for ``unicode`` only when the text needs it or must be faithful.
        """
        if unicode and dejavu_available():
            from meetings.packs.fpdf_pages import FpdfTypesetter

            return FpdfTypesetter(paper=paper)
        from meetings.packs.core_pages import CoreTypesetter

        return CoreTypesetter(paper=paper)

    @property
    @abstractmethod
    def page_width(self) -> float: ...

    @property
    @abstractmethod
    def page_height(self) -> float: ...

    @property
    @abstractmethod
    def page_count(self) -> int: ...

    @abstractmethod
    def add_page(self) -> None: ...

    @abstractmethod
    def _select_font(self, kind: str, style: str, size: float) -> None: ...

    @abstractmethod
    def _measure(self, text: str) -> float:
        """Width of already-cleaned text in the current font, in points."""

    @abstractmethod
    def _draw(self, x: float, baseline: float, text: str) -> None: ...

    @abstractmethod
    def color(self, rgb: Color) -> None:
        """Colour of the text drawn next."""

    @abstractmethod
    def rule(self, x1: float, y: float, x2: float, rgb: Color, weight: float) -> None:
        """A horizontal line."""

    @abstractmethod
    def box(self, x: float, y: float, w: float, h: float, rgb: Color) -> None:
        """A filled rectangle; (x, y) is its top-left corner."""

    @abstractmethod
    def output(self) -> bytes:
        """The finished document as PDF bytes."""

    def font(self, size: float, *, bold: bool = False, kind: str = "sans") -> None:
        """Select the face for following ``width``/``wrap``/``text`` calls."""
        style = "B" if bold and kind == "sans" else ""
        if self._font != (kind, style, size):
            self._font = (kind, style, size)
            self._select_font(kind, style, size)

    def clean(self, text: str) -> str:
        """Text as this document can show it (tabs and controls made spaces)."""
        if not text.isprintable():  # rare, and isprintable() is cheap
            text = "".join(
                " " if unicodedata.category(c)[0] == "C" else c for c in text
            )
        return text if self.unicode else to_core_text(text)

    def width(self, text: str) -> float:
        key = (*self._font, text)
        cached = self._width_cache.get(key)
        if cached is None:
            cached = self._width_cache[key] = self._measure(self.clean(text))
        return cached

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap of one paragraph; over-long words are split."""
        lines: list[str] = []
        line = ""
        space = self.width(" ")
        line_width = 0.0
        for word in self.clean(text).split():
            word_width = self.width(word)
            if line and line_width + space + word_width <= width:
                line += " " + word
                line_width += space + word_width
                continue
            if line:
                lines.append(line)
            while word_width > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and self._measure(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                word_width = self.width(word)
            line, line_width = word, word_width
        if line or not lines:
            lines.append(line)
        return lines

    def text(self, x: float, baseline: float, text: str) -> None:
        """Draw one line; ``baseline`` is measured from the top of the page."""
        if text:
            self._draw(x, baseline, self.clean(text))

    def text_right(self, right: float, baseline: float, text: str) -> None:
        self.text(right - self.width(text), baseline, text)


class TextFlow:
    """Paragraphs flowed down the page, starting new pages as they fill."""

    def __init__(
        self,
        setter: Typesetter,
        *,
        margin: float = 54.0,
        top: float = 60.0,
        bottom: float = 60.0,
    ):
        self.setter = setter
        self.left = margin
        self.right = setter.page_width - margin
        self.top = top
        self.bottom = setter.page_height - bottom
        self.y = self.bottom  # forces a page on the first line

    def new_page(self) -> None:
        self.setter.add_page()
        self.y = self.top

    def paragraph(
        self,
        text: str,
        *,
        size: float = 10.5,
        bold: bool = False,
        kind: str = "sans",
        indent: float = 0.0,
        before: float = 0.0,
        after: float = 4.0,
        leading: float = 1.35,
        color: Color = BLACK,
    ) -> None:
        """Wrap and draw one paragraph (an empty one just adds space)."""
        setter = self.setter
        setter.font(size, bold=bold, kind=kind)
        setter.color(color)
        line_height = size * leading
        if self.y > self.top:
            self.y += before
        for line in setter.wrap(text, self.right - self.left - indent):
            if self.y + line_height > self.bottom:
                self.new_page()
            setter.text(self.left + indent, self.y + size, line)
            self.y += line_height
        self.y += after

    def preformatted(self, line: str, *, size: float = 9.5) -> None:
        """One line of plain text in the monospaced face, spaces kept."""
        setter = self.setter
        setter.font(size, kind="mono")
        setter.color(BLACK)
        line_height = size * 1.3
        columns = max(int((self.right - self.left) // setter.width("M")), 1)
        line = setter.clean(line.rstrip())
        for start in range(0, max(len(line), 1), columns):
            if self.y + line_height > self.bottom:
                self.new_page()
            setter.text(self.left, self.y + size, line[start : start + columns])
            self.y += line_height
