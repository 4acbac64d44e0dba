"""The members' portal and the board pack reader, an installable web app.

Mounted at /members/ (council/urls.py):

    ""                              My meetings: upcoming and recent meetings
                                    of the bodies the member sits on
    meetings/<id>/read/             the reader (pdf.js); ?pack=<id> for an
                                    earlier version; #page=N to open at a page
    meetings/<id>/agenda/           the agenda as the member may see it
    sw.js                           the service worker (scope /members/)
    manifest.webmanifest            the web app manifest
    sign-out/                       POST: sign out (offline copies are wiped)

Members read meetings of the bodies they sit on, clerks every meeting; anyone
else gets 404, as for a meeting that does not exist. Files and annotations
are fetched from /files/ and /api/annotations/, which check visibility again.
"""

from __future__ import annotations

import hashlib
import json
import os

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from council.visibility import Role, has_role
from meetings import reading, selectors
from meetings.models import BoardPack, Meeting
from meetings.services.annotations import (
    author_name,
    may_annotate,
    may_open,
    newer_pack,
)
from meetings.services.reading import record_pack_open

# Browser modules of the reader, in the import map (names → static paths).
READER_MODULES = {
    "pdfjs": "pdfjs/build/pdf.min.mjs",
    "pdfjs-viewer": "pdfjs/web/pdf_viewer.mjs",
    "quorum/reader": "meetings/reader/reader.js",
    "quorum/annotations": "meetings/reader/annotations.js",
    "quorum/anchoring": "meetings/reader/anchoring.js",
    "quorum/dialog": "meetings/reader/dialog.js",
    "quorum/store": "meetings/reader/store.js",
    "quorum/offline": "meetings/reader/offline.js",
    "quorum/panels": "meetings/reader/panels.js",
    "quorum/pinch": "meetings/reader/pinch.js",
}
# pdf.js fetches the pack in ranges of this size (reader.js, reader.html).
RANGE_CHUNK_SIZE = 65536
# Other static files the reader needs offline.
READER_FILES = (
    "pdfjs/build/pdf.worker.min.mjs",
    "pdfjs/web/pdf_viewer.css",
    "pdfjs/standard_fonts/LiberationSans-Regular.ttf",
    "pdfjs/standard_fonts/LiberationSans-Bold.ttf",
    "council/css/site.css",
    "meetings/reader/reader.css",
    "meetings/reader/portal.js",
    "meetings/reader/icon-192.png",
)


def _import_map() -> str:
    """The import map's JSON, safe inside a <script> element."""
    imports = {name: static(path) for name, path in READER_MODULES.items()}
    return mark_safe(json.dumps({"imports": imports}).replace("<", "\\u003c"))


def _offline_assets() -> list[str]:
    return [static(p) for p in (*READER_MODULES.values(), *READER_FILES)]


def _app_context(request: HttpRequest) -> dict:
    """What every page of the app passes to its scripts."""
    return {
        "import_map": _import_map(),
        "app": {
            "userId": request.user.pk,
            "portalUrl": reverse("meetings_portal"),
            "serviceWorkerUrl": reverse("meetings_reader_sw"),
            "scope": reverse("meetings_portal"),
            "assets": _offline_assets(),
        },
    }


def _readable_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.prefetch_related("bodies"), pk=meeting_id
    )
    if not reading.may_read(request.user, meeting):
        raise Http404
    return meeting


@never_cache
@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """My meetings: the member's upcoming and recent meetings and packs."""
    entries = reading.portal(request.user)
    context = _app_context(request)
    context["app"]["readablePacksUrl"] = reverse("meetings_readable_packs")
    context.update(
        portal=entries,
        user_name=author_name(request.user),
        is_clerk=has_role(request.user, Role.CLERK),
    )
    return render(request, "meetings/reader/portal.html", context)


def _pack_id(request: HttpRequest) -> int | None:
    value = request.GET.get("pack", "")
    return int(value) if value.isdigit() else None


@never_cache
@login_required
@ensure_csrf_cookie
def reader(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The reader: the meeting's newest members' pack (or the one asked
    for), its outline, thumbnails, find, and the member's annotations."""
    meeting = _readable_meeting(request, meeting_id)
    pack_id = _pack_id(request)
    pack = reading.reading_pack(request.user, meeting, pack_id)
    if pack is None:
        if pack_id is not None:
            raise Http404
        return render(
            request,
            "meetings/reader/no_pack.html",
            {**_app_context(request), "meeting": meeting},
        )
    record_pack_open(user=request.user, pack=pack)
    newer = newer_pack(pack)
    context = _app_context(request)
    context["app"].update(_reader_config(request, meeting, pack, newer))
    context.update(
        meeting=meeting,
        pack=pack,
        newer=newer,
        versions=selectors.packs_for(request.user, meeting),
        # Preloaded, so that they arrive together rather than one import
        # after the other.
        modules=[static(path) for path in READER_MODULES.values()],
    )
    return render(request, "meetings/reader/reader.html", context)


def _reader_config(
    request: HttpRequest, meeting: Meeting, pack: BoardPack, newer: BoardPack | None
) -> dict:
    pdfjs = settings.STATIC_URL + "pdfjs/"
    return {
        "userName": author_name(request.user),
        "meetingId": meeting.pk,
        "meetingTitle": f"{meeting.body_names} · {meeting.title}",
        "bodyNames": meeting.body_names,
        "packId": pack.pk,
        "packVersion": pack.version.number,
        "pageCount": pack.page_count,
        "packUrl": pack.record.get_absolute_url(),
        "packSize": pack.record.size,
        "rangeChunkSize": RANGE_CHUNK_SIZE,
        "annotationsUrl": reverse("meetings_pack_annotations", args=[pack.pk]),
        "canAnnotate": newer is None and may_annotate(request.user, pack),
        "readerUrl": request.get_full_path(),
        "agendaUrl": reverse("meetings_reader_agenda", args=[meeting.pk]),
        "csrfCookieName": settings.CSRF_COOKIE_NAME,
        "pdfjs": {
            "worker": static("pdfjs/build/pdf.worker.min.mjs"),
            # Folders: their files are fetched by name, so unhashed URLs.
            "cMapUrl": pdfjs + "cmaps/",
            "standardFontDataUrl": pdfjs + "standard_fonts/",
            "wasmUrl": pdfjs + "wasm/",
            "iccUrl": pdfjs + "iccs/",
        },
    }


@never_cache
@login_required
def agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda of the pack the reader shows, with each item's page."""
    meeting = _readable_meeting(request, meeting_id)
    pack = reading.reading_pack(request.user, meeting)
    if pack is None:
        raise Http404
    sections = selectors.published_agenda(pack.version, request.user)
    for section in sections:
        for item in section.items:
            item.pack_page = pack.item_pages.get(item.number)
    context = _app_context(request)
    context.update(meeting=meeting, pack=pack, sections=sections)
    return render(request, "meetings/reader/agenda.html", context)


def _assets_version(assets: list[str]) -> str:
    """Changes when any of the reader's static files does, so that a changed
    service worker replaces the files it keeps (in production their names
    carry their hash already; in development they do not)."""
    digest = hashlib.sha256()
    for path in (*READER_MODULES.values(), *READER_FILES):
        found = finders.find(path)
        stat = os.stat(found) if found else None
        digest.update(f"{path}:{stat.st_mtime_ns if stat else 0}".encode())
    digest.update("\n".join(assets).encode())
    return digest.hexdigest()[:12]


def service_worker(request: HttpRequest) -> HttpResponse:
    """The reader's service worker, served under /members/ so that its scope
    covers the portal and the reader (their requests to /files/, /static/
    and /api/annotations/ pass through it too). On install it fetches the
    reader's static files, so that the first pack opened from My meetings
    starts from them."""
    assets = _offline_assets()
    response = render(
        request,
        "meetings/reader/sw.js",
        {
            "portal_url": reverse("meetings_portal"),
            "assets": mark_safe(json.dumps(assets)),
            "version": _assets_version(assets),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    portal_url = reverse("meetings_portal")
    data = {
        "name": _("%(city)s · My meetings") % {"city": settings.QUORUM_CITY_NAME},
        "short_name": _("Meetings"),
        "description": _("Board packs, agendas and your notes, also offline."),
        "start_url": portal_url,
        "scope": portal_url,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#083a66",
        "icons": [
            {
                "src": static(f"meetings/reader/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/manifest+json",
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out; the response wipes the offline copies on this device
    (meetings.middleware adds Clear-Site-Data to any sign-out)."""
    logout(request)
    return redirect(
        f"{reverse('wagtailadmin_login')}?next={reverse('meetings_portal')}"
    )


def readable_packs(request: HttpRequest) -> JsonResponse:
    """The packs the signed-in user may still open, among those asked for
    (?ids=1,2): the reader drops offline copies of any other."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in.")}, status=401)
    asked = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()]
    packs = BoardPack.objects.filter(pk__in=asked[:200]).select_related(
        "version__meeting", "record"
    )
    allowed = [
        pack.pk
        for pack in packs
        if may_open(request.user, pack)
        and reading.may_read(request.user, pack.version.meeting)
    ]
    response = JsonResponse({"packs": allowed})
    response["Cache-Control"] = "no-store"
    return response
