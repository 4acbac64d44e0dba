"""The meetings section of the public site."""

from __future__ import annotations

from django.db import transaction

from council.models import HomePage
from meetings.models import MeetingIndexPage


@transaction.atomic
def ensure_meetings_page() -> MeetingIndexPage | None:
    """Add the public meetings index under the home page, once."""
    existing = MeetingIndexPage.objects.first()
    home = HomePage.objects.first()
    if existing is not None or home is None:
        return existing
    return home.add_child(
        instance=MeetingIndexPage(title="Meetings", slug="meetings", show_in_menus=True)
    )
