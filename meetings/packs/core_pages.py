"""Text pages written directly as PDF content streams with base-14 fonts.

The cover, contents and separators of a pack in a Western European language
need nothing but Helvetica, which every PDF reader has built in; writing
their few operators by hand takes a fraction of what fpdf2 needs for the
same pages, and the pack compiler runs on every agenda change.
"""

from __future__ import annotations

import io

from fpdf.fonts import CORE_FONTS_CHARWIDTHS
from fpdf.fpdf import PAGE_FORMATS
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
)

from council.pdf_fonts import CORE_ENCODING
from meetings.packs.typesetting import Color, Typesetter
from meetings.packs.writer import PackWriter

# (kind, style) -> resource name, PostScript name, fpdf2 metrics key
_FACES = {
    ("sans", ""): ("/F1", "/Helvetica", "helvetica"),
    ("sans", "B"): ("/F2", "/Helvetica-Bold", "helveticaB"),
    ("mono", ""): ("/F3", "/Courier", "courier"),
}


def _widths(key: str) -> list[int]:
    # fpdf2 keys the AFM widths by WinAnsi byte, as a latin-1 character.
    table = CORE_FONTS_CHARWIDTHS[key]
    return [table.get(chr(byte), 500) for byte in range(256)]


_WIDTHS = {face: _widths(metrics) for face, (_, _, metrics) in _FACES.items()}


def helvetica_width(text: str, size: float) -> float:
    """Width in points of ``text`` set in Helvetica (WinAnsi) at ``size``."""
    data = text.encode(CORE_ENCODING, "replace")
    return sum(map(_WIDTHS[("sans", "")].__getitem__, data)) * size / 1000


def _num(value: float) -> bytes:
    return (b"%.2f" % value).rstrip(b"0").rstrip(b".") or b"0"


def _rgb(rgb: Color) -> bytes:
    return b" ".join(_num(c / 255) for c in rgb)


def _string(text: str) -> bytes:
    data = text.encode(CORE_ENCODING, "replace")
    return (
        b"("
        + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


class CoreTypesetter(Typesetter):
    """Pages as lists of content-stream operators; Helvetica and Courier."""

    def __init__(self, *, paper: str = "letter"):
        super().__init__()
        try:
            self._width, self._height = PAGE_FORMATS[paper.lower()]
        except KeyError:
            raise ValueError(f"unknown paper format {paper!r}") from None
        self._pages: list[list[bytes]] = []
        self._face = ("sans", "")
        self._size = 10.0
        self._text_rgb: Color = (0, 0, 0)

    @property
    def page_width(self) -> float:
        return float(self._width)

    @property
    def page_height(self) -> float:
        return float(self._height)

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def add_page(self) -> None:
        self._pages.append([])

    def _select_font(self, kind: str, style: str, size: float) -> None:
        self._face = (kind, style)
        self._size = size

    def _measure(self, text: str) -> float:
        widths = _WIDTHS[self._face]
        data = text.encode(CORE_ENCODING, "replace")
        return sum(map(widths.__getitem__, data)) * self._size / 1000

    def _draw(self, x: float, baseline: float, text: str) -> None:
        name = _FACES[self._face][0].encode()
        self._pages[-1].append(
            b"BT %s rg %s %s Tf %s %s Td %s Tj ET"
            % (
                _rgb(self._text_rgb),
                name,
                _num(self._size),
                _num(x),
                _num(self._height - baseline),
                _string(text),
            )
        )

    def color(self, rgb: Color) -> None:
        self._text_rgb = rgb

    def rule(self, x1: float, y: float, x2: float, rgb: Color, weight: float) -> None:
        y = self._height - y
        self._pages[-1].append(
            b"%s RG %s w %s %s m %s %s l S"
            % (_rgb(rgb), _num(weight), _num(x1), _num(y), _num(x2), _num(y))
        )

    def box(self, x: float, y: float, w: float, h: float, rgb: Color) -> None:
        bottom = self._height - y - h
        self._pages[-1].append(
            b"%s rg %s %s %s %s re f"
            % (_rgb(rgb), _num(x), _num(bottom), _num(w), _num(h))
        )

    def output(self) -> bytes:
        """A small, complete PDF holding the pages (read back like any other)."""
        buffer = io.BytesIO()
        writer = PackWriter(buffer)
        fonts = DictionaryObject()
        for name, base_font, _ in _FACES.values():
            fonts[NameObject(name)] = writer.add(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Font"),
                        NameObject("/Subtype"): NameObject("/Type1"),
                        NameObject("/BaseFont"): NameObject(base_font),
                        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                    }
                )
            )
        resources = writer.add(DictionaryObject({NameObject("/Font"): fonts}))
        tree = writer.reserve()
        kids = ArrayObject()
        for operators in self._pages:
            content = DecodedStreamObject()
            content.set_data(b"\n".join(operators))
            page = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Page"),
                    NameObject("/Parent"): tree,
                    NameObject("/MediaBox"): ArrayObject(
                        FloatObject(v) for v in (0, 0, self._width, self._height)
                    ),
                    NameObject("/Resources"): resources,
                    NameObject("/Contents"): writer.add(content.flate_encode(level=6)),
                }
            )
            kids.append(writer.add(page))
        writer.write(
            tree,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Pages"),
                    NameObject("/Kids"): kids,
                    NameObject("/Count"): NumberObject(len(kids)),
                }
            ),
        )
        root = writer.add(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Catalog"),
                    NameObject("/Pages"): tree,
                }
            )
        )
        writer.close(root=root, info=writer.add(DictionaryObject()))
        return buffer.getvalue()
