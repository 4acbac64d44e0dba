"""The admin links to the search page, where signed-in users find everything
they may see (the intranet search)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_menu_item")
def register_search_menu_item() -> MenuItem:
    return MenuItem(
        _("Search all records"), reverse("search"), icon_name="search", order=250
    )
