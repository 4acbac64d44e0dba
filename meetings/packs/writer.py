"""A streaming PDF writer that moves pages out of pypdf readers.

``PdfWriter.add_page`` deep-copies every object it reaches and then writes
them through a slow generic serializer; for a 500-page pack that alone costs
more than three times ``qpdf --pages``. Here objects parsed by a
``PdfReader`` are renumbered in place (the readers are private to one
compilation, so nothing else sees the change) and written out as soon as they
are complete, so memory holds roughly one attachment at a time.

Page objects get their numbers before anything is written, which lets the
contents pages link to pages that are only merged later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import BinaryIO

from pypdf import PageObject, PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
)

# Page keys that would drag unrelated parts of the source document along (its
# page tree, structure tree, XMP metadata) or run its page-open actions.
_DROPPED_PAGE_KEYS = ("/Parent", "/StructParents", "/Metadata", "/PieceInfo", "/AA")
_FLUSH_AT = 1 << 20

PagePreparer = Callable[[DictionaryObject, int], None]


class _Sink:
    """What pypdf's ``write_to_stream`` writes into: our list of parts."""

    __slots__ = ("write",)

    def __init__(self, parts: list[bytes]):
        self.write = parts.append


class PackWriter:
    """Write a PDF object by object to ``output``; finish with ``close``."""

    def __init__(self, output: BinaryIO):
        self._output = output
        self._offsets: list[int | None] = []
        self._position = 0
        self._parts: list[bytes] = []
        self._buffered = 0
        self._names: dict[str, bytes] = {}
        self._emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    # pypdf resolves IndirectObject(…, pdf=self) through this; everything this
    # writer owns is already on its way to disk.
    def get_object(self, reference: IndirectObject) -> PdfObject:
        raise LookupError(f"object {reference.idnum} was already written")

    def reserve(self) -> IndirectObject:
        """A number for an object that will be written later."""
        self._offsets.append(None)
        return IndirectObject(len(self._offsets), 0, self)

    def add(self, obj: PdfObject) -> IndirectObject:
        """Write ``obj`` (which may refer to this writer's objects only)."""
        reference = self.reserve()
        self.write(reference, obj)
        return reference

    def write(self, reference: IndirectObject, obj: PdfObject) -> None:
        """Write ``obj`` under a number obtained from ``reserve``."""
        self._offsets[reference.idnum - 1] = self._position + self._buffered
        parts = [b"%d 0 obj\n" % reference.idnum]
        self._serialize(obj, parts)
        parts.append(b"\nendobj\n")
        self._emit(b"".join(parts))

    def import_pages(
        self,
        reader: PdfReader,
        page_refs: Sequence[IndirectObject],
        parents: Sequence[IndirectObject],
        prepare: PagePreparer | None = None,
    ) -> None:
        """Move the reader's pages (in order) under the given page numbers,
        each under its page-tree node in ``parents``.

        ``prepare(page, index)`` may change a page before its references are
        followed, e.g. to stamp it. Everything the pages reach is written;
        nothing else of the source document is. Errors from damaged objects
        propagate from here, after whatever came before them was written.
        """
        pages = list(reader.pages)
        if len(pages) != len(page_refs):
            raise ValueError("page count changed since planning")
        moved: dict[tuple[int, int], IndirectObject] = {}
        for page, reference in zip(pages, page_refs, strict=True):
            source = page.indirect_reference
            if source is not None:
                # Links between pages of the same document must land on the
                # pages we write, not on fresh copies of the source pages.
                moved[(source.idnum, source.generation)] = reference
        for index, page in enumerate(pages):
            for key in _DROPPED_PAGE_KEYS:
                page.pop(key, None)
            # Every page is prepared before any is renumbered: pages can share
            # direct objects (inherited from the page tree), and ``prepare``
            # must still find source references in them.
            if prepare is not None:
                prepare(page, index)
        for page, reference, parent in zip(pages, page_refs, parents, strict=True):
            pending: list[tuple[IndirectObject, IndirectObject]] = []
            self._renumber(page, moved, pending)
            page[NameObject("/Parent")] = parent
            self.write(reference, page)
            while pending:
                source, target = pending.pop()
                obj = source.get_object()
                if obj is None:
                    obj = NullObject()
                self._renumber(obj, moved, pending)
                self.write(target, obj)

    def close(self, *, root: IndirectObject, info: IndirectObject) -> None:
        """Write the cross-reference table and trailer, then flush."""
        missing = [n for n, at in enumerate(self._offsets, 1) if at is None]
        if missing:
            raise RuntimeError(f"objects reserved but never written: {missing[:5]}")
        xref_at = self._position + self._buffered
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(self._offsets) + 1)]
        rows.extend(b"%010d 00000 n \n" % at for at in self._offsets)  # type: ignore[str-bytes-safe]
        self._emit(b"".join(rows))
        file_id = hashlib.md5(
            b"%d:%d" % (xref_at, len(self._offsets)), usedforsecurity=False
        ).digest()
        trailer = DictionaryObject(
            {
                NameObject("/Size"): NumberObject(len(self._offsets) + 1),
                NameObject("/Root"): root,
                NameObject("/Info"): info,
                NameObject("/ID"): ArrayObject(
                    [ByteStringObject(file_id), ByteStringObject(file_id)]
                ),
            }
        )
        parts = [b"trailer\n"]
        self._serialize(trailer, parts)
        parts.append(b"\nstartxref\n%d\n%%%%EOF\n" % xref_at)
        self._emit(b"".join(parts))
        self._flush()

    def _emit(self, data: bytes) -> None:
        self._parts.append(data)
        self._buffered += len(data)
        if self._buffered >= _FLUSH_AT:
            self._flush()

    def _flush(self) -> None:
        self._output.write(b"".join(self._parts))
        self._position += self._buffered
        self._parts.clear()
        self._buffered = 0

    def _renumber(
        self,
        obj: PdfObject,
        moved: dict[tuple[int, int], IndirectObject],
        pending: list[tuple[IndirectObject, IndirectObject]],
    ) -> None:
        """Point ``obj``'s references (in place) at this writer's numbers."""
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                target = self._renumbered(value, moved, pending)
                if target is not None:
                    obj[key] = target
        elif isinstance(obj, ArrayObject):
            for index, value in enumerate(obj):
                target = self._renumbered(value, moved, pending)
                if target is not None:
                    obj[index] = target

    def _renumbered(
        self,
        value: PdfObject,
        moved: dict[tuple[int, int], IndirectObject],
        pending: list[tuple[IndirectObject, IndirectObject]],
    ) -> IndirectObject | None:
        """The new reference for a source reference; recurses into containers."""
        if isinstance(value, IndirectObject):
            if value.pdf is self:
                return None
            source = (value.idnum, value.generation)
            target = moved.get(source)
            if target is None:
                target = moved[source] = self.reserve()
                pending.append((value, target))
            return target
        if isinstance(value, (DictionaryObject, ArrayObject)):
            self._renumber(value, moved, pending)
        return None

    def _name(self, name: NameObject) -> bytes:
        encoded = self._names.get(name)
        if encoded is None:
            parts: list[bytes] = []
            name.write_to_stream(_Sink(parts))
            encoded = self._names[name] = b"".join(parts)
        return encoded

    def _serialize_entries(
        self, obj: DictionaryObject, parts: list[bytes], *, stream: bool = False
    ) -> None:
        for key, value in obj.items():
            if (stream and key == "/Length") or (
                len(key) > 2 and key[1] == "%" and key[-1] == "%"
            ):
                continue  # written by the caller / pypdf's private bookkeeping
            parts.append(self._name(key))
            parts.append(b" ")
            self._serialize(value, parts)
            parts.append(b"\n")

    def _serialize(self, obj: PdfObject, parts: list[bytes]) -> None:
        """pypdf's ``write_to_stream``, with fast paths for the common types."""
        kind = type(obj)
        if kind is NameObject:
            parts.append(self._name(obj))  # type: ignore[arg-type]
        elif kind is IndirectObject:
            if obj.pdf is not self:  # type: ignore[attr-defined]
                raise RuntimeError("a reference escaped renumbering")
            parts.append(b"%d 0 R" % obj.idnum)  # type: ignore[attr-defined]
        elif kind is NumberObject:
            parts.append(b"%d" % obj)  # type: ignore[str-bytes-safe]
        elif kind is ArrayObject:
            parts.append(b"[")
            for value in obj:  # type: ignore[attr-defined]
                parts.append(b" ")
                self._serialize(value, parts)
            parts.append(b" ]")
        elif kind is DictionaryObject or kind is PageObject:
            parts.append(b"<<\n")
            self._serialize_entries(obj, parts)  # type: ignore[arg-type]
            parts.append(b">>")
        elif kind is EncodedStreamObject or kind is DecodedStreamObject:
            # What StreamObject.write_to_stream writes, minus its generic (and
            # slow) dictionary path; ``_data`` is the stream as stored.
            data = obj._data  # type: ignore[attr-defined]
            parts.append(b"<<\n/Length %d\n" % len(data))
            self._serialize_entries(obj, parts, stream=True)  # type: ignore[arg-type]
            parts += (b">>\nstream\n", data, b"\nendstream")
        else:
            obj.write_to_stream(_Sink(parts))
