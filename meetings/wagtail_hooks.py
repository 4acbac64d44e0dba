"""Meetings in the Wagtail admin: one "Meetings" menu."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button

from council.visibility import Role, has_role
from meetings.models import (
    AgendaItem,
    AgendaTemplate,
    ItemSubmission,
    Meeting,
    MeetingSchedule,
    Minutes,
)
from meetings.views import minutes_admin, paper_saved, submission_review


class LinkColumn(Column):
    """A column whose cell is a link computed from the row."""

    cell_template_name = "meetings/admin/link_cell.html"

    def __init__(self, name, *, url, text, **kwargs):
        super().__init__(name, **kwargs)
        self.url, self.text = url, text

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(url=self.url(instance), text=self.text)
        return context


class MeetingEditView(EditView):
    @property
    def header_more_buttons(self):
        return [
            Button(
                _("Live console"),
                url=reverse("meetings_console", args=[self.object.pk]),
                icon_name="clipboard-list",
                priority=2,
            ),
            Button(
                _("Agenda builder"),
                url=reverse("meetings_agenda_builder", args=[self.object.pk]),
                icon_name="list-ol",
                priority=1,
            ),
            *super().header_more_buttons,
        ]


class MeetingViewSet(ModelViewSet):
    model = Meeting
    name = "meetings_meeting"
    url_prefix = "meetings/meeting"
    icon = "date"
    menu_label = _("Meetings")
    edit_view_class = MeetingEditView
    list_display = [
        "__str__",
        "status",
        LinkColumn(
            "console",
            label=_("Live"),
            text=_("Console"),
            url=lambda m: reverse("meetings_console", args=[m.pk]),
        ),
        LinkColumn(
            "agenda",
            label=_("Agenda"),
            text=_("Agenda builder"),
            url=lambda m: reverse("meetings_agenda_builder", args=[m.pk]),
        ),
    ]
    list_filter = ["status", "bodies"]
    search_fields = ["title", "location"]
    ordering = ["-starts_at"]


class AgendaItemViewSet(ModelViewSet):
    """Editing one item's text; items are added and ordered in the builder."""

    model = AgendaItem
    name = "meetings_agendaitem"
    url_prefix = "meetings/item"
    icon = "doc-full"
    add_to_admin_menu = False
    list_display = ["title", "section", "visibility"]


class SubmissionIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .visible_to(self.request.user)
            .select_related("body")
        )


class SubmissionViewSet(ModelViewSet):
    model = ItemSubmission
    name = "meetings_itemsubmission"
    url_prefix = "meetings/submission"
    icon = "doc-full-inverse"
    menu_label = _("Item submissions")
    index_view_class = SubmissionIndexView
    list_display = [
        "title",
        "body",
        "department",
        "status",
        LinkColumn(
            "review",
            label=_("Review"),
            text=_("Files and next step"),
            url=lambda s: reverse("meetings_submission_review", args=[s.pk]),
        ),
    ]
    list_filter = ["status", "body"]
    search_fields = ["title", "department"]


class ScheduleViewSet(ModelViewSet):
    model = MeetingSchedule
    name = "meetings_schedule"
    url_prefix = "meetings/schedule"
    icon = "time"
    menu_label = _("Schedules")
    list_display = ["body", "describe", "location"]


class AgendaTemplateViewSet(ModelViewSet):
    model = AgendaTemplate
    name = "meetings_agendatemplate"
    url_prefix = "meetings/template"
    icon = "list-ul"
    menu_label = _("Agenda templates")


class MinutesEditView(EditView):
    @property
    def header_more_buttons(self):
        pk = self.object.pk
        return [
            Button(
                _("Download Word"),
                icon_name="download",
                priority=1,
                url=reverse("meetings_minutes_export", args=[pk, "docx"]),
            ),
            Button(
                _("Download PDF"),
                icon_name="download",
                priority=2,
                url=reverse("meetings_minutes_export", args=[pk, "pdf"]),
            ),
            *super().header_more_buttons,
        ]


class MinutesViewSet(ModelViewSet):
    model = Minutes
    name = "meetings_minutes"
    url_prefix = "meetings/minutes"
    icon = "doc-full"
    menu_label = _("Minutes")
    edit_view_class = MinutesEditView
    list_display = [
        "__str__",
        "status",
        LinkColumn(
            "word",
            label=_("Word"),
            text=_("Download"),
            url=lambda m: reverse("meetings_minutes_export", args=[m.pk, "docx"]),
        ),
        LinkColumn(
            "pdf",
            label=_("PDF"),
            text=_("Download"),
            url=lambda m: reverse("meetings_minutes_export", args=[m.pk, "pdf"]),
        ),
    ]
    list_filter = ["status"]


class MeetingsViewSetGroup(ModelViewSetGroup):
    items = (
        MeetingViewSet,
        SubmissionViewSet,
        MinutesViewSet,
        ScheduleViewSet,
        AgendaTemplateViewSet,
    )
    menu_icon = "date"
    menu_label = _("Meetings")
    menu_name = "meetings"
    menu_order = 100


@hooks.register("register_admin_viewset")
def register_meetings_viewsets():
    return [MeetingsViewSetGroup(), AgendaItemViewSet()]


@hooks.register("register_admin_urls")
def register_agenda_urls():
    return [
        path("meetings/", include("meetings.views.admin_urls")),
        path(
            "meetings/submission/<int:submission_id>/review/",
            submission_review.SubmissionReviewView.as_view(),
            name="meetings_submission_review",
        ),
        path(
            "meetings/submission/<int:submission_id>/review/<str:action>/",
            submission_review.transition,
            name="meetings_submission_transition",
        ),
        path(
            "meetings/<int:meeting_id>/minutes/draft/",
            minutes_admin.draft,
            name="meetings_minutes_draft",
        ),
        path(
            "meetings/minutes/<int:minutes_id>/export/<str:file_format>/",
            minutes_admin.export,
            name="meetings_minutes_export",
        ),
        path(
            "meetings/minutes/<int:minutes_id>/correct/",
            minutes_admin.correct,
            name="meetings_minutes_correct",
        ),
        path(
            "meetings/submission/<int:submission_id>/files/",
            submission_review.upload,
            name="meetings_submission_upload",
        ),
    ]


class ClerksMenuItem(MenuItem):
    def is_shown(self, request):
        return has_role(request.user, Role.CLERK)


@hooks.register("register_admin_urls")
def register_paper_saved_url():
    return [
        path(
            "meetings/paper-saved/",
            paper_saved.paper_saved,
            name="meetings_paper_saved",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_paper_saved_report():
    return ClerksMenuItem(
        _("Paper saved"),
        reverse("meetings_paper_saved"),
        icon_name="doc-empty-inverse",
        order=900,
    )


@hooks.register("register_admin_menu_item")
def register_members_portal():
    """The members' portal, where clerks read packs as members do."""
    return ClerksMenuItem(
        _("Members' portal"),
        reverse("meetings_portal"),
        icon_name="doc-full",
        order=150,
    )
