"""Clerks' minutes actions: draft from the console, export, correct."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from council.visibility import Role, has_role
from meetings.models import Meeting, Minutes
from meetings.services import minutes as minutes_services

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _clerk(request) -> None:
    if not has_role(request.user, Role.CLERK):
        raise PermissionDenied


def edit_url(minutes: Minutes) -> str:
    return reverse("meetings_minutes:edit", args=[minutes.pk])


@require_POST
def draft(request, meeting_id: int):
    _clerk(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return redirect(edit_url(minutes_services.draft_minutes(meeting=meeting)))


def export(request, minutes_id: int, file_format: str):
    """The full minutes (closed-session items included) for clerks."""
    _clerk(request)
    minutes = get_object_or_404(Minutes, pk=minutes_id)
    if file_format not in CONTENT_TYPES:
        raise PermissionDenied
    data = minutes_services.export_minutes(
        minutes, file_format=file_format, public=False
    )
    day = f"{timezone.localtime(minutes.meeting.starts_at):%Y-%m-%d}"
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="minutes-{day}-v{minutes.version}.{file_format}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def correct(request, minutes_id: int):
    _clerk(request)
    minutes = get_object_or_404(Minutes, pk=minutes_id)
    try:
        correction = minutes_services.start_correction(minutes=minutes)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(edit_url(minutes))
    return redirect(edit_url(correction))
