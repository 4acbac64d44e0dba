"""Records in the Wagtail admin: a "Records" menu with the audit trail.

The audit trail is shown read-only: its viewset serves only the listing and
the inspect page, and its permission policy refuses every action but "view",
even to superusers, so no add, edit or delete button or URL exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from records.models import AuditEvent


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Grants "view" as Django's permissions say, and nothing else to anyone."""

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Iterable[str]):
        return super().users_with_any_permission(
            [action for action in actions if action == "view"]
        )


register_permission_policy(AuditEvent, ViewOnlyPermissionPolicy(AuditEvent))


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    name = "records_audit"
    url_prefix = "records/audit"
    icon = "history"
    menu_label = _("Audit trail")
    list_display = ["sequence", "at", "action", "actor_name", "target_repr"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_repr"]
    ordering = ["-sequence"]
    inspect_view_enabled = True
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
    copy_view_enabled = False
    add_to_reference_index = False

    def get_urlpatterns(self) -> list[URLPattern]:
        # Listing and inspecting only: the write views are never routed (nor
        # built, so the viewset needs no form).
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )


class RecordsViewSetGroup(ModelViewSetGroup):
    items = (AuditEventViewSet,)
    menu_icon = "folder-open-inverse"
    menu_label = _("Records")
    menu_name = "records"
    menu_order = 300


@hooks.register("register_admin_viewset")
def register_records_viewsets() -> list[ModelViewSetGroup]:
    return [RecordsViewSetGroup()]
