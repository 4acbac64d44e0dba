from __future__ import annotations

from meetings.services.pages import ensure_meetings_page


def add_meetings_page_after_migrate(**kwargs) -> None:
    ensure_meetings_page()
