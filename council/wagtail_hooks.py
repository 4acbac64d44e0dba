"""The council domain in the Wagtail admin: one "Council" menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from council.models import Body, LegislativeTerm, Membership, Person


class BodyViewSet(SnippetViewSet):
    model = Body
    icon = "group"
    menu_label = _("Bodies")
    list_display = ["name", "classification", "parent", "quorum_rule"]
    list_filter = ["classification"]
    search_fields = ["name", "short_name"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = ["sortable_name", "email", "user"]
    search_fields = ["given_name", "family_name", "email"]


class MembershipFilterSet(WagtailFilterSet):
    class Meta:
        model = Membership
        fields = ["body", "role", "legislative_term"]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "clipboard-list"
    menu_label = _("Memberships")
    list_display = ["person", "body", "seat", "role", "start_date", "end_date"]
    filterset_class = MembershipFilterSet
    search_fields = ["person__given_name", "person__family_name", "body__name"]
    ordering = ["body__name", "-start_date"]


class LegislativeTermViewSet(SnippetViewSet):
    model = LegislativeTerm
    icon = "date"
    menu_label = _("Legislative terms")
    list_display = ["name", "start_date", "end_date"]


class CouncilViewSetGroup(SnippetViewSetGroup):
    items = (BodyViewSet, PersonViewSet, MembershipViewSet, LegislativeTermViewSet)
    menu_icon = "group"
    menu_label = _("Council")
    menu_name = "council"
    menu_order = 200


register_snippet(CouncilViewSetGroup)
