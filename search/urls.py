from __future__ import annotations

from django.urls import path

from search.views import autocomplete, search_page

urlpatterns = [
    path("", search_page, name="search"),
    path("autocomplete/", autocomplete, name="search_autocomplete"),
]
