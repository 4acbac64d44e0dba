"""Serving record files to the people allowed to see them."""

from __future__ import annotations

import logging
import re
from typing import BinaryIO

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from council.visibility import Visibility, can_view
from records.audit import record_event
from records.models import AuditAction, Record
from records.services import record_storage

logger = logging.getLogger(__name__)

_SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UnsatisfiableRange(Exception):
    pass


@require_safe
def download_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The record's file, inline, with single-range support for PDF readers.

    A record the user may not see answers 404 like a missing one, so its
    existence is not confirmed.
    """
    record = get_object_or_404(Record, pk=pk)
    if not can_view(request.user, record):
        raise Http404
    size = record.size
    try:
        byte_range = parse_byte_range(_range_header(request, record), size)
    except UnsatisfiableRange:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _with_record_headers(response, record)
    try:
        stored = record_storage().open(record.file.name, "rb")
    except FileNotFoundError:
        logger.error("Record %s: stored file %s is missing.", pk, record.file.name)
        raise Http404 from None
    try:
        _audit_download(request, record, byte_range)
    except BaseException:
        stored.close()
        raise
    content_type = record.mime_type
    if content_type == "text/plain":
        content_type += "; charset=utf-8"
    if byte_range is None:
        response = FileResponse(
            stored, content_type=content_type, filename=record.original_filename
        )
    else:
        start, end = byte_range
        response = FileResponse(
            _ByteWindow(stored, start=start, length=end - start + 1),
            status=206,
            content_type=content_type,
            filename=record.original_filename,
        )
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return _with_record_headers(response, record)


def _audit_download(
    request: HttpRequest, record: Record, byte_range: tuple[int, int] | None
) -> None:
    # Public files are public: fetching one is not an access worth a record.
    # HEAD sends no content, so it is no download either.
    if record.visibility == Visibility.PUBLIC or request.method != "GET":
        return
    details = {"visibility": record.visibility}
    if byte_range is not None:
        details["range"] = f"bytes {byte_range[0]}-{byte_range[1]}"
    record_event(
        action=AuditAction.DOWNLOAD, actor=request.user, target=record, details=details
    )


def parse_byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (start, end) of a single `bytes=` range, or None to send
    the whole file (no header, a malformed one, or several ranges, which
    RFC 9110 lets a server ignore). Raises UnsatisfiableRange."""
    match = _SINGLE_RANGE.match((header or "").strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # "bytes=-N": the last N bytes
        suffix = int(last)
        if suffix == 0:
            raise UnsatisfiableRange
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise UnsatisfiableRange
    return start, min(end, size - 1)


def _range_header(request: HttpRequest, record: Record) -> str | None:
    # If-Range asks for the range only if the content is still the one the
    # client has; content is addressed by hash, so the ETag never goes stale.
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range != _etag(record):
        return None
    return request.headers.get("Range")


def _etag(record: Record) -> str:
    return f'"{record.sha256}"'


def _with_record_headers(response: HttpResponse, record: Record) -> HttpResponse:
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = _etag(record)
    response["X-Content-Type-Options"] = "nosniff"
    if record.visibility != Visibility.PUBLIC:
        response["Cache-Control"] = "private"
    return response


class _ByteWindow:
    """Reads `length` bytes of an open file from `start`, then stops."""

    def __init__(self, file: BinaryIO, *, start: int, length: int) -> None:
        file.seek(start)
        self._file = file
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size < 0 else min(size, self._left)
        chunk = self._file.read(size)
        self._left -= len(chunk)
        return chunk

    def close(self) -> None:
        self._file.close()
