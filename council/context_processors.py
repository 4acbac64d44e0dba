from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from council import selectors


def site(request: HttpRequest) -> dict:
    """The city's name and the public navigation, on every public page."""
    return {
        "city_name": settings.QUORUM_CITY_NAME,
        # A callable, so that only templates that show the menu query for it.
        "main_navigation": lambda: selectors.main_navigation(request.path),
    }
