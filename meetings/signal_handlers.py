from __future__ import annotations

from meetings.services.pages import ensure_meetings_page
from meetings.services.publishing import mark_packs_containing


def add_meetings_page_after_migrate(**kwargs) -> None:
    ensure_meetings_page()


def mark_packs_containing_removed_content(*, record, **kwargs) -> None:
    mark_packs_containing(record)
