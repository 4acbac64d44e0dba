"""The clerk's agenda builder: one admin screen per meeting."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from council.visibility import Role, Visibility, has_role
from meetings import forms, selectors
from meetings.models import (
    AgendaAttachment,
    AgendaItem,
    AgendaSection,
    ItemSubmission,
    Meeting,
    SubmissionStatus,
)
from meetings.services import agenda, publishing, submissions
from records.ingest import RejectedUpload


def _clerk_only(request: HttpRequest) -> None:
    if not has_role(request.user, Role.CLERK):
        raise PermissionDenied


def builder_url(meeting: Meeting) -> str:
    return reverse("meetings_agenda_builder", args=[meeting.pk])


class AgendaBuilderView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "meetings/admin/agenda_builder.html"
    header_icon = "list-ol"

    def dispatch(self, request, *args, **kwargs):
        _clerk_only(request)
        self.meeting = get_object_or_404(Meeting, pk=kwargs["meeting_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("Agenda: %(meeting)s") % {"meeting": self.meeting}

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("meetings_meeting:index"), "label": _("Meetings")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        versions = meeting.versions.prefetch_related("packs__record").order_by(
            "-number"
        )
        context.update(
            meeting=meeting,
            agenda=selectors.working_agenda(meeting),
            approved=ItemSubmission.objects.filter(
                body__in=meeting.bodies.all(), status=SubmissionStatus.APPROVED
            ).select_related("body"),
            versions=versions,
            next_version=(versions[0].number + 1) if versions else 1,
            notice_deadline=selectors.notice_deadline(meeting),
            visibility_choices=Visibility.choices,
            section_form=forms.SectionForm(),
            item_form=forms.ItemForm(),
            attachment_form=forms.AttachmentForm(),
            publish_form=forms.PublishForm(),
            packs_in_progress=any(
                pack.status in ("queued", "compiling")
                for version in versions
                for pack in version.packs.all()
            ),
        )
        return context


def _run(request: HttpRequest, meeting: Meeting, action, success: str) -> HttpResponse:
    """Call a service; show its error to the clerk instead of failing."""
    try:
        action()
    except (ValidationError, RejectedUpload) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(builder_url(meeting))


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    _clerk_only(request)
    return get_object_or_404(Meeting, pk=meeting_id)


@require_POST
def add_section(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    form = forms.SectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the section a title."))
        return redirect(builder_url(meeting))
    return _run(
        request,
        meeting,
        lambda: agenda.add_section(meeting=meeting, **form.cleaned_data),
        _("Section added."),
    )


@require_POST
def add_item(request, meeting_id: int, section_id: int):
    meeting = _meeting(request, meeting_id)
    section = get_object_or_404(AgendaSection, pk=section_id, meeting=meeting)
    form = forms.ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the item a title."))
        return redirect(builder_url(meeting))
    return _run(
        request,
        meeting,
        lambda: agenda.add_item(section=section, **form.cleaned_data),
        _("Item added to “%(section)s”.") % {"section": section.title},
    )


@require_POST
def upload_attachment(request, meeting_id: int, item_id: int):
    meeting = _meeting(request, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, section__meeting=meeting)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return redirect(builder_url(meeting))
    upload = form.cleaned_data["file"]
    return _run(
        request,
        meeting,
        lambda: agenda.attach_file(
            item=item,
            upload_name=upload.name,
            data=upload,
            title=form.cleaned_data["title"],
            user=request.user,
        ),
        _("“%(file)s” attached to %(item)s.")
        % {"file": upload.name, "item": item.title},
    )


@require_POST
def remove_attachment(request, meeting_id: int, attachment_id: int):
    meeting = _meeting(request, meeting_id)
    attachment = get_object_or_404(
        AgendaAttachment, pk=attachment_id, item__section__meeting=meeting
    )
    return _run(
        request,
        meeting,
        lambda: agenda.remove_attachment(attachment=attachment),
        _("Attachment removed."),
    )


@require_POST
def set_visibility(request, meeting_id: int, item_id: int):
    meeting = _meeting(request, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, section__meeting=meeting)
    form = forms.VisibilityForm(request.POST)
    if not form.is_valid():
        return redirect(builder_url(meeting))
    return _run(
        request,
        meeting,
        lambda: agenda.set_item_visibility(item=item, **form.cleaned_data),
        _("“%(item)s” is now %(level)s.")
        % {"item": item.title, "level": form.cleaned_data["visibility"]},
    )


@require_POST
def remove_item(request, meeting_id: int, item_id: int):
    meeting = _meeting(request, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, section__meeting=meeting)
    return _run(
        request, meeting, lambda: agenda.remove_item(item=item), _("Item removed.")
    )


@require_POST
def move_item(request, meeting_id: int, item_id: int, direction: str):
    """Keyboard-friendly reordering: one step up or down, across sections."""
    meeting = _meeting(request, meeting_id)
    layout = [
        (entry.section.pk, [numbered.item.pk for numbered in entry.items])
        for entry in selectors.working_agenda(meeting)
    ]
    return _run(
        request,
        meeting,
        lambda: agenda.reorder_agenda(
            meeting=meeting,
            layout=selectors.layout_with_move(layout, item_id, direction),
        ),
        _("Order saved."),
    )


@require_POST
def reorder(request, meeting_id: int):
    """Drag and drop: the page posts the whole new order as JSON."""
    meeting = _meeting(request, meeting_id)
    try:
        layout = [
            (int(s["section"]), [int(i) for i in s["items"]])
            for s in json.loads(request.body)
        ]
        agenda.reorder_agenda(meeting=meeting, layout=layout)
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": _("The new order could not be read.")}, status=400
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"ok": True})


@require_POST
def place_submission(request, meeting_id: int, submission_id: int):
    meeting = _meeting(request, meeting_id)
    submission = get_object_or_404(ItemSubmission, pk=submission_id)
    form = forms.PlaceSubmissionForm(request.POST)
    section = get_object_or_404(
        AgendaSection, pk=form.data.get("section") or 0, meeting=meeting
    )
    return _run(
        request,
        meeting,
        lambda: submissions.place_submission(
            submission=submission, section=section, user=request.user
        ),
        _("“%(item)s” placed in “%(section)s”.")
        % {"item": submission.title, "section": section.title},
    )


@require_POST
def publish(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    form = forms.PublishForm(request.POST)
    form.is_valid()
    return _run(
        request,
        meeting,
        lambda: publishing.publish_agenda(
            meeting=meeting, user=request.user, **form.cleaned_data
        ),
        _("Agenda published. The board packs are being compiled."),
    )


def pack_status(request, meeting_id: int):
    """Progress of the meeting's packs, polled by the builder page."""
    meeting = _meeting(request, meeting_id)
    packs = [
        {
            "id": pack.pk,
            "status": pack.status,
            "label": pack.get_status_display(),
            "percent": pack.percent_done,
            "error": pack.error,
        }
        for pack in selectors.all_packs(meeting)
    ]
    return JsonResponse({"packs": packs})
