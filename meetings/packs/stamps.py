"""The footer stamp ("City Council · April 14, 2026 · page 3 of 120").

Stamping with ``PageObject.merge_page`` re-parses and rewrites every content
stream, which triples the cost of a pack. Instead each page gets its existing
content wrapped in ``q … Q`` (so whatever graphics state it leaves behind
cannot move or recolour the stamp) and one tiny extra content stream that
draws the text with a single shared Helvetica font object.
"""

from __future__ import annotations

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

from council.pdf_fonts import CORE_ENCODING, to_core_text
from meetings.packs.core_pages import helvetica_width

FONT_SIZE = 7.5
BASELINE = 12.0  # points above the visible bottom edge, inside any margin
GRAY = 0.35
_FONT_NAME = "/QStampF"
_LETTER = (0.0, 0.0, 612.0, 792.0)


def stamp_font() -> DictionaryObject:
    """The one font object every stamped page refers to."""
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def stamp_text(body_name: str, date_text: str, page: int, page_count: int) -> str:
    """The wording of the footer of one page."""
    return f"{body_name} \u00b7 {date_text} \u00b7 page {page} of {page_count}"


def _resolved(value: PdfObject | None) -> PdfObject | None:
    return value.get_object() if value is not None else None


def _box(page: DictionaryObject, key: str) -> tuple[float, ...] | None:
    box = _resolved(page.get(key))
    if not isinstance(box, ArrayObject) or len(box) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(_resolved(v)) for v in box)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _page_box(page: DictionaryObject) -> tuple[float, float, float, float]:
    """The visible area: the CropBox clipped to the MediaBox, as x0, y0, x1, y1."""
    media = _box(page, "/MediaBox") or _LETTER
    crop = _box(page, "/CropBox") or media
    x0, y0 = max(media[0], crop[0]), max(media[1], crop[1])
    x1, y1 = min(media[2], crop[2]), min(media[3], crop[3])
    if x1 <= x0 or y1 <= y0:  # nonsense boxes: trust the MediaBox
        return media  # type: ignore[return-value]
    return x0, y0, x1, y1


def _rotation(page: DictionaryObject) -> int:
    try:
        angle = int(_resolved(page.get("/Rotate")) or 0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    return angle % 360 if angle % 90 == 0 else 0


def _placement(
    box: tuple[float, float, float, float], rotation: int
) -> tuple[tuple[float, ...], float]:
    """Matrix from "as displayed" coordinates to user space, and display width.

    Viewers turn a page with /Rotate clockwise, so the visible bottom edge is
    a different edge of the MediaBox for each angle.
    """
    x0, y0, x1, y1 = box
    if rotation == 90:
        return (0, 1, -1, 0, x1, y0), y1 - y0
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1), x1 - x0
    if rotation == 270:
        return (0, -1, 1, 0, x0, y1), y1 - y0
    return (1, 0, 0, 1, x0, y0), x1 - x0


def _pdf_string(data: bytes) -> bytes:
    escaped = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


def _number(value: float) -> bytes:
    return (b"%.2f" % value).rstrip(b"0").rstrip(b".") or b"0"


def stamp_content(page: DictionaryObject, text: str, font_name: str) -> bytes:
    """Content stream bytes that close the page's ``q`` and draw the stamp."""
    text = to_core_text(text)
    text_width = helvetica_width(text, FONT_SIZE)
    matrix, visible_width = _placement(_page_box(page), _rotation(page))
    x = max((visible_width - text_width) / 2, 4.0)
    # The leading newline keeps the stamp a separate token even if the page's
    # last content stream ends without whitespace.
    return b"".join(
        (
            b"\nQ q ",
            b" ".join(_number(v) for v in matrix),
            b" cm BT %s %s Tf %s g 1 0 0 1 %s %s Tm "
            % (
                font_name.encode(),
                _number(FONT_SIZE),
                _number(GRAY),
                _number(x),
                _number(BASELINE),
            ),
            _pdf_string(text.encode(CORE_ENCODING)),
            b" Tj ET Q\n",
        )
    )


def prepare_stamp(
    page: DictionaryObject, font_ref: IndirectObject
) -> tuple[str, ArrayObject]:
    """Give ``page`` its own resources with the stamp font; return the name used.

    Resources are often shared by every page of a document (or inherited from
    the page tree), so the page gets a shallow copy before the font is added.
    Returns the font resource name and the page's content streams as an array
    (callers add the opening ``q`` and the stamp stream around it).
    """
    resources = _resolved(page.get("/Resources"))
    resources = (
        DictionaryObject(resources)
        if isinstance(resources, DictionaryObject)
        else DictionaryObject()
    )
    fonts = _resolved(resources.get("/Font"))
    fonts = DictionaryObject(fonts if isinstance(fonts, DictionaryObject) else {})
    name = _FONT_NAME
    suffix = 0
    while name in fonts:  # e.g. an earlier pack attached to this one
        suffix += 1
        name = f"{_FONT_NAME}{suffix}"
    fonts[NameObject(name)] = font_ref
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources

    contents = page.raw_get("/Contents") if "/Contents" in page else None
    streams = ArrayObject()
    if isinstance(contents, IndirectObject):
        target = contents.get_object()
        if isinstance(target, ArrayObject):
            streams.extend(target)
        elif target is not None:
            streams.append(contents)
    elif isinstance(contents, ArrayObject):
        streams.extend(contents)
    return name, streams
