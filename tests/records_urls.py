"""The project's URLs plus the records app under /files/ (until council/urls.py
includes it)."""

from __future__ import annotations

from django.urls import include, path

from council.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("files/", include("records.urls")),
    *project_urlpatterns,
]
