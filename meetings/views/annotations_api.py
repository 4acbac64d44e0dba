"""The annotations API: W3C Web Annotations as JSON-LD, for the pack reader.

Mounted at /api/annotations/ (council/urls.py):

    packs/<pack id>/                      GET the pack's annotations, POST one
    <annotation id>/                      GET, PATCH (own), DELETE (own)
    meetings/<meeting id>/export.txt      one's own notes as text
    meetings/<meeting id>/export.html     ... as a printable page

The reader is same-origin and signed in with the session: writes need the
CSRF token in an X-CSRFToken header (Django's middleware checks it; the GET
of a pack's annotations sets the cookie). Another member's private
annotation answers 404, exactly like one that does not exist, so ids cannot
be probed; without a session every URL answers 401 before looking anything up.

JSON-LD is read and written by annotations_jsonld; every rule about who may
do what and what a valid annotation is lives in meetings.services.annotations.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from itertools import groupby

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods

from meetings.models import Annotation, BoardPack, Meeting
from meetings.services import annotations as service
from meetings.views.annotations_jsonld import (
    LD_CONTENT_TYPE,
    BadRequest,
    UnsupportedMediaType,
    annotation_ld,
    collection_ld,
    parse_annotation,
    request_json,
)


def _json(data: dict, status: int = 200, content_type: str = LD_CONTENT_TYPE):
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=content_type
    )


def _error(status: int, message: str) -> HttpResponse:
    response = _json({"error": str(message)}, status, "application/json")
    if status == 401:
        response["WWW-Authenticate"] = 'Session realm="Quorum"'
    return response


def _api_view(view: Callable) -> Callable:
    """Signed-in users only (401 otherwise, before any lookup); errors from
    the services become JSON with a status; nothing is cached."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return _error(401, _("Sign in to use annotations."))
        try:
            return view(request, *args, **kwargs)
        except UnsupportedMediaType as error:
            return _error(415, str(error))
        except BadRequest as error:
            return _error(400, str(error))
        except service.PackSuperseded as error:
            return _error(409, " ".join(error.messages))
        except ValidationError as error:
            return _error(400, " ".join(error.messages))
        except PermissionDenied as error:
            return _error(403, str(error) or _("You may not do that."))
        except Http404:
            return _error(404, _("Nothing was found at this address."))

    return wrapped


def _pack(request: HttpRequest, pack_id: int) -> BoardPack:
    """A pack the user may open; 404 for any other, existing or not."""
    pack = (
        BoardPack.objects.select_related("version__meeting", "record")
        .filter(pk=pack_id)
        .first()
    )
    if pack is None or not service.may_open(request.user, pack):
        raise Http404
    return pack


def _annotation(request: HttpRequest, annotation_id: int) -> Annotation:
    """An annotation the user may read; 404 for any other, existing or not."""
    annotation = (
        Annotation.objects.readable_by(request.user)
        .select_related("author__person", "record", "pack__record", "pack__version")
        .filter(pk=annotation_id)
        .first()
    )
    if annotation is None:
        raise Http404
    return annotation


@require_http_methods(["GET", "POST"])
@ensure_csrf_cookie
@_api_view
def pack_annotations(request: HttpRequest, pack_id: int) -> HttpResponse:
    """GET: the annotations shown in a pack; POST: annotate it."""
    pack = _pack(request, pack_id)
    if request.method == "GET":
        if not service.may_annotate(request.user, pack):
            raise PermissionDenied(
                _("Only members of the meeting's bodies and clerks annotate this pack.")
            )
        return _json(collection_ld(request, pack))
    parsed = parse_annotation(request_json(request), pack)
    page, record, selection = parsed.target
    annotation = service.create_annotation(
        author=request.user,
        pack=pack,
        motivation=parsed.motivation,
        page=page,
        record=record,
        note=parsed.note or "",
        selection=selection,
        shared=bool(parsed.shared),
    )
    annotation = _annotation(request, annotation.pk)
    response = _json(annotation_ld(request, annotation), status=201)
    response["Location"] = request.build_absolute_uri(
        reverse("meetings_annotation", args=[annotation.pk])
    )
    return response


@require_http_methods(["GET", "PATCH", "DELETE"])
@_api_view
def annotation_detail(request: HttpRequest, annotation_id: int) -> HttpResponse:
    """GET one annotation; PATCH or DELETE one's own."""
    annotation = _annotation(request, annotation_id)
    if request.method == "GET":
        return _json(annotation_ld(request, annotation))
    if request.method == "DELETE":
        service.delete_annotation(annotation=annotation, user=request.user)
        return HttpResponse(status=204)
    if annotation.author_id != request.user.pk:
        raise PermissionDenied(_("Only its author may change an annotation."))
    parsed = parse_annotation(request_json(request), annotation.pack, partial=True)
    service.update_annotation(
        annotation=annotation,
        user=request.user,
        note=parsed.note,
        motivation=parsed.motivation,
        shared=parsed.shared,
        target=parsed.target,
    )
    return _json(annotation_ld(request, _annotation(request, annotation_id)))


def _export_name(meeting: Meeting, extension: str) -> str:
    day = timezone.localtime(meeting.starts_at)
    return f"annotations-{day:%Y-%m-%d}-{meeting.pk}.{extension}"


@require_GET
@_api_view
def export_text(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The user's own notes on a meeting's packs, as a text file."""
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    response = HttpResponse(
        service.export_annotations_text(request.user, meeting),
        content_type="text/plain; charset=utf-8",
    )
    name = _export_name(meeting, "txt")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@_api_view
def export_html(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The user's own notes on a meeting's packs, as a page to print or save."""
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    packs = [
        (pack, [(a, service.annotation_heading(a)) for a in annotations])
        for pack, annotations in groupby(
            service.own_annotations(request.user, meeting), key=lambda a: a.pack
        )
    ]
    return render(
        request,
        "meetings/annotations_export.html",
        {
            "meeting": meeting,
            "author": service.author_name(request.user),
            "packs": packs,
        },
    )
