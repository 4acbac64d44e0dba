"""Records in the Wagtail admin: the records manager's "Records" menu.

Records, the file plan, holds, the disposal queue, disposal batches with
their certificates, and the audit trail. The trail and the batches are shown
read-only: their viewsets serve only the listing and the inspect page, and
the trail's permission policy refuses every action but "view", even to
superusers, so no add, edit or delete button or URL exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from records.models import AuditEvent, DisposalBatch, Hold, Record, RecordClass
from records.views import admin as admin_views


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Grants "view" as Django's permissions say, and nothing else to anyone."""

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Iterable[str]):
        return super().users_with_any_permission(
            [action for action in actions if action == "view"]
        )


register_permission_policy(AuditEvent, ViewOnlyPermissionPolicy(AuditEvent))


class ReadOnlyViewSet(ModelViewSet):
    """Listing and inspecting only: the write views are never routed (nor
    built, so the viewset needs no form). Subclasses add routes of their own
    in `extra_urlpatterns`; no button links to a view that is not routed."""

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False

    def extra_urlpatterns(self) -> list[URLPattern]:
        return []

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            *self.extra_urlpatterns(),
        ]

    def get_common_view_kwargs(self, **kwargs):
        routed = {pattern.name for pattern in self.extra_urlpatterns()}
        unrouted = {
            f"{name}_url_name": None
            for name in ("add", "edit", "delete", "history", "usage")
            if name not in routed
        }
        return super().get_common_view_kwargs(**{**unrouted, **kwargs})


class AuditEventViewSet(ReadOnlyViewSet):
    model = AuditEvent
    name = "records_audit"
    url_prefix = "records/audit"
    icon = "history"
    menu_label = _("Audit trail")
    list_display = ["sequence", "at", "action", "actor_name", "target_repr"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_repr"]
    ordering = ["-sequence"]
    inspect_view_fields = [
        "sequence",
        "at",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "details",
        "previous_hash",
        "hash",
    ]


class RecordViewSet(ModelViewSet):
    model = Record
    name = "records_records"
    url_prefix = "records/records"
    icon = "doc-full"
    menu_label = _("Records")
    list_display = [
        "title",
        "identifier",
        "record_class",
        "status",
        "disposal_due_on",
        "declared_at",
    ]
    filterset_class = admin_views.RecordFilterSet
    search_fields = ["title", "original_filename"]
    form_fields = ["title", "visibility", "record_class"]
    inspect_view_enabled = True
    inspect_view_class = admin_views.RecordInspectView
    edit_view_class = admin_views.RecordEditView
    copy_view_enabled = False
    add_to_reference_index = False

    def get_queryset(self, request):
        return Record.objects.select_related("record_class")

    def get_urlpatterns(self) -> list[URLPattern]:
        # Records are captured by uploads and never deleted here: disposal
        # goes through the queue.
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in ("add", "delete")
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "delete_url_name": None, **kwargs}
        )


class RecordClassViewSet(ModelViewSet):
    model = RecordClass
    name = "records_file_plan"
    url_prefix = "records/file-plan"
    icon = "list-ul"
    menu_label = _("File plan")
    list_display = ["path_name", "code", "schedule"]
    search_fields = ["name", "code", "description"]
    edit_view_class = admin_views.RecordClassEditView
    copy_view_enabled = False
    add_to_reference_index = False


class HoldViewSet(ReadOnlyViewSet):
    model = Hold
    name = "records_holds"
    url_prefix = "records/holds"
    icon = "lock"
    menu_label = _("Holds")
    list_display = ["__str__", "scope_label", "owner", "placed_at", "lifted_at"]
    list_filter = ["scope"]
    search_fields = ["reason", "search_query", "target_label"]
    inspect_view_class = admin_views.HoldInspectView

    def extra_urlpatterns(self) -> list[URLPattern]:
        # Placed through place_hold and lifted, never edited or deleted.
        return [
            path("new/", admin_views.PlaceHoldView.as_view(), name="add"),
            path("lift/<int:pk>/", admin_views.lift_hold, name="lift"),
        ]


class DisposalBatchViewSet(ReadOnlyViewSet):
    model = DisposalBatch
    name = "records_disposal_batches"
    url_prefix = "records/disposals"
    icon = "tasks"
    menu_label = _("Disposals and certificates")
    list_display = ["__str__", "status", "started_by", "created_at", "certificate"]
    list_filter = ["status"]
    inspect_view_class = admin_views.DisposalBatchInspectView


class RecordsViewSetGroup(ModelViewSetGroup):
    items = (
        RecordViewSet,
        RecordClassViewSet,
        HoldViewSet,
        DisposalBatchViewSet,
        AuditEventViewSet,
    )
    menu_icon = "folder-open-inverse"
    menu_label = _("Records")
    menu_name = "records"
    menu_order = 300

    def get_submenu_items(self):
        items = super().get_submenu_items()
        queue = MenuItem(
            _("Disposal queue"),
            reverse("records_disposal_queue"),
            icon_name="bin",
            name="disposal-queue",
        )
        queue.is_shown = lambda request: request.user.has_perm(
            "records.view_disposalitem"
        )
        return [*items[:3], queue, *items[3:]]


@hooks.register("register_admin_viewset")
def register_records_viewsets() -> list[ModelViewSetGroup]:
    return [RecordsViewSetGroup()]


@hooks.register("register_admin_urls")
def register_disposal_urls() -> list[URLPattern]:
    return [
        path(
            "records/disposal-queue/",
            admin_views.DisposalQueueView.as_view(),
            name="records_disposal_queue",
        ),
        path(
            "records/disposal-queue/list-due/",
            admin_views.list_due,
            name="records_disposal_list_due",
        ),
        path(
            "records/disposal-queue/<int:pk>/review/<str:decision>/",
            admin_views.review,
            name="records_disposal_review",
        ),
        path(
            "records/disposal-queue/<int:pk>/confirm/",
            admin_views.confirm,
            name="records_disposal_confirm",
        ),
        path(
            "records/disposal-queue/execute/",
            admin_views.execute,
            name="records_disposal_execute",
        ),
    ]
